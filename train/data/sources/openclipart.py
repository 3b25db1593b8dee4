"""Openclipart 0.18 (Debian ``openclipart-svg``, public domain): colour clip art, lines by extraction.

Only the folders that hold drawings (animals, people, food, ...) are used,
not icons, maps, symbols or shapes. A drawing is kept when its SVG has no
embedded raster image, is under 400 KB and uses at least two clearly
chromatic colours; the sketch is made by
``colorizer.lines.extract_lines(method="xdog", channels="rgb")`` on the colour render (clip art is
often shaded with gradients, where XDoG gives cleaner lines than "outline").
If the package is missing and we are root, it is installed with apt-get.
"""

from __future__ import annotations

import colorsys
import re
import subprocess
from pathlib import Path

from train.data.sources import Item, ensure_debian_package

NAME = "openclipart"
PACKAGE = "openclipart-svg"
ROOT = Path("/usr/share/openclipart/svg")
LICENCE = "Public domain (Openclipart)"
FOLDERS = (
    "animals", "people", "food", "plants", "recreation", "transportation", "buildings",
    "education", "special", "unsorted", "tools", "containers", "decorations", "office",
)
MAX_BYTES = 400_000
_COLOUR = re.compile(r"(?:fill|stop-color|stroke)\s*[:=]\s*\"?\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_CREATOR = re.compile(r"<dc:creator>\s*<cc:Agent>\s*<dc:title>([^<]{1,80})</dc:title>", re.S)


def ensure_installed() -> Path:
    """Return the SVG root, installing the Debian package first if needed (root only)."""
    return ensure_debian_package(PACKAGE, ROOT)


def _chromatic_colours(svg: str) -> int:
    seen = set()
    for h in _COLOUR.findall(svg):
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
        _, s, v = colorsys.rgb_to_hsv(r, g, b)
        if s > 0.3 and v > 0.25:
            seen.add(h.lower())
    return len(seen)


def usable(path: Path) -> bool:
    """Heuristic filter for coloured cartoon drawings (see module docstring)."""
    if path.stat().st_size > MAX_BYTES:
        return False
    svg = path.read_text(encoding="utf-8", errors="replace")
    return "<image" not in svg and _chromatic_colours(svg) >= 2


def _item_id(rel: Path) -> str:
    stem = "__".join(rel.with_suffix("").parts)
    return "openclipart-" + re.sub(r"[^A-Za-z0-9_.-]", "_", stem)


def items(cache_dir: Path, limit: int | None = None, **_: object) -> list[Item]:
    root = ensure_installed()
    out: list[Item] = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.svg")):
            if not usable(path):
                continue
            rel = path.relative_to(root)
            head = path.read_text(encoding="utf-8", errors="replace")[:20000]
            m = _CREATOR.search(head)
            creator = f" by {m.group(1).strip()}" if m else ""
            pid = _item_id(rel)
            out.append(
                Item(
                    id=pid,
                    group=pid,
                    source=NAME,
                    licence=LICENCE,
                    attribution=f"Openclipart drawing {rel}{creator}, public domain (Debian {PACKAGE})",
                    url="https://openclipart.org/",
                    color_svg=str(path),
                    line_mode="extract",
                    extract_method="xdog",  # clip art has gradients: XDoG is cleaner than outline
                    extract_params=(("channels", "rgb"),),  # also finds light colours on white
                    pad_frac=0.04,
                    fit_content=True,
                )
            )
            if limit is not None and len(out) >= limit:
                return out
    return out


def versions(cache_dir: Path) -> dict[str, str]:
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=True)
        return {PACKAGE: v.stdout.strip()}
    except (OSError, subprocess.CalledProcessError):
        return {PACKAGE: "unknown"}
