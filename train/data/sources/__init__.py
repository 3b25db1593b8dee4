"""Drawing sources for the corpus. Each source lists :class:`Item` records; the builder renders them.

A source module exposes ``NAME`` and ``items(cache_dir, **options) -> list[Item]``
plus ``versions(cache_dir) -> dict``. Preparing a source (installing packages,
generating SVGs) happens inside ``items`` in the main process; rendering
happens later in worker processes from the paths in each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["Item", "LINE_MODES", "ensure_debian_package"]

# How the sketch of an item is made:
#   "svg"     - render ``line_svg``, the drawing's own line layer (true pair)
#   "twin"    - render ``color_svg`` recoloured by train.data.svg_lines.line_twin (true pair)
#   "extract" - colorizer.lines.extract_lines on the colour render (method in ``extract_method``)
#   "maker"   - ``maker`` renders the whole sample itself (procedural sources, label re-renders)
LINE_MODES = ("svg", "twin", "extract", "maker")


@dataclass(frozen=True)
class Item:
    """One drawing to render into a (sketch, colour) pair."""

    id: str  # pair id, also the output file stem; unique across sources
    group: str  # source drawing the split is decided by (variants share it)
    source: str  # source name, e.g. "openmoji"
    licence: str
    attribution: str
    url: str
    color_svg: str  # path of the colour SVG
    line_mode: str = "extract"
    line_svg: str | None = None
    extract_method: str = "outline"
    extract_params: tuple = ()  # (name, value) pairs passed to extract_lines
    pad_frac: float = 0.0
    fit_content: bool = False  # crop the render to the drawing (clip art on a large page)
    # "package.module:function" called in the worker as ``function(item, size)`` and returning
    # ``(sketch L, colour RGB, labels L or None)``; labels hold colorizer.roles indices, 255 = unknown.
    # With a maker the other rendering fields are the maker's to interpret.
    maker: str | None = None
    # Seed of a procedural item (passed through to the maker).
    seed: int | None = None


def ensure_debian_package(package: str, path: Path) -> Path:
    """Return ``path``, installing the Debian ``package`` that provides it first if it is missing
    (as root, with apt-get); otherwise say how to install it."""
    import os
    import shutil
    import subprocess

    if path.is_dir():
        return path
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(f"{package} is not installed; run: sudo apt-get install {package}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], check=True, env=env)
    return path
