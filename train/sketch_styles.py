"""Sketch styles for training: the kinds of line art users upload, made from a training pair.

Users bring scans of pencil or ink drawings and the output of line-extraction
tools, not only the clean vector-like line art of the corpus. :func:`random_sketch`
turns a training crop into one of these, without moving a pixel (the sketch stays
aligned with the colour picture and its label map):

``"xdog"``
    eXtended Difference of Gaussians of the colour picture (soft tanh threshold),
    at one of several sigmas, sometimes on R, G and B: line-extraction tool output,
    with some shading strokes.
``"dog"``
    A plain difference of Gaussians with a darkness threshold (hard, binary lines),
    at one of several sigmas; sometimes the darkest areas are inked solid.
``"gaps"``
    Short pieces of the outlines erased (a dry pen, a light stroke, a threshold).
``"scan"``
    Light paper (uneven tone, grain), ink that is not quite black, a little scanner
    blur, and JPEG compression.
``"pencil"``
    Grey, grainy lines of uneven pressure.

Independently of the style, the line width is jittered (thickened or thinned,
:func:`jitter_width`) with probability ``line_width_prob`` - the augmentation this
module took over from ``train.dataset`` (same options, same random draws). A
styled sample may stack a second style from ``gaps``/``pencil``/``scan``
(``sketch_style_stack_prob``). The order of operations is fixed: lines (clean,
xdog or dog), width, gaps, pencil, scan.

Everything works on NumPy arrays: the colour crop (H, W, 3) uint8 RGB and the
clean sketch (H, W) uint8 with dark lines on white; every style returns an
(H, W) uint8 sketch. All randomness comes from the ``numpy.random.Generator``
passed in, so a seed gives the same sketch. ``python -m train.sketch_styles --time``
prints the time of each style (one thread); ``python -m train.sketch_styles --grid
docs/sketch_styles.png`` draws them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from colorizer.lines import adjust_line_width

__all__ = ["STYLES", "EXTRACT_STYLES", "STACK_STYLES", "random_sketch", "xdog_sketch", "dog_sketch",
           "add_gaps", "scan", "pencil", "jitter_width", "check_style_options", "style_grid"]

EXTRACT_STYLES = ("xdog", "dog")            # lines drawn from the colour picture
STACK_STYLES = ("gaps", "pencil", "scan")   # applied to lines (clean or extracted), in this order
STYLES = EXTRACT_STYLES + STACK_STYLES
# Extracted lines with fewer ink pixels than this share of the clean sketch's are dropped
# (the clean sketch is used instead).
MIN_EXTRACTED_INK = 0.3


# -- helpers ------------------------------------------------------------------------------

def _gray(color: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (H, W) float32 luminance in [0, 1] (BT.601)."""
    return cv2.cvtColor(color, cv2.COLOR_RGB2GRAY).astype(np.float32) * np.float32(1 / 255)


def _blur(a: np.ndarray, sigma: float) -> np.ndarray:
    radius = max(1, int(3.0 * sigma + 0.5))
    return cv2.GaussianBlur(a, (2 * radius + 1, 2 * radius + 1), sigma, sigmaY=sigma,
                            borderType=cv2.BORDER_REFLECT)


