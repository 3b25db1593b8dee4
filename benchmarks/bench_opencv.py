"""OpenCV vs the scipy.ndimage / PIL code it may replace, on the same inputs, one thread.

    python benchmarks/bench_opencv.py [--sizes 256 512 1024] [--min-time 0.3] [--out FILE.md] [--no-styles]

For each operation and size the old and the new implementation run alternately
(so load on a shared machine hits both alike); the table gives the median
milliseconds of each, the speed-up ``old / new`` and how far the outputs differ.
"new" is what ships: ``colorizer.regions`` and ``colorizer.lines`` are imported and
their helpers are timed; "old" is the scipy / PIL code they replaced, kept here.
Rows marked *candidate* are replacements that were measured but not adopted
(see the notes printed under the table). Last, the milliseconds of every sketch
style of ``train.sketch_styles`` at 256 px.

Inputs: ``examples/sketches/girl.png`` (line art) and ``examples/references/character.png``
(colour) resized to each size; the ink mask is the flat fill's (darkness > 0.5).
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from unittest import mock  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from PIL import Image  # noqa: E402
from scipy import ndimage  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from colorizer import regions, render  # noqa: E402
from colorizer.processing import line_mask  # noqa: E402
from colorizer import lines  # noqa: E402

cv2.setNumThreads(1)
try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # torch is not needed here
    pass


# -- the old code -------------------------------------------------------------------------

def old_region_labels(ink, seal=1, neck=0):
    if seal > 0:
        ink = ndimage.binary_dilation(ink, structure=ndimage.generate_binary_structure(2, 1), iterations=seal)
    labels, n = ndimage.label(~ink)
    return regions.split_necks(labels.astype(np.int32), n, neck) if neck > 0 and n > 1 else (labels, n)


def old_nearest_paper(labels):
    near = ndimage.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
    return (near[0] * labels.shape[1] + near[1]).ravel()


def cv2_nearest_paper(labels, mask_size=5):
    """Candidate: OpenCV's distance transform with the label of the nearest zero pixel."""
    src = (labels == 0).view(np.uint8)
    _, lab = cv2.distanceTransformWithLabels(src, cv2.DIST_L2, mask_size, labelType=cv2.DIST_LABEL_PIXEL)
    zeros = np.flatnonzero(src.ravel() == 0)
    return zeros[lab.ravel() - 1]


def old_gaussian(plane, sigma):
    return ndimage.gaussian_filter(plane, sigma)


def old_grey_dilate(a, footprint):
    return ndimage.grey_dilation(a, footprint=footprint)


def old_grey_erode(a, footprint):
    return ndimage.grey_erosion(a, footprint=footprint)


def old_binary_open(mask, footprint):
    return ndimage.binary_opening(mask, structure=footprint)


def old_binary_dilate(mask, footprint):
    return ndimage.binary_dilation(mask, structure=footprint)


def old_lines_patches():
    return [mock.patch.object(lines, "gaussian", old_gaussian),
            mock.patch.object(lines, "grey_dilate", old_grey_dilate),
            mock.patch.object(lines, "grey_erode", old_grey_erode),
            mock.patch.object(lines, "binary_open", old_binary_open),
            mock.patch.object(lines, "binary_dilate", old_binary_dilate)]


def old_regions_patches():
    return [mock.patch.object(regions, "region_labels", old_region_labels),
            mock.patch.object(regions, "nearest_paper", old_nearest_paper)]


class patched:
    def __init__(self, patches):
        self.patches = patches

    def __call__(self, fn):
        def run():
            for p in self.patches:
                p.start()
            try:
                return fn()
            finally:
                for p in self.patches:
                    p.stop()
        return run


# -- timing and comparison ----------------------------------------------------------------

def time_pair(old, new, min_time):
    """Median ms of ``old()`` and ``new()``, run alternately for at least ``min_time`` s in all."""
    old(), new()  # warm-up (lookup tables, caches)
    t_old, t_new = [], []
    start = time.perf_counter()
    while len(t_old) < 3 or (time.perf_counter() - start < min_time and len(t_old) < 200):
        for fn, acc in ((old, t_old), (new, t_new)):
            t0 = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t0)
    return 1000 * statistics.median(t_old), 1000 * statistics.median(t_new)


def diff(a, b):
    if isinstance(a, tuple):
        return "; ".join(diff(x, y) for x, y in zip(a, b))
    if isinstance(a, Image.Image):
        a, b = np.asarray(a), np.asarray(b)
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype == bool or np.issubdtype(a.dtype, np.integer):
        n = int((a != b).sum())
        return "identical" if n == 0 else f"{n} of {a.size} differ (max {np.abs(a.astype(np.int64) - b).max()})"
    return "identical" if np.array_equal(a, b) else f"max abs {np.abs(a.astype(np.float64) - b).max():.1e}"


