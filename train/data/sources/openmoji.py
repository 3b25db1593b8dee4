"""OpenMoji 17.0.0 (npm ``openmoji``, CC BY-SA 4.0): colour emoji and their own black line layer.

``color/svg/<hex>.svg`` and ``black/svg/<hex>.svg`` are the same drawing, so
every emoji is a true (sketch, colour) pair. Skin-tone variants share the
group of their base emoji, so they always land in the same split.
"""

from __future__ import annotations

import json
from pathlib import Path

from train.data.npm import ensure_node_modules, package_versions
from train.data.sources import Item

NAME = "openmoji"
LICENCE = "CC BY-SA 4.0"


def items(cache_dir: Path, limit: int | None = None, **_: object) -> list[Item]:
    """All OpenMoji emoji that have both a colour and a black SVG (first ``limit`` if given)."""
    root = ensure_node_modules(cache_dir) / "openmoji"
    meta = json.loads((root / "data" / "openmoji.json").read_text(encoding="utf-8"))
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
            )
        )
        if limit is not None and len(out) >= limit:
            break
    return out


def versions(cache_dir: Path) -> dict[str, str]:
    return {"openmoji": package_versions(ensure_node_modules(cache_dir))["openmoji"]}