def _to_u8(white: np.ndarray) -> np.ndarray:
    """Float image in [0, 1] (1 = paper) -> uint8."""
    return np.clip(white * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _smooth_noise(shape: tuple[int, int], rng: np.random.Generator, cell: float) -> np.ndarray:
    """Low-frequency noise of about unit spread, features about ``cell`` pixels wide."""
    h, w = shape
    gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
    grid = rng.standard_normal((gh, gw), dtype=np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)


def _grain(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Per-pixel noise, uniform in [-1, 1)."""
    return rng.random(shape, dtype=np.float32) * np.float32(2.0) - np.float32(1.0)


def _disk(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


# -- the styles ---------------------------------------------------------------------------

def xdog_sketch(color: np.ndarray, rng: np.random.Generator, sigmas=(0.5, 0.8, 1.2)) -> np.ndarray:
    """XDoG lines of the colour picture: ``D = G_s - tau G_ks``, white where ``D >= eps``,
    ``1 + tanh(phi (D - eps))`` below. Sigma is one of ``sigmas`` (+-10 %); ``k``, ``tau``,
    ``eps`` and ``phi`` are drawn too, and one time in three the darkest of R, G and B is used."""
    sigma = float(rng.choice(np.asarray(sigmas, dtype=np.float64))) * rng.uniform(0.9, 1.1)
    k = rng.uniform(1.6, 3.0)
    tau = rng.uniform(0.95, 0.985)
    eps = rng.uniform(-0.03, -0.005)
    phi = rng.uniform(15.0, 80.0)
    if rng.random() < 1 / 3:
        planes = [np.ascontiguousarray(color[..., c]).astype(np.float32) * np.float32(1 / 255) for c in range(3)]
    else:
        planes = [_gray(color)]
    out = np.ones(color.shape[:2], np.float32)
    for p in planes:
        d = _blur(p, sigma) - np.float32(tau) * _blur(p, sigma * k)
        np.minimum(out, np.where(d >= eps, np.float32(1.0), 1.0 + np.tanh(np.float32(phi) * (d - np.float32(eps)))),
                   out=out)
    return _to_u8(out)


def dog_sketch(color: np.ndarray, rng: np.random.Generator, sigmas=(0.6, 1.0, 1.6)) -> np.ndarray:
    """Hard lines where a difference of Gaussians ``G_s - G_1.6s`` of the luminance dips below
    ``-t`` (the dark side of an edge deeper than the darkness threshold ``t``). Sigma is one of
    ``sigmas`` (+-10 %); one time in four the darkest areas are also inked solid."""
    sigma = float(rng.choice(np.asarray(sigmas, dtype=np.float64))) * rng.uniform(0.9, 1.1)
    g = _gray(color)
    d = _blur(g, sigma) - _blur(g, 1.6 * sigma)
    t = np.float32(rng.uniform(0.006, 0.02))
    ink = d < -t
    if rng.random() < 0.25:
        ink |= g < np.float32(rng.uniform(0.06, 0.16))
    out = np.where(ink, np.uint8(0), np.uint8(255))
    if rng.random() < 0.5:  # anti-aliased edges, as a tool that exports at a higher resolution
        out = cv2.GaussianBlur(out, (3, 3), 0.5)
    return out


def jitter_width(sketch: np.ndarray, rng: np.random.Generator, max_px: int = 1) -> np.ndarray:
    """Thicken or thin the lines by 1..``max_px`` pixels (colorizer.lines.adjust_line_width)."""
    from PIL import Image

    delta = int(rng.choice([d for d in range(-max_px, max_px + 1) if d]))
    return np.asarray(adjust_line_width(Image.fromarray(sketch, "L"), delta))


def add_gaps(sketch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Erase short pieces of the lines: white disks of radius 1-3 px at random ink pixels
    (about one per 80-250 ink pixels)."""
    ink = np.flatnonzero(sketch.ravel() < 128)
    if len(ink) == 0:
        return sketch.copy()
    n = max(1, int(len(ink) * rng.uniform(0.004, 0.012)))
    seeds = np.zeros(sketch.size, np.uint8)
    seeds[ink[rng.integers(0, len(ink), n)]] = 1
    radius = int(rng.integers(1, 4))
    erase = cv2.dilate(seeds.reshape(sketch.shape), _disk(radius)).astype(bool)
    out = sketch.copy()
    out[erase] = 255
    return out


def pencil(sketch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grey pencil strokes: the darkness of the lines is scaled down (darkest about 45-85 %),
    varies slowly along the strokes (pressure) and from pixel to pixel (graphite grain on
    the paper's tooth), and the strokes are a little soft."""
    h, w = sketch.shape
    dark = (np.float32(255.0) - sketch.astype(np.float32)) * np.float32(1 / 255)
    dark = _blur(dark, rng.uniform(0.4, 0.8))
    strength = np.float32(rng.uniform(0.45, 0.85))
    pressure = np.clip(1.0 + np.float32(rng.uniform(0.2, 0.4)) * _smooth_noise((h, w), rng, rng.uniform(10, 40)),
                       0.3, 1.2)
    grain = np.clip(1.0 + np.float32(rng.uniform(0.25, 0.6)) * _grain((h, w), rng), 0.0, 1.5)
    dark = np.clip(dark * np.float32(1.25), 0, 1) * strength * pressure * grain
    return _to_u8(1.0 - np.clip(dark, 0.0, 0.92))  # graphite is never quite black


def scan(sketch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A scanned page: paper a little off-white with uneven tone and grain, ink of a dark
    grey instead of black, a little scanner blur, then JPEG compression (quality 30-90)."""
    h, w = sketch.shape
    paper = (np.float32(rng.uniform(0.93, 0.995))
             + np.float32(rng.uniform(0.003, 0.015)) * _smooth_noise((h, w), rng, rng.uniform(30, 120))
             + np.float32(rng.uniform(0.004, 0.02)) * _grain((h, w), rng))
    ink = np.float32(rng.uniform(0.03, 0.3))
    dark = (np.float32(255.0) - sketch.astype(np.float32)) * np.float32(1 / 255)
    img = paper - (paper - ink) * dark
    if rng.random() < 0.5:
        img = _blur(img, rng.uniform(0.4, 0.7))
    out = _to_u8(img)
    if rng.random() < 0.85:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 91))])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


# -- the entry point ------------------------------------------------------------------------

def check_style_options(weights: dict, prob: float, stack_prob: float) -> None:
    """Raise ValueError on a bad ``sketch_styles`` / probability setting."""
    if not isinstance(weights, dict):
        raise ValueError(f"sketch_styles must be a mapping of style -> weight, got {weights!r}")
    unknown = sorted(set(weights) - set(STYLES))
    if unknown:
        raise ValueError(f"unknown sketch styles {unknown}; choose from {list(STYLES)}")
    if any(not isinstance(v, (int, float)) or v < 0 for v in weights.values()):
        raise ValueError("sketch_styles weights must be numbers >= 0")
    if not (0.0 <= prob <= 1.0 and 0.0 <= stack_prob <= 1.0):
        raise ValueError("sketch_style_prob and sketch_style_stack_prob must be in [0, 1]")
    if prob > 0 and all(weights.get(s, 1.0) <= 0 for s in STYLES):
        raise ValueError("sketch_style_prob > 0 needs at least one sketch style with a positive weight")


def _pick_styles(rng: np.random.Generator, cfg) -> set[str]:
    weights = {s: float(cfg.sketch_styles.get(s, 1.0)) for s in STYLES}  # unnamed styles: weight 1
    names = [s for s in STYLES if weights[s] > 0]
    w = np.array([weights[s] for s in names], dtype=np.float64)
    chosen = {names[int(rng.choice(len(names), p=w / w.sum()))]}
    if rng.random() < cfg.sketch_style_stack_prob:
        extra = [s for s in STACK_STYLES if s not in chosen]
        chosen.add(extra[int(rng.integers(len(extra)))])
    return chosen


def _extracted_or_clean(lines: np.ndarray, clean: np.ndarray | None) -> np.ndarray:
    """Low-contrast pictures (pastel on white) can lose most lines: keep the clean ones then."""
    if clean is None or (lines < 128).sum() >= MIN_EXTRACTED_INK * (clean < 128).sum():
        return lines
    return clean


def random_sketch(color: np.ndarray, clean: np.ndarray | None, rng: np.random.Generator, cfg) -> np.ndarray:
    """The training sketch of one crop: ``clean`` (or XDoG lines when it is None) kept, or,
    with probability ``cfg.sketch_style_prob``, redrawn in styles picked with the weights
    ``cfg.sketch_styles``; then the line-width jitter (``cfg.line_width_prob``,
    ``cfg.line_width_max``). ``color``: (H, W, 3) uint8; ``clean``: (H, W) uint8, dark
    lines on white. Returns (H, W) uint8. ``cfg``: a :class:`train.config.AugmentConfig`."""
    color = np.asarray(color)
    if color.ndim != 3 or color.shape[2] != 3 or color.dtype != np.uint8 or min(color.shape[:2]) < 1:
        raise ValueError(f"random_sketch needs an (H, W, 3) uint8 colour picture, got {color.dtype} {color.shape}")
    if clean is not None:
        clean = np.asarray(clean)
        if clean.shape != color.shape[:2] or clean.dtype != np.uint8:
            raise ValueError(f"the clean sketch must be (H, W) uint8 like the colour picture {color.shape[:2]}, "
                             f"got {clean.dtype} {clean.shape}")
    color = np.ascontiguousarray(color)
    styles: set[str] = set()
    if cfg.sketch_style_prob > 0 and rng.random() < cfg.sketch_style_prob:
        styles = _pick_styles(rng, cfg)
    sketch = None if clean is None else np.ascontiguousarray(clean)
    if "xdog" in styles or "dog" in styles or clean is None:
        lines = (dog_sketch(color, rng, cfg.sketch_dog_sigmas) if "dog" in styles
                 else xdog_sketch(color, rng, cfg.sketch_xdog_sigmas))
        sketch = _extracted_or_clean(lines, sketch)
    if cfg.line_width_max > 0 and rng.random() < cfg.line_width_prob:
        sketch = jitter_width(sketch, rng, cfg.line_width_max)
    for name, fn in (("gaps", add_gaps), ("pencil", pencil), ("scan", scan)):
        if name in styles:
            sketch = fn(sketch, rng)
    return sketch


# -- a picture of the styles --------------------------------------------------------------

def style_columns(color: np.ndarray, clean: np.ndarray, seed: int = 0) -> list[tuple[str, np.ndarray]]:
    """(title, sketch) for every style and the width jitter, one fixed seed each."""
    def r(i):
        return np.random.default_rng([seed, i])

    xd = _extracted_or_clean(xdog_sketch(color, r(0)), clean)  # as random_sketch would
    return [
        ("clean", clean),
        ("xdog s0.5", xdog_sketch(color, r(1), (0.5,))),
        ("xdog s1.2", xdog_sketch(color, r(2), (1.2,))),
        ("dog s0.6", dog_sketch(color, r(3), (0.6,))),
        ("dog s1.6", dog_sketch(color, r(4), (1.6,))),
        ("width +1", jitter_width(clean, _FixedDelta(1), 1)),
        ("width -1", jitter_width(clean, _FixedDelta(-1), 1)),
        ("gaps", add_gaps(clean, r(5))),
        ("pencil", pencil(clean, r(6))),
        ("scan", scan(clean, r(7))),
        ("xdog+scan", scan(xd, r(8))),
        ("pencil+scan", scan(pencil(clean, r(9)), r(10))),
    ]


class _FixedDelta:
    """Stands in for a Generator in :func:`jitter_width` to show one given delta."""

    def __init__(self, delta: int):
        self.delta = delta

    def choice(self, options):
        return self.delta


def style_grid(pairs: list[tuple[np.ndarray, np.ndarray]], cell: int = 160, seed: int = 0) -> np.ndarray:
    """One row per (colour, clean sketch) pair: the colour picture, then every style."""
    from PIL import Image, ImageDraw

    rows = []
    titles = None
    for color, clean in pairs:
        cols = style_columns(color, clean, seed)
        titles = ["colour"] + [t for t, _ in cols]
        tiles = [color] + [np.repeat(s[..., None], 3, 2) for _, s in cols]
        rows.append(np.concatenate([np.asarray(Image.fromarray(t).resize((cell, cell), Image.LANCZOS))
                                    for t in tiles], 1))
    grid = np.concatenate(rows, 0)
    head = Image.new("RGB", (grid.shape[1], 18), "white")
    d = ImageDraw.Draw(head)
    for i, t in enumerate(titles or []):
        d.text((i * cell + 4, 3), t, fill=(0, 0, 0))
    return np.concatenate([np.asarray(head), grid], 0)


def _load_pairs(size: int, n_anime: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from PIL import Image

    from colorizer.lines import extract_lines

    root = Path(__file__).resolve().parents[1]
    pairs = []
    for path in sorted((root / "examples" / "references").glob("*.png")):
        im = Image.open(path).convert("RGB")
        side = min(im.size)
        im = im.crop(((im.width - side) // 2, (im.height - side) // 2,
                      (im.width + side) // 2, (im.height + side) // 2)).resize((size, size), Image.LANCZOS)
        clean = np.asarray(extract_lines(im, "outline"))
        pairs.append((np.asarray(im), clean))
    try:  # procedural anime figures, where the generator is there
        from train.data.anime import generate  # type: ignore
    except ImportError:
        generate = None
    if generate is not None and n_anime > 0:
        for i in range(n_anime):
            sample = generate(i, size)
            pairs.append((np.asarray(sample.color.convert("RGB")), np.asarray(sample.sketch.convert("L"))))
    return pairs


def time_styles(size: int = 256, repeats: int = 40) -> list[tuple[str, float, float]]:
    """(style, median ms, 90th percentile ms) of every style on the example pictures at ``size`` px, one
    thread (``cv2.setNumThreads(1)``), each run with a fresh seed after one warm-up run."""
    import time

    cv2.setNumThreads(1)
    pairs = _load_pairs(size, 0)
    cases = {
        "xdog": lambda c, k, r: xdog_sketch(c, r),
        "dog": lambda c, k, r: dog_sketch(c, r),
        "width +1/+2": lambda c, k, r: jitter_width(k, _FixedDelta(int(r.integers(1, 3))), 2),
        "width -1/-2": lambda c, k, r: jitter_width(k, _FixedDelta(-int(r.integers(1, 3))), 2),
        "gaps": lambda c, k, r: add_gaps(k, r),
        "pencil": lambda c, k, r: pencil(k, r),
        "scan": lambda c, k, r: scan(k, r),
        "random_sketch (defaults)": None,
    }
    from .config import AugmentConfig

    cfg = AugmentConfig()
    cases["random_sketch (defaults)"] = lambda c, k, r: random_sketch(c, k, r, cfg)
    rows = []
    for name, fn in cases.items():
        fn(*pairs[0], np.random.default_rng(0))  # warm-up (imports, lookup tables)
        times = []
        for i in range(repeats):
            c, k = pairs[i % len(pairs)]
            r = np.random.default_rng(i)
            t0 = time.perf_counter()
            fn(c, k, r)
            times.append(1000 * (time.perf_counter() - t0))
        rows.append((name, float(np.median(times)), float(np.percentile(times, 90))))
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Draw every sketch style on the example pictures, or time them.")
    ap.add_argument("--grid", default="docs/sketch_styles.png", help="output PNG")
    ap.add_argument("--size", type=int, default=256, help="crop size the styles run at")
    ap.add_argument("--cell", type=int, default=128, help="shown size of one tile")
    ap.add_argument("--anime", type=int, default=3, help="procedural anime samples (train.data.anime)")
    ap.add_argument("--time", action="store_true", help="print the milliseconds of each style instead")
    a = ap.parse_args(argv)
    from PIL import Image

    if a.time:
        print(f"| style ({a.size} px, 1 thread) | median ms | 90th pct ms |\n|---|---|---|")
        for name, med, worst in time_styles(a.size):
            print(f"| {name} | {med:.2f} | {worst:.2f} |")
        return
    grid = style_grid(_load_pairs(a.size, a.anime), a.cell)
    Path(a.grid).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid).save(a.grid, optimize=True)
    print(f"wrote {a.grid} ({grid.shape[1]}x{grid.shape[0]})")


if __name__ == "__main__":
    main()
