"""facesjs faces (npm ``facesjs`` 5.0.3, Apache-2.0, by Jeremy Scheff) with exact part labels.

``train/data/node/facesjs.mjs`` draws a face per deterministic seed
``facesjs-<n>`` (Math.random seeded per seed, gender from the seed, three
random team colours for the jersey) twice: as generated (the colour picture)
and with skin, hair and team colours set to label colours (the label twin);
every feature is wrapped in ``<g data-part="NAME">``. :func:`make_sample`
renders the colour SVG, the label map from the twin (fixed colours take their
feature's role from :data:`PART_ROLES`; the translucent shave shadow is
removed, so the head under it stays skin) and the sketch from the twin's
black outlines alone: a true line layer.
"""

from __future__ import annotations

from pathlib import Path

from train.data.npm import NODE_DIR, ensure_node_modules, package_versions
from train.data.part_labels import Forced, labelled_sample, role_hex, twin_items
from train.data.sources import Item

NAME = "facesjs"
LICENCE = "Apache-2.0"
PACKAGE = "facesjs"
URL = "https://zengm.com/facesjs/"
SEEDS = 3000
_SCRIPT = NODE_DIR / "facesjs.mjs"
TWIN_VERSION = 1

COLOURS = {"skin": role_hex("skin"), "hair": role_hex("hair"), "top": role_hex("top")}
EYES = ("eye_white", "eye")
PART_ROLES = {
    "hairBg": "hair",
    "body": "skin",
    "jersey": "top",
    "ear": "skin",
    "head": "skin",
    "eyeLine": "skin",
    "smileLine": "skin",
    "miscLine": "skin",
    "facialHair": "hair",
    "eye": EYES,
    "eyebrow": "hair",
    "mouth": "mouth",
    "nose": "skin",
    "hair": "hair",
    "glasses": Forced("accessory"),
    "accessories": Forced("accessory"),
}


def items(cache_dir: Path, limit: int | None = None, seeds: int = SEEDS, **_: object) -> list[Item]:
    """Make (cached) SVG pairs for ``seeds`` seeds (``limit`` caps them) and list them."""
    n = seeds if limit is None else min(seeds, limit)
    return twin_items(NAME, _SCRIPT, cache_dir, COLOURS, n, licence=LICENCE,
                      attribution="facesjs face (seed {seed}) made with facesjs 5.0.3 by Jeremy Scheff, Apache License 2.0",
                      url=URL, maker="train.data.sources.facesjs:make_sample", twin_version=TWIN_VERSION)


def make_sample(item: Item, size: int):
    twin = Path(item.color_svg).parent.parent / "label" / Path(item.color_svg).name
    return labelled_sample(item.color_svg, str(twin), size, pad_frac=item.pad_frac, part_roles=PART_ROLES,
                           dark_threshold=0.1)


def versions(cache_dir: Path) -> dict[str, str]:
    v = package_versions(ensure_node_modules(cache_dir))
    return {PACKAGE: v[PACKAGE]}
