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
from train.data.part_labels import BACKGROUND_HEX, LINE_HEX, Forced, generate_twins, labelled_sample, role_hex
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
            attribution=f"Big Heads character (seed {seed}) made with @bigheads/core 0.3.3 by Robert Broersma, "
            "MIT licence",
            url=URL,
            color_svg=str(out / "color" / f"{seed}.svg"),
            line_mode="maker",
            maker="train.data.sources.bigheads:make_sample",
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
    return {k: v[k] for k in (PACKAGE, "react", "react-dom")}
