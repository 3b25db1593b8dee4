"""Read the pair datasets users bring, as a list of :class:`Pair` records.

Layouts (detected in this order unless ``layout=`` is given):

``"folders"``
    ``<root>/sketch/`` and ``<root>/color/`` with matching file stems (the
    extension may differ). Our own corpus is this layout, one root per split
    (``data/train``, ``data/val``).
``"kaggle"``
    Kaggle "Anime Sketch Colorization Pair": a folder of images twice as wide
    as high (1024x512), colour on the LEFT half, sketch on the RIGHT half.
    Detected when the sampled images are all 2:1.
``"color_only"``
    A folder of colour images; the sketch is extracted on load with
    :func:`colorizer.lines.extract_lines`.

Each :class:`Pair` loads lazily: ``pair.load() -> (sketch RGB or None, colour RGB)``.
The loader is a picklable ``functools.partial``, so pairs can be sent to
DataLoader worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Optional

from PIL import Image

__all__ = ["Pair", "LAYOUTS", "IMAGE_EXTENSIONS", "detect_layout", "discover_pairs", "open_rgb"]

LAYOUTS = ("folders", "kaggle", "color_only")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
_SAMPLE = 16  # images whose size is checked to detect the Kaggle layout

Loaded = tuple[Optional[Image.Image], Image.Image]


@dataclass(frozen=True)
class Pair:
    """One training pair: an id (file stem), where it comes from, and a lazy loader."""

    id: str
    origin: str  # file path (or "pack:<file>#<id>")
    layout: str
    loader: Callable[[], Loaded] = field(repr=False, compare=False)
    # Path of the part-label map (mode L, colorizer.roles indices, 255 = unknown), if the pair has one
    # (a pack: "pack:<file>#<id>", read by labels_loader).
    labels_path: str | None = None
    # Reads the label map when it is not a file of its own (packed pairs).
    labels_loader: Callable[[], Image.Image] | None = field(default=None, repr=False, compare=False)
    # Share of the label map's pixels with a known role, when the source already knows it (packs).
    labels_coverage: float | None = None

    def load(self) -> Loaded:
        """``(sketch, colour)`` as RGB images of equal size; sketch may be None for colour-only sources."""
        return self.loader()

    def load_labels(self) -> Image.Image | None:
        """The part-label map as a mode-L image, or None when the pair has none."""
        if self.labels_loader is not None:
            return self.labels_loader()
        if self.labels_path is None:
            return None
        with Image.open(self.labels_path) as im:
            im.load()
            if im.mode not in ("L", "P"):
                raise ValueError(f"{self.labels_path}: a label map must be a single-channel PNG, got mode {im.mode}")
            return im.convert("L") if im.mode == "P" else im.copy()


def open_rgb(path: str | Path) -> Image.Image:
    """Open an image as RGB, compositing any transparency on white."""
    with Image.open(path) as im:
        im.load()
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            rgba = im.convert("RGBA")
            canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            canvas.alpha_composite(rgba)
            return canvas.convert("RGB")
        return im.convert("RGB")


def _images(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


def _by_stem(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in _images(folder)}


def _load_folders(sketch: str, color: str) -> Loaded:
    return open_rgb(sketch), open_rgb(color)


def _load_kaggle(path: str) -> Loaded:
    im = open_rgb(path)
    half = im.width // 2
    color = im.crop((0, 0, half, im.height))
    sketch = im.crop((half, 0, 2 * half, im.height))
    return sketch, color


def _load_color_only(path: str, extract: bool, method: str) -> Loaded:
    color = open_rgb(path)
    if not extract:
        return None, color
    from colorizer.lines import extract_lines

    return extract_lines(color, method=method).convert("RGB"), color


def detect_layout(root: str | Path) -> str:
    """Guess the layout of ``root`` (see the module docstring)."""
    root = Path(root)
    if (root / "sketch").is_dir() and (root / "color").is_dir():
        return "folders"
    files = _images(root)
    if not files:
        raise FileNotFoundError(f"{root}: no images and no sketch/ + color/ folders")
    sample = files[:: max(1, len(files) // _SAMPLE)][:_SAMPLE]
    sizes = []
    for p in sample:
        with Image.open(p) as im:
            sizes.append(im.size)
    if all(w == 2 * h for w, h in sizes):
        return "kaggle"
    return "color_only"


def discover_pairs(
    root: str | Path,
    layout: str | None = None,
    extract: bool = True,
    extract_method: str = "xdog",
) -> list[Pair]:
    """List the pairs under ``root``, sorted by id.

    ``layout`` forces one of :data:`LAYOUTS`; otherwise it is detected. For
    ``"color_only"``, ``extract=False`` makes ``load()`` return ``(None, colour)``
    so the caller can extract lines itself (e.g. with random parameters);
    otherwise ``extract_method`` ("xdog" suits painted art, "outline" flat art)
    is used.
    """
    root = Path(root)
    layout = layout or detect_layout(root)
    if layout == "folders":
        sketches, colors = _by_stem(root / "sketch"), _by_stem(root / "color")
        labels = _by_stem(root / "labels") if (root / "labels").is_dir() else {}
        return [
            Pair(stem, str(colors[stem]), layout, partial(_load_folders, str(sketches[stem]), str(colors[stem])),
                 labels_path=str(labels[stem]) if stem in labels else None)
            for stem in sorted(sketches.keys() & colors.keys())
        ]
    if layout == "kaggle":
        return [Pair(p.stem, str(p), layout, partial(_load_kaggle, str(p))) for p in _images(root)]
    if layout == "color_only":
        return [
            Pair(p.stem, str(p), layout, partial(_load_color_only, str(p), extract, extract_method))
            for p in _images(root)
        ]
    raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