def nearest_diff(labels, old, new):
    """Share of ink pixels whose chosen paper pixel differs, and the largest extra distance."""
    w = labels.shape[1]
    yy, xx = np.divmod(np.arange(labels.size), w)

    def dist(idx):
        ny, nx = np.divmod(idx, w)
        return np.hypot(ny - yy, nx - xx)

    ink = labels.ravel() == 0
    other = (old != new)[ink].mean()
    worse = (dist(new) - dist(old))[ink].max()
    return f"{100 * other:.1f}% of ink pick another pixel, up to {worse:.2f} px farther"


def inputs(size):
    sk = Image.open(ROOT / "examples/sketches/girl.png").convert("L").resize((size, size), Image.BILINEAR)
    col = Image.open(ROOT / "examples/references/character.png").convert("RGB").resize((size, size), Image.BICUBIC)
    return sk, col


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024])
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per old/new pair (at least 3 runs each)")
    ap.add_argument("--out", help="also write the markdown here")
    ap.add_argument("--no-styles", action="store_true", help="skip the sketch-style timings")
    a = ap.parse_args()

    rows = []

    def row(op, size, old, new, compare=None, candidate=False):
        t_old, t_new = time_pair(old, new, a.min_time)
        same = compare() if compare else diff(old(), new())
        name = f"{op} *(candidate)*" if candidate else op
        rows.append(f"| {name} | {size} | {t_old:.2f} | {t_new:.2f} | {t_old / t_new:.2f} | {same} |")
        print(rows[-1], flush=True)

    disk1, disk2, disk4 = lines._disk(1), lines._disk(2), lines._disk(4)
    for size in a.sizes:
        sk, col = inputs(size)
        dark = line_mask(sk)
        ink = dark > 0.5
        seal = regions.flat_seal(size, size)
        gray = lines.to_gray_on_white(col)
        red = np.ascontiguousarray(np.asarray(col, dtype=np.float32)[..., 0] / 255.0)
        sk8 = np.asarray(sk)
        dark_mask = gray < 0.3
        labels, _ = regions.region_labels(ink, seal)
        color = np.asarray(col)

        # colorizer/regions.py (flat colours)
        row(f"regions: seal dilation (cross, {seal} steps)", size,
            lambda: ndimage.binary_dilation(ink, structure=ndimage.generate_binary_structure(2, 1), iterations=seal),
            lambda: cv2.dilate(ink.view(np.uint8), regions._CROSS, iterations=seal).astype(bool))
        row("regions: region_labels (seal + 4-conn. labelling)", size,
            lambda: old_region_labels(ink, seal), lambda: regions.region_labels(ink, seal))
        row("regions: nearest paper pixel, cv2 mask 5 vs exact EDT", size,
            lambda: old_nearest_paper(labels), lambda: cv2_nearest_paper(labels, 5),
            compare=lambda: nearest_diff(labels, old_nearest_paper(labels), cv2_nearest_paper(labels, 5)),
            candidate=True)
        row("regions: flat_fill (whole)", size,
            patched(old_regions_patches())(lambda: regions.flat_fill(color, dark, seal=seal)[0]),
            lambda: regions.flat_fill(color, dark, seal=seal)[0])

        # colorizer/render.py (cel shading of semantic flat colours)
        shade = dark < 0.2
        probs = np.random.default_rng(0).random((9, size * size), dtype=np.float32)
        keys = labels[labels > 0].astype(np.int64) * 4096 + np.random.default_rng(1).integers(
            0, 2041, int((labels > 0).sum()))
        row("render: shadow opening (cross), scipy vs cv2", size,
            lambda: ndimage.binary_opening(shade, iterations=1), lambda: render._open_cross(shade))
        row("render: argmax of 9 slot probabilities, axis 0 vs row by row", size,
            lambda: probs.argmax(axis=0), lambda: render._argmax0(probs))
        row("render: region median sort, 64- vs 32-bit keys", size,
            lambda: np.sort(keys), lambda: np.sort(keys.astype(np.int32)))

        # colorizer/lines.py (line extraction, line-width augmentation)
        for sigma in (0.6, 1.8):
            row(f"lines: gaussian sigma {sigma} (float32)", size,
                lambda: old_gaussian(gray, sigma), lambda: lines.gaussian(gray, sigma))
        row("lines: grey dilation disk r1 (float32)", size,
            lambda: old_grey_dilate(red, disk1), lambda: lines.grey_dilate(red, disk1))
        row("lines: grey erosion disk r2 (uint8, thicken)", size,
            lambda: old_grey_erode(sk8, disk2), lambda: lines.grey_erode(sk8, disk2))
        row("lines: binary opening disk r4", size,
            lambda: old_binary_open(dark_mask, disk4), lambda: lines.binary_open(dark_mask, disk4))
        row("lines: binary dilation disk r1", size,
            lambda: old_binary_dilate(dark_mask, disk1), lambda: lines.binary_dilate(dark_mask, disk1))
        row("lines: extract_lines xdog, rgb (whole)", size,
            patched(old_lines_patches())(lambda: lines.extract_lines(col, "xdog", channels="rgb")),
            lambda: lines.extract_lines(col, "xdog", channels="rgb"))
        row("lines: extract_lines outline (whole)", size,
            patched(old_lines_patches())(lambda: lines.extract_lines(col, "outline")),
            lambda: lines.extract_lines(col, "outline"))
        row("lines: adjust_line_width +2 / -1 (whole)", size,
            patched(old_lines_patches())(lambda: (lines.adjust_line_width(sk, 2), lines.adjust_line_width(sk, -1))),
            lambda: (lines.adjust_line_width(sk, 2), lines.adjust_line_width(sk, -1)))

        # Resizes (colorizer/processing.py overlay_lines, regions.flatten_image, pipeline): 2x up, RGB.
        half = col.resize((size // 2, size // 2), Image.BICUBIC)
        half_a = np.asarray(half)
        row("resize 2x up: PIL BICUBIC vs cv2 INTER_CUBIC", size,
            lambda: np.asarray(half.resize((size, size), Image.BICUBIC)),
            lambda: cv2.resize(half_a, (size, size), interpolation=cv2.INTER_CUBIC), candidate=True)
        row("resize 1/2 down: PIL BICUBIC vs cv2 INTER_AREA", size,
            lambda: np.asarray(col.resize((size // 2, size // 2), Image.BICUBIC)),
            lambda: cv2.resize(color, (size // 2, size // 2), interpolation=cv2.INTER_AREA), candidate=True)

    head = [
        "# OpenCV vs scipy.ndimage / PIL (one thread)",
        "",
        f"`python benchmarks/bench_opencv.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical cores visible "
        f"(shared with other jobs), Python {platform.python_version()}, OpenCV {cv2.__version__}, "
        f"scipy {scipy.__version__}, NumPy {np.__version__}, Pillow {Image.__version__}; "
        "`cv2.setNumThreads(1)`, one BLAS/OpenMP thread; load average at the end "
        f"{os.getloadavg()[0]:.1f} (other jobs slow both columns alike: the ratios are what to read).",
        "",
        "Median ms of each, run alternately in one process; ratio = old / new (above 1: OpenCV faster).",
        "",
        "| operation | px | old ms | new ms | old/new | outputs |",
        "|---|---|---|---|---|---|",
    ]
    notes = [
        "",
        "Rows without *(candidate)* are what ships (`colorizer.regions.region_labels`, `colorizer.lines.gaussian`, "
        "`grey_dilate`, `grey_erode`, `binary_open`, `binary_dilate`, `colorizer.render._open_cross`, `_argmax0`, "
        "the 32-bit median keys of `render_roles`).",
        "*(candidate)* rows were not adopted: OpenCV's distance transform with labels only approximates the",
        "Euclidean distance (mask 5), so ink pixels take the colour of a different (sometimes farther) region",
        "pixel; OpenCV's resizes use other kernels than PIL's (INTER_CUBIC a = -0.75 vs PIL's a = -0.5 and no",
        "antialiasing when shrinking), so their outputs differ by far more than float noise.",
        "The whole flat_fill barely moves: labelling is a few per cent of it (the median sorts, the Lab",
        "lookups and the exact distance transform dominate), so its old/new ratio is within the load noise.",
        "The OpenCV distance transform would save most of the latter's share (about 20 % of flat_fill at",
        "1024 px) if ink pixels may take a tied or slightly farther region's colour.",
    ]
    styles = []
    if not a.no_styles:
        from train.sketch_styles import time_styles

        styles = ["", "## Sketch styles (train.sketch_styles, OpenCV), 256 px crops, one thread", "",
                  "`python -m train.sketch_styles --time` on the example pictures; target < 5 ms each.", "",
                  "| style | median ms | 90th percentile ms |", "|---|---|---|"]
        styles += [f"| {n} | {m:.2f} | {x:.2f} |" for n, m, x in time_styles(256)]
        print("\n".join(styles))
    text = "\n".join(head + rows + notes + styles) + "\n"
    if a.out:
        Path(a.out).write_text(text)
        print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
