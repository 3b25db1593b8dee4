"""OpenMoji 17.0.0 (npm ``openmoji``, CC BY-SA 4.0): colour emoji and their own black line layer.

``color/svg/<hex>.svg`` and ``black/svg/<hex>.svg`` are the same drawing, so
every emoji is a true (sketch, colour) pair. Skin-tone variants share the
group of their base emoji, so they always land in the same split.

Skin labels: the members of a skin-tone group are one drawing whose skin
(and hair) fills change with the tone. :func:`make_sample` (the maker of every
item of such a group) renders the base and its uniform-tone variants: a pixel
showing each variant's own skin colour (:data:`SKIN`: yellow for the base,
OpenMoji's five tone colours) in every one of them is skin (1); a pixel that
changes between variants but always shows one of OpenMoji's hair colours is
hair (2); paper white in all of them is background (0), pure black in all of
them line (10), the rest (anti-aliased edges, clothes, props) unknown (255).
The map is the same for every member of the group (same geometry).
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from train.data.npm import ensure_node_modules, package_versions
from train.data.sources import Item

NAME = "openmoji"
LICENCE = "CC BY-SA 4.0"


def items(cache_dir: Path, limit: int | None = None, **_: object) -> list[Item]:
    """All OpenMoji emoji that have both a colour and a black SVG (``limit`` of them evenly spread if given)."""
    root = ensure_node_modules(cache_dir) / "openmoji"
    meta = json.loads((root / "data" / "openmoji.json").read_text(encoding="utf-8"))
    group_size: dict[str, int] = {}
    for entry in meta:
        base = entry.get("skintone_base_hexcode") or entry["hexcode"]
        group_size[base] = group_size.get(base, 0) + 1
    out: list[Item] = []
    for entry in sorted(meta, key=lambda e: e["hexcode"]):
        hexcode = entry["hexcode"]
        color = root / "color" / "svg" / f"{hexcode}.svg"
        black = root / "black" / "svg" / f"{hexcode}.svg"
        if not (color.is_file() and black.is_file()):
            continue
        base = entry.get("skintone_base_hexcode") or hexcode
        author = entry.get("openmoji_author") or "OpenMoji contributors"
        out.append(
            Item(
                id=f"openmoji-{hexcode}",
                group=f"openmoji-{base}",
                source=NAME,
                licence=LICENCE,
                attribution=f"OpenMoji emoji {hexcode} ({entry.get('annotation', '')}) by {author}, "
                "OpenMoji project (openmoji.org), CC BY-SA 4.0",
                url=f"https://openmoji.org/library/emoji-{hexcode}/",
                color_svg=str(color),
                line_mode="svg",
                line_svg=str(black),
                maker="train.data.sources.openmoji:make_sample" if group_size[base] > 1 else None,
            )
        )
    if limit is not None and len(out) > limit:
        step = len(out) / limit  # spread over the whole set, so a small build also has people (skin labels)
        out = [out[int(i * step)] for i in range(limit)]
    return out


SKIN_DIFF = 12  # a channel changing by more than this between tone variants: a tone-dependent fill
INK_MAX = 30  # all channels at most this in every variant: the black line layer
TOL = 8  # colour match tolerance (flat fills render exactly; this only absorbs rounding)
# Skin fill of the base emoji and of the five Fitzpatrick modifiers (OpenMoji 17 palette).
SKIN: dict[str, tuple[int, int, int]] = {
    "": (0xFC, 0xEA, 0x2B),
    "1F3FB": (0xFA, 0xDC, 0xBC),
    "1F3FC": (0xDE, 0xBB, 0x90),
    "1F3FD": (0xC1, 0x9A, 0x65),
    "1F3FE": (0xA5, 0x79, 0x39),
    "1F3FF": (0x6A, 0x46, 0x2F),
}
# Hair fills of the tone variants: the tone palette itself, the base's orange, black.
HAIR = tuple(SKIN.values()) + ((0xF1, 0xB3, 0x1C), (0, 0, 0))


def skin_colour(hexcode: str) -> tuple[int, int, int]:
    """Skin fill of an emoji variant from the tone modifier in its hexcode (none: the base yellow)."""
    tones = [t for t in hexcode.upper().split("-") if t in SKIN]
    return SKIN[tones[0] if tones else ""]


@lru_cache(maxsize=2)
def _tone_variants(root: str) -> dict[str, list[str]]:
    """base hexcode -> colour SVG paths of the base and its uniform-tone variants (skintone '' or 1..5)."""
    meta = json.loads((Path(root) / "data" / "openmoji.json").read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for entry in sorted(meta, key=lambda e: e["hexcode"]):
        base = entry.get("skintone_base_hexcode") or entry["hexcode"]
        if "," in str(entry.get("skintone", "")):
            continue  # mixed tones: the uniform variants already vary every person's skin
        path = Path(root) / "color" / "svg" / f"{entry['hexcode']}.svg"
        if path.is_file():
            out.setdefault(base, []).append(str(path))
    return out


def _near(stack: np.ndarray, colours) -> np.ndarray:
    """(V, H, W) bool: pixel of variant v within TOL of ``colours[v]`` (one colour per variant or a shared set)."""
    return np.abs(stack - np.asarray(colours, np.int16)[:, None, None, :]).max(axis=-1) <= TOL


def skin_labels(renders: list[np.ndarray], skins: list[tuple[int, int, int]]) -> np.ndarray:
    """Label map (uint8) from renders of one emoji in different skin tones (see module docstring).

    ``skins[v]`` is the skin fill of ``renders[v]``.
    """
    if len(renders) < 2 or len(renders) != len(skins):
        raise ValueError("need at least two skin-tone variants, each with its skin colour")
    shapes = {np.asarray(r).shape for r in renders}
    if len(shapes) > 1:
        raise ValueError(f"variants differ in size: {sorted(shapes)}")
    stack = np.stack([np.asarray(r, dtype=np.int16)[..., :3] for r in renders])
    spread = (stack.max(axis=0) - stack.min(axis=0)).max(axis=-1)
    out = np.full(spread.shape, 255, np.uint8)
    out[(stack >= 250).all(axis=(0, 3))] = 0
    out[(stack <= INK_MAX).all(axis=(0, 3))] = 10
    hairlike = np.zeros(stack.shape[:3], bool)
    for c in HAIR:
        hairlike |= _near(stack, [c] * len(renders))
    out[(spread > SKIN_DIFF) & hairlike.all(axis=0)] = 2
    out[_near(stack, skins).all(axis=0)] = 1
    return out


@lru_cache(maxsize=8)
def _group_labels(paths: tuple[str, ...], size: int, pad_frac: float) -> bytes:
    from train.data.render import render_svg

    renders = [np.asarray(render_svg(path=p, size=size, pad_frac=pad_frac)) for p in paths]
    return skin_labels(renders, [skin_colour(Path(p).stem) for p in paths]).tobytes()


def make_sample(item: Item, size: int):
    """Maker: the usual (sketch, colour) pair plus the skin map of the item's skin-tone group."""
    from PIL import Image

    from train.data.build import make_pair

    sketch, color = make_pair(dataclasses.replace(item, maker=None), size)
    root = Path(item.color_svg).parent.parent.parent
    base = item.group[len(f"{NAME}-") :]
    paths = tuple(_tone_variants(str(root)).get(base, ()))
    if len(paths) < 2:
        return sketch, color, None
    labels = np.frombuffer(_group_labels(paths, size, item.pad_frac), np.uint8).reshape(size, size)
    return sketch, color, Image.fromarray(labels.copy(), mode="L")


def versions(cache_dir: Path) -> dict[str, str]:
    return {"openmoji": package_versions(ensure_node_modules(cache_dir))["openmoji"]}
