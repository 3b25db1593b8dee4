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
from train.data.part_labels import Forced, generate_twins, labelled_sample, role_hex
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


def twin_dir(cache_dir: Path) -> Path:
    return Path(cache_dir).resolve() / NAME / f"v{TWIN_VERSION}"


def items(cache_dir: Path, limit: int | None = None, seeds: int = SEEDS, **_: object) -> list[Item]:
    """Make (cached) SVG pairs for ``seeds`` seeds (``limit`` caps them) and list them."""
    n = seeds if limit is None else min(seeds, limit)
    modules = ensure_node_modules(cache_dir)
    out = twin_dir(cache_dir)
    names = [f"{NAME}-{i:05d}" for i in range(n)]
    made = generate_twins(_SCRIPT, modules, out, COLOURS, names, tag=NAME)
    return [
        Item(
            id=seed,
            group=seed,
            source=NAME,
            licence=LICENCE,
            attribution=f"facesjs face (seed {seed}) made with facesjs 5.0.3 by Jeremy Scheff, "
            "Apache License 2.0",
            url=URL,
            color_svg=str(out / "color" / f"{seed}.svg"),
            line_mode="maker",
            maker="train.data.sources.facesjs:make_sample",
            seed=int(seed.rsplit("-", 1)[1]),
        )
        for seed in made
    ]


def make_sample(item: Item, size: int):
    twin = Path(item.color_svg).parent.parent / "label" / Path(item.color_svg).name
    return labelled_sample(item.color_svg, str(twin), size, pad_frac=item.pad_frac, part_roles=PART_ROLES,
                           dark_threshold=0.1)


def versions(cache_dir: Path) -> dict[str, str]:
    v = package_versions(ensure_node_modules(cache_dir))
    return {PACKAGE: v[PACKAGE]}
