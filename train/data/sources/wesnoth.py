"""Battle for Wesnoth 1.16 portraits of humans and elves (Debian ``wesnoth-1.16-data``, GPL-2+).

Painted 400x400 portraits with ink outlines, on transparency:
``/usr/share/games/wesnoth/1.16/data/core/images/portraits/{humans,elves}/*.png``.
The colour picture is the portrait composited on white and fitted to the
square; the sketch is extracted from it (``extract_lines(method="xdog")``:
painted shading, where XDoG gives pencil-like strokes). No part labels.
Artists are credited from the package's ``portraits/ARTISTS`` list. If the
package is missing and we are root, it is installed with apt-get.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from train.data.sources import Item, ensure_debian_package

NAME = "wesnoth"
PACKAGE = "wesnoth-1.16-data"
ROOT = Path("/usr/share/games/wesnoth/1.16/data/core/images/portraits")
FOLDERS = ("humans", "elves")
LICENCE = "GPL-2.0-or-later"
URL = "https://www.wesnoth.org/"
XDOG: tuple = ()  # the default XDoG (sigma 0.6) keeps the inked detail; checked by eye on the portraits

# From portraits/ARTISTS: the elves and the human mages and outlaws are by Kathrin Polikeit,
# the human loyalists by Emilien Rotival, the alternate swordsman by Santiago Iborra.
_POLIKEIT = re.compile(r"mage|adept|necromancer|thief|assassin|trapper|ranger|huntsman|footpad|outlaw|ruffian|thug|"
                       r"bandit|rogue")


def artist(folder: str, stem: str) -> str:
    if folder == "elves" or (folder == "humans" and _POLIKEIT.search(stem)):
        return "Kitty/Kathrin Polikeit"
    if folder == "humans" and stem == "swordsman-2":
        return "Quellion/Santiago Iborra"
    if folder == "humans":
        return "LordBob/Emilien Rotival"
    return "the Battle for Wesnoth artists"


def ensure_installed(root: Path = ROOT) -> Path:
    """Return the portraits folder, installing the Debian package first if needed (root only)."""
    return ensure_debian_package(PACKAGE, root)


def _item_id(folder: str, stem: str) -> str:
    return f"{NAME}-{folder}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", stem)


def items(cache_dir: Path, limit: int | None = None, root: Path | None = None, **_: object) -> list[Item]:
    root = ensure_installed() if root is None else Path(root)
    out: list[Item] = []
    for folder in FOLDERS:
        for path in sorted((root / folder).glob("*.png")):
            pid = _item_id(folder, path.stem)
            out.append(
                Item(
                    id=pid,
                    group=pid,
                    source=NAME,
                    licence=LICENCE,
                    attribution=f"Battle for Wesnoth portrait {folder}/{path.name} by {artist(folder, path.stem)}, "
                    f"GPL-2+ (Debian {PACKAGE})",
                    url=URL,
                    color_svg=str(path),  # a PNG: the maker reads it
                    line_mode="extract",
                    extract_method="xdog",
                    extract_params=XDOG,
                    maker="train.data.sources.wesnoth:make_sample",
                )
            )
            if limit is not None and len(out) >= limit:
                return out
    return out


def load_colour(path: str | Path, size: int, pad_frac: float = 0.0) -> Image.Image:
    """The portrait composited on white, fitted into a ``size`` square (clear ValueError if unreadable)."""
    from train.data.render import square_on_white

    try:
        with Image.open(path) as im:
            im.load()
            rgba = im.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError(f"{path}: not a readable PNG ({exc})") from exc
    return square_on_white(rgba, size, pad_frac=pad_frac)


def _extract_lines():
    from colorizer.lines import extract_lines

    return extract_lines


def make_sample(item: Item, size: int):
    colour = load_colour(item.color_svg, size, pad_frac=item.pad_frac)
    sketch = _extract_lines()(colour, method=item.extract_method, **dict(item.extract_params))
    return sketch, colour, None


def versions(cache_dir: Path) -> dict[str, str]:
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=True)
        return {PACKAGE: v.stdout.strip()}
    except (OSError, subprocess.CalledProcessError):
        return {PACKAGE: "unknown"}
