"""Big Heads characters (npm ``@bigheads/core`` 0.3.3, MIT, by Robert Broersma) with exact part labels.

``train/data/node/bigheads.mjs`` renders ``<BigHead/>`` (React 18, server-side)
for deterministic seeds ``bigheads-<n>`` (Math.random seeded per seed) twice:
with the real theme colours (the colour picture) and with the theme's skin,
hair, lip, clothing, background and outline colours set to label colours
(the label twin); every component is wrapped in ``<g data-part="NAME">`` in
both. :func:`make_sample` renders the colour SVG, the label map from the twin
(:mod:`train.data.part_labels`; fixed colours such as eye whites, teeth and
hair shine take their component's role from :data:`PART_ROLES`) and the sketch
from the twin's outline paint alone (Big Heads draw every outline in the one
colour #592d3d, which the twin paints as line): a true line layer.
"""

from __future__ import annotations

from pathlib import Path

from train.data.npm import NODE_DIR, ensure_node_modules, package_versions
from train.data.part_labels import BACKGROUND_HEX, LINE_HEX, Forced, labelled_sample, role_hex, twin_items
from train.data.sources import Item

NAME = "bigheads"
LICENCE = "MIT"
PACKAGE = "@bigheads/core"
URL = "https://bigheads.io/"
SEEDS = 3000
_SCRIPT = NODE_DIR / "bigheads.mjs"
TWIN_VERSION = 1  # bump when the script or COLOURS change (twins are cached per version)

COLOURS = {
    "skin": role_hex("skin"),
    "hair": role_hex("hair"),
    "mouth": role_hex("mouth"),
    "top": role_hex("top"),
    "background": BACKGROUND_HEX,
    "line": LINE_HEX,
}
EYES = ("eye_white", "eye")
# component -> role of its fixed colours (white eye balls, teeth, shine, graphics)
PART_ROLES = {
    "eyes": EYES,
    "eyebrows": "hair",
    "mouth": "mouth",
    "hair": "hair",
    "facialHair": "hair",
    "clothing": "top",
    "graphic": "top",
    "accessory": Forced("accessory"),
    "hat": Forced("accessory"),
    "body": "skin",
}


def items(cache_dir: Path, limit: int | None = None, seeds: int = SEEDS, **_: object) -> list[Item]:
    """Make (cached) SVG pairs for ``seeds`` seeds (``limit`` caps them) and list them."""
    n = seeds if limit is None else min(seeds, limit)
    return twin_items(NAME, _SCRIPT, cache_dir, COLOURS, n, licence=LICENCE,
                      attribution="Big Heads character (seed {seed}) made with @bigheads/core 0.3.3 by Robert Broersma, MIT licence",
                      url=URL, maker="train.data.sources.bigheads:make_sample", twin_version=TWIN_VERSION)


def make_sample(item: Item, size: int):
    twin = Path(item.color_svg).parent.parent / "label" / Path(item.color_svg).name
    return labelled_sample(item.color_svg, str(twin), size, pad_frac=item.pad_frac, part_roles=PART_ROLES,
                           dark_threshold=0.1)


def versions(cache_dir: Path) -> dict[str, str]:
    v = package_versions(ensure_node_modules(cache_dir))
    return {k: v[k] for k in (PACKAGE, "react", "react-dom")}
