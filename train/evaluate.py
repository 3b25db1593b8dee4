"""Evaluate colorizer weights through the shipped pipeline, beside trivial baselines.

    python -m train.evaluate --weights weights/ [--data data/test] [--size 256] [--limit 100]
                             [--out eval/NAME] [--compare OTHER_WEIGHTS ...]
    python -m train.evaluate --weights NEW --compare weights runs/paper/export --checkset data/checkset
    python -m train.evaluate --random-weights tiny --limit 20     # untrained, for smoke tests

Every model is run exactly as it ships: ``Colorizer.batch`` with the weights'
own default options (flat colours, the sketch's lines on top, cel shading;
seed 0), at ``--size`` (``--net-size``: the network's size when smaller) -
resizing, flat rendering and the line overlay are the pipeline's. Palettes come
from the reference picture through the pipeline too (``Colorizer.extract_palette``:
K-means for older weights, slot palettes from the role head's segmentation for
semantic ones). ``--raw`` / ``--flat`` / ``--keep-lines`` / ``--no-shading`` add rows with the flat
colours and the line overlay off / flat only / lines only / flat colours without cel shading.

**Pairs** (``--data``, the default). For every image ``i`` (sketch ``S_i``,
ground truth ``G_i``, both resized to the working size):

1. the *matched* palette ``P_i`` is the model's palette of ``G_i``, the *cross*
   palette ``P_{(i+1) mod N}`` the one of the next image;
2. steer test: the largest-share chromatic swatch of ``P_i`` is replaced by the
   saturated candidate colour farthest from it (``train.metrics.far_color``);
3. ``S_i`` is coloured with each palette by every model and baseline
   (``train.baselines``, on the K-means palette of ``G_i``);
4. PSNR and SSIM use every pixel; adherence (to the palette given) and steer a
   fixed random sample of at most ``--max-pixels`` non-line pixels per image.

**Check set** (``--checkset DIR``, ``python -m train.data checkset``: pictures with
part labels; ``ardentryst/`` and ``generator/`` with ``reference/`` pictures of the
same characters). Per subset, for every picture (:mod:`train.slot_metrics`):

* slot accuracy of the output with the matched palette (scored against the
  K-means palette of the ground truth, over the figure), beside the ceiling of a
  flat colourer that knows the truth (the region oracle, lines overlaid the same way);
* cross-reference role accuracy (``generator``: the reference is ``reference/<id>.png``,
  another picture of the character);
* edit steer and leak for the slots of the picture in turn (``--edits``): that slot's
  colour replaced in the palette - for weights without semantic slots, the palette
  colour nearest to the slot's true colour;
* hint gain (semantic weights): slot accuracy after pinning the 1, 3 and 10 largest
  figure regions (points from ``train.slot_metrics.hint_points``, each given its true slot);
* click follow and click leak (semantic weights): for each edited slot, one click in its
  largest region names a slot the picture lacks, whose swatch is set to a far colour (the
  user's "this part is that swatch"). Follow is the share of the part's *other* pixels
  (outside the clicked region, which the pin fills exactly) that take the new colour; click
  leak the share of the rest of the figure that moved. One click on a hair lock should turn
  all of the hair;
* PSNR and SSIM of the matched output.

Results: ``results.md`` (one table per data set / check-set subset), ``results.json``
and grids (``grid.png``; ``grid_<subset>.png``): sketch | ... | outputs | ground truth.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, Palette, extract_palette, preset
from colorizer.options import ColorizeOptions
from colorizer.processing import load_image, overlay_lines, target_size
from colorizer.roles import NUM_SLOTS, SLOTS, labels_to_slots

from train import metrics as M
from train import slot_metrics as SM
from train.baselines import BASELINES, LINE_THRESHOLD, line_pixels
from train.data.layouts import discover_pairs

DEFAULT_LIMIT = 100
PSNR_CAP = 100.0  # identical images (PSNR = inf) count as 100 dB in the means
SIZE_MULTIPLE = 16
GRID_ROWS = 6
CELL = 128
HINT_COUNTS = (1, 3, 10)
# A slot is edited in a check picture when it covers at least this many pixels at working size.
MIN_EDIT_PIXELS = 24
CHECK_SUBSETS = ("ardentryst", "generator")


# -- methods: a model through the pipeline, or a baseline ----------------------------------

@dataclass
class Method:
    """One row of the tables: a :class:`Colorizer` with option overrides, or a baseline."""

    name: str
    colorizer: Colorizer | None = None
    baseline: Callable | None = None
    overrides: dict = field(default_factory=dict)
    options: ColorizeOptions | None = None
    seconds: float = 0.0
    _palettes: dict = field(default_factory=dict)

    @property
    def semantic(self) -> bool:
        return self.colorizer is not None and self.colorizer.semantic

    def palette(self, reference: Image.Image, key) -> Palette:
        """The palette of ``reference``: the pipeline's own (models) or its K-means one (baselines).

        Weights without semantic slots and the baselines share one cache: their palette is
        the same K-means extraction (:func:`kmeans_palette`), computed once per picture.
        """
        hit = self._palettes.get(key)
        if hit is None:
            t = time.perf_counter()
            if self.colorizer is not None:
                hit = self.colorizer.extract_palette(reference)
            else:
                hit = kmeans_palette(reference)
            self.seconds += time.perf_counter() - t
            self._palettes[key] = hit
        return hit

    def colour(self, sketches: list[Image.Image], palettes: list[Palette],
               hints: list[list] | None = None) -> list[np.ndarray]:
        """(H, W, 3) uint8 results at each sketch's size."""
        t = time.perf_counter()
        if self.colorizer is not None:
            res = self.colorizer.batch(sketches, palettes=list(palettes), options=self.options, hints=hints)
            out = [np.asarray(r.image.convert("RGB")) for r in res]
        else:
            out = []
            for s, p in zip(sketches, palettes):
                out.append(self.baseline(np.asarray(s.convert("RGB")), p.colors, p.shares))
        self.seconds += time.perf_counter() - t
        return out


# Row variants of every model: name suffix -> option overrides (the plain name: the defaults).
VARIANTS = {"raw": (" (raw)", {"flat": False, "keep_lines": False}),
            "no_shading": (" (no cel shading)", {"cel_shading": False}),
            "flat": (" + flat", {"flat": True, "keep_lines": False}),
            "keep_lines": (" + lines", {"flat": False, "keep_lines": True})}


def build_methods(models: dict[str, Colorizer], size: int, net_size: int | None = None,
                  raw: bool = False, flat: bool = False, keep_lines: bool = False, no_shading: bool = False,
                  noise: str | None = None, seed: int = 0, baselines: bool = True) -> list[Method]:
    """The shipped defaults of every model (plus the asked variants), then the baselines."""
    out = []
    asked = {"raw": raw, "flat": flat, "keep_lines": keep_lines, "no_shading": no_shading}
    for name, c in models.items():
        base = {"size": int(net_size or size), "seed": seed}
        if noise is not None:
            base["noise"] = noise
        rows = [(name, {})] + [(name + VARIANTS[k][0], VARIANTS[k][1])
                               for k in ("raw", "flat", "keep_lines", "no_shading") if asked[k]]
        for label, over in rows:
            m = Method(label, colorizer=c, overrides=over, options=c.options(**base, **over))
            out.append(m)
    if baselines:
        out += [Method(f"baseline: {name}", baseline=fn) for name, fn in BASELINES.items()]
    # variants of one model share its palettes; K-means palettes are shared by everyone using them
    shared: dict = {}
    for m in out:
        if not m.semantic:
            m._palettes = shared
        else:
            m._palettes = next(x for x in out if x.colorizer is m.colorizer)._palettes
    return out


def kmeans_palette(reference, size: int = 9) -> Palette:
    """The K-means palette of a reference exactly as ``Colorizer.extract_palette`` makes it for
    weights without semantic slots (alpha kept, JPEG draft decoding)."""
    return extract_palette(load_image(reference, keep_alpha=True, draft=256), size, seed=0)


def seed_kmeans(methods: list[Method], key, palette: Palette) -> None:
    """Put an already computed K-means palette into the shared cache."""
    for m in methods:
        if not m.semantic:
            m._palettes.setdefault(key, palette)
            return


# -- pairs -------------------------------------------------------------------------------

def find_pairs(root: str | Path) -> list[tuple[str, Callable[[], tuple]]]:
    """``(id, load)`` for every pair under ``root``, sorted by id; ``load()`` gives
    ``(sketch, colour)`` PIL images.

    Uses ``train.data.layouts.discover_pairs``: ``sketch/`` + ``color/`` folders,
    Kaggle side-by-side pairs and colour-only folders.
    """
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(((p.id, p.load) for p in discover_pairs(root)), key=lambda p: p[0])


def select(pairs: list, limit: int | None) -> list:
    """At most ``limit`` pairs, evenly spaced over the sorted list (all when ``limit`` is None/0)."""
    if not limit or len(pairs) <= limit:
        return list(pairs)
    idx = np.unique(np.linspace(0, len(pairs) - 1, limit).round().astype(int))
    return [pairs[i] for i in idx]


@dataclass
class Sample:
    """One evaluation pair at working size, with everything the metrics need."""

    id: str
    sketch: np.ndarray          # (H, W, 3) uint8
    target: np.ndarray          # (H, W, 3) uint8 ground truth
    lines: np.ndarray           # (H, W) bool
    reference: Image.Image      # the ground truth at full size: the matched reference
    kmeans: Palette             # K-means palette of the ground truth (baselines, grid)
    idx: np.ndarray = None      # flat indices of the sampled non-line pixels

    @property
    def sketch_image(self) -> Image.Image:
        return Image.fromarray(self.sketch).convert("L")


def load_sample(pid: str, load: Callable[[], tuple], size: int, palette_size: int,
                max_pixels: int, seed: int) -> Sample:
    """Load one pair at working size; sample its non-line pixels."""
    sk, gt = load()
    if sk is None:
        raise SystemExit(f"pair {pid} has no sketch; evaluate a layout with sketches")
    sk, gt = load_image(sk).convert("L"), load_image(gt)
    tw, th = target_size(*sk.size, size, multiple=SIZE_MULTIPLE)
    sk_small = sk.resize((tw, th), Image.BILINEAR if tw < sk.size[0] else Image.BICUBIC).convert("RGB")
    gt_small = gt.resize((tw, th), Image.BICUBIC)
    sketch = np.asarray(sk_small, dtype=np.uint8).copy()
    target = np.asarray(gt_small, dtype=np.uint8).copy()
    lines = line_pixels(sketch, LINE_THRESHOLD)
    s = Sample(pid, sketch, target, lines, gt, kmeans_palette(gt, palette_size))
    s.idx = M.sample_indices(~lines, max_pixels, seed=seed)
    return s


@dataclass
class SteerPlan:
    index: int
    new: np.ndarray
    region: np.ndarray          # bool over the sample's sampled pixels


def steer_plan(sample: Sample, palette: Palette) -> SteerPlan | None:
    """Which swatch of ``palette`` the steer test edits, to what, and where it should show."""
    k = M.steer_swatch(palette.colors, palette.shares)
    if k is None:
        return None
    region = M.nearest_swatch(sample.target.reshape(-1, 3)[sample.idx], palette.colors) == k
    if not region.any():
        return None
    return SteerPlan(k, M.far_color(palette.colors[k]), region)


CONDITIONS = ("matched", "cross")


def score(sample: Sample, outputs: dict[str, np.ndarray], palettes: dict[str, Palette],
          plan: SteerPlan | None) -> dict[str, float]:
    """Per-image metrics from the outputs for the ``matched``, ``cross`` and ``edited`` palettes."""
    r: dict[str, float] = {}
    for cond in CONDITIONS:
        out = outputs[cond]
        r[f"{cond}/psnr"] = M.psnr(out, sample.target)
        r[f"{cond}/ssim"] = M.ssim(out, sample.target)
        r[f"{cond}/adherence"] = M.palette_adherence(out.reshape(-1, 3)[sample.idx], palettes[cond].colors)
    if plan is not None:
        old = palettes["matched"].colors[plan.index]
        px = sample.idx[plan.region]
        r["steer"] = M.steer_score(outputs["edited"].reshape(-1, 3)[px], None, old, plan.new)
        r["steer_control"] = M.steer_score(outputs["matched"].reshape(-1, 3)[px], None, old, plan.new)
    else:
        r["steer"] = r["steer_control"] = math.nan
    return r


def _mean(values) -> float:
    v = np.array([PSNR_CAP if x == math.inf else x for x in values], dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else math.nan


def batches(samples: list, batch_size: int):
    """Consecutive batches of samples (the pipeline colours any mix of sizes)."""
    for i in range(0, len(samples), max(1, batch_size)):
        yield samples[i:i + batch_size]


# -- pictures ----------------------------------------------------------------------------

def swatches(palette: Palette, size: int = CELL) -> np.ndarray:
    """A (size, size, 3) tile showing the palette as a grid of squares, in palette order."""
    k = len(palette)
    n = int(math.ceil(math.sqrt(k)))
    tile = np.full((size, size, 3), 255, np.uint8)
    step = size / n
    for i, c in enumerate(palette.colors):
        r, q = divmod(i, n)
        tile[int(r * step):int((r + 1) * step), int(q * step):int((q + 1) * step)] = c
    for j in range(n + 1):  # thin grey borders, so that white swatches show
        e = min(size - 1, int(j * step))
        tile[e, :] = tile[:, e] = 160
    return tile


def make_grid(rows: list[list[np.ndarray]], header: list[str], cell: int = CELL) -> Image.Image:
    """Rows of equally sized cells with a text header line."""
    head = 16
    ncol = len(header)
    grid = Image.new("RGB", (ncol * cell, head + len(rows) * cell), "white")
    draw = ImageDraw.Draw(grid)
    for j, text in enumerate(header):
        draw.text((j * cell + 3, 2), text[:20], fill=(0, 0, 0))
    for i, row in enumerate(rows):
        for j, img in enumerate(row):
            im = Image.fromarray(img).resize((cell, cell), Image.BICUBIC)
            grid.paste(im, (j * cell, head + i * cell))
    return grid


def _fmt(v, digits=3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.{digits}f}"


def _options_line(methods: list[Method]) -> str:
    m = next((x for x in methods if x.options is not None), None)
    if m is None:
        return "baselines only"
    o = m.options
    return (f"pipeline defaults of the weights (`flat={o.flat}`, `keep_lines={o.keep_lines}`, "
            f"`cel_shading={o.cel_shading}`), noise `{o.noise}`, seed {o.seed}")


def markdown(summary: dict) -> str:
    cfg = summary["config"]
    lines = [
        "# Colorizer evaluation",
        "",
        f"- data: `{cfg['data']}` - {summary['n_images']} images"
        + (f" (evenly spaced subset of {summary['n_available']})" if summary["n_images"] < summary["n_available"] else ""),
        f"- working size: {cfg['size']} px (longer side; models ran at {cfg.get('net_size', cfg['size'])} px) "
        f"through `Colorizer.batch`: {cfg['options']}",
        f"- palettes: each model's own `Colorizer.extract_palette` of the ground truth (baselines: K-means); "
        f"steer test on {summary['n_steer']} images with a chromatic K-means swatch "
        f"(chroma >= {M.MIN_CHROMA:g}); adherence: CIEDE2000 <= {M.ADHERENCE_DE:g} to the palette given, "
        f"non-line pixels (`line_mask > {LINE_THRESHOLD}`), <= {cfg['max_pixels']} sampled per image",
        f"- runtime: {summary['runtime_s']:.1f} s total ({summary['model_time_s']:.1f} s in models)",
        "",
        "| Method | Palette | PSNR (dB) | SSIM | Adherence | GT ceiling | Steer | Steer control | Net steer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        lines.append(
            f"| {row['method']} | {row['palette']} | {_fmt(row['psnr'], 2)} | {_fmt(row['ssim'])} | "
            f"{_fmt(row['adherence'])} | {_fmt(row['adherence_gt'])} | {_fmt(row.get('steer'))} | "
            f"{_fmt(row.get('steer_control'))} | {_fmt(row.get('net_steer'))} |")
    lines += ["", "Higher is better everywhere except *Steer control* (≈ 0 expected); net steer = steer "
              "- control, per image. Matched: palette "
              "from the image's own ground truth; cross: palette of the next image (PSNR/SSIM still vs "
              "the image's own ground truth). GT ceiling: the adherence of the palette's source image "
              "to that palette.", ""]
    return "\n".join(lines)


# -- pairs: main -------------------------------------------------------------------------

def evaluate(models: dict[str, Colorizer], data: str | Path, out: str | Path, size: int = 256,
             limit: int | None = DEFAULT_LIMIT, batch_size: int = 16, max_pixels: int = 16384,
             grid_rows: int = GRID_ROWS, progress: bool = True, keep_lines: bool = False, flat: bool = False,
             cell: int = CELL, net_size: int | None = None, raw: bool = False, noise: str | None = None,
             seed: int = 0, no_shading: bool = False) -> dict:
    """Run every model (through the pipeline) and baseline on the pairs under ``data``;
    write results.md/json and grid.png to ``out``."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    sizes = {m.cfg.palette_size for m in models.values()}
    if len(sizes) > 1:
        raise SystemExit(f"the models take different palette sizes ({sorted(sizes)}); compare them separately")
    palette_size = sizes.pop() if sizes else 9
    pairs = find_pairs(data)
    if not pairs:
        raise SystemExit(f"no sketch/color pairs found under {data} (expected {data}/sketch/<id>.png "
                         f"and {data}/color/<id>.png)")
    chosen = select(pairs, limit)
    samples = [load_sample(pid, load, size, palette_size, max_pixels, seed=i)
               for i, (pid, load) in enumerate(tqdm(chosen, desc="loading", disable=not progress))]
    n = len(samples)
    methods = build_methods(models, size, net_size, raw=raw, flat=flat, keep_lines=keep_lines,
                            no_shading=no_shading, noise=noise, seed=seed)
    for s in samples:
        seed_kmeans(methods, s.id, s.kmeans)

    grid_samples = select(samples, grid_rows)  # evenly spaced over the evaluated images
    shown = {s.id for s in grid_samples}
    per_method: dict[str, list[dict]] = {}
    ceilings: dict[str, list[float]] = {}
    steers: dict[str, int] = {}
    shown_out: dict[str, dict[str, np.ndarray]] = {}
    for m in methods:
        pal = [m.palette(s.reference, s.id) for s in samples]
        plans = [steer_plan(s, p) for s, p in zip(samples, pal)]
        results: list[dict] = []
        bar = tqdm(total=n, desc=m.name, disable=not progress)
        for start in range(0, n, max(1, batch_size)):
            idx = list(range(start, min(n, start + batch_size)))
            sk = [samples[i].sketch_image for i in idx]
            conds = {"matched": [pal[i] for i in idx], "cross": [pal[(i + 1) % n] for i in idx],
                     "edited": [pal[i] if plans[i] is None else
                                pal[i].replace(plans[i].index, tuple(int(v) for v in plans[i].new)) for i in idx]}
            outs = {c: m.colour(sk, p) for c, p in conds.items()}
            for j, i in enumerate(idx):
                o = {c: outs[c][j] for c in outs}
                results.append(score(samples[i], o, {"matched": pal[i], "cross": pal[(i + 1) % n]}, plans[i]))
                if samples[i].id in shown and m.colorizer is not None:
                    shown_out.setdefault(m.name, {})[samples[i].id] = o["matched"]
            bar.update(len(idx))
        bar.close()
        per_method[m.name] = results
        ceilings[m.name] = [M.palette_adherence(s.target.reshape(-1, 3)[s.idx], p.colors) for s, p in zip(samples, pal)]
        steers[m.name] = sum(p is not None for p in plans)

    rows = []
    for method, results in per_method.items():
        ceil = ceilings[method]
        for cond in CONDITIONS:
            row = {"method": method, "palette": cond,
                   "psnr": _mean(r[f"{cond}/psnr"] for r in results),
                   "ssim": _mean(r[f"{cond}/ssim"] for r in results),
                   "adherence": _mean(r[f"{cond}/adherence"] for r in results),
                   "adherence_gt": _mean(ceil if cond == "matched" else ceil[1:] + ceil[:1])}
            if cond == "matched":
                row["steer"] = _mean(r["steer"] for r in results)
                row["steer_control"] = _mean(r["steer_control"] for r in results)
                row["net_steer"] = _mean(r["steer"] - r["steer_control"] for r in results)
                row["n_steer"] = steers[method]
            rows.append(row)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runtime = time.perf_counter() - t0
    summary = {
        "config": {"data": str(data), "size": size, "net_size": net_size or size, "limit": limit,
                   "batch_size": batch_size, "max_pixels": max_pixels, "options": _options_line(methods),
                   "adherence_delta_e": M.ADHERENCE_DE, "min_chroma": M.MIN_CHROMA,
                   "line_threshold": LINE_THRESHOLD,
                   "models": {k: m.weights_id for k, m in models.items()},
                   "method_options": {m.name: m.options.to_dict() for m in methods if m.options is not None}},
        "n_available": len(pairs), "n_images": n,
        "n_steer": sum(M.steer_swatch(s.kmeans.colors, s.kmeans.shares) is not None for s in samples),
        "runtime_s": runtime, "model_time_s": sum(m.seconds for m in methods if m.colorizer is not None),
        "method_time_s": {m.name: m.seconds for m in methods},
        "rows": rows,
        "per_image": {"ids": [s.id for s in samples],
                      **{m: [{k: (None if not math.isfinite(v) else v) for k, v in r.items()} for r in res]
                         for m, res in per_method.items()}},
    }
    (out / "results.json").write_text(json.dumps(_finite(summary), indent=1) + "\n")
    (out / "results.md").write_text(markdown(summary))
    shown_models = [m.name for m in methods if m.name in shown_out]
    header = ["sketch", "palette"] + shown_models + ["ground truth"]
    grid_data = [[s.sketch, swatches(s.kmeans)] + [shown_out[m][s.id] for m in shown_models] + [s.target]
                 for s in grid_samples]
    make_grid(grid_data, header, cell=cell).save(out / "grid.png")
    return summary


# -- check set ---------------------------------------------------------------------------

@dataclass
class CheckPicture:
    """One check-set picture at working size, with its labels and precomputed plans."""

    subset: str
    id: str
    sketch: Image.Image           # L, working size
    gt: np.ndarray                # (H, W, 3) uint8, working size
    labels: np.ndarray            # (H, W) role indices, working size
    figure: np.ndarray            # (H, W) bool
    reference_self: Image.Image   # the colour picture at full size (matched reference)
    kmeans: Palette               # K-means palette of the ground truth: the scoring palette
    oracle: np.ndarray            # region oracle (lines overlaid like the pipeline's default)
    oracle_acc: float
    slot_regions: dict            # slot -> (H, W) bool, the slots present
    true_colors: dict             # slot -> (3,) uint8 median ground-truth colour
    edit_slots: list              # the slots edited for this picture
    hints: list                   # (x, y, slot), largest figure region first
    clicks: list = field(default_factory=list)  # (slot, new slot, (x, y), mask of the pixels scored)
    reference: Image.Image | None = None   # another picture of the character (generator subset)
    ref_roles: dict | None = None          # its role colours


def _check_ids(root: Path, subset: str) -> list[str]:
    folder = root / subset / "color"
    return sorted(p.stem for p in folder.glob("*.png")) if folder.is_dir() else []


def region_slots(sketch: Image.Image, slots: np.ndarray, neck: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sketch's line-enclosed regions (``train.slot_metrics.sketch_regions``; 0 = lines; cut
    at necks of ``neck`` px, default the pipeline's) and each region's true majority slot
    (index = region number; -1 for the lines and for regions with no labelled pixel)."""
    regions = SM.sketch_regions(sketch, LINE_THRESHOLD, neck=neck)
    count = int(regions.max())
    flat = regions.ravel().astype(np.int64)
    s = slots.ravel().astype(np.int64)
    ok = (flat > 0) & (s < NUM_SLOTS)
    votes = np.bincount(flat[ok] * NUM_SLOTS + s[ok], minlength=(count + 1) * NUM_SLOTS).reshape(count + 1, NUM_SLOTS)
    major = votes.argmax(axis=1)
    major[votes.sum(axis=1) == 0] = -1
    major[0] = -1
    return regions, major


def figure_hints(sketch: Image.Image, slots: np.ndarray, n: int) -> list[tuple[int, int, int]]:
    """Hints for the ``n`` largest line-enclosed regions of the figure, largest first:
    a point deep inside each (``train.slot_metrics.hint_points``) with the region's true
    (majority) slot. Regions mostly background, line or unknown are left out."""
    regions, major = region_slots(sketch, slots)
    if int(regions.max()) == 0 or n <= 0:
        return []
    fig_regions = np.where(major[regions] > 0, regions, 0)
    pts = SM.hint_points(fig_regions, n)
    return [(int(c), int(r), int(major[regions[r, c]])) for r, c in pts]


def click_plans(sketch: Image.Image, slots: np.ndarray, edit_slots, index: int) -> list:
    """One click per edited slot (background aside): ``(slot, new_slot, (x, y), others)``.

    The click is the deepest point of the largest line-enclosed region whose true majority
    slot is ``slot``; ``new_slot`` is a slot with no pixel in the picture (in rotation over the
    pictures), so moving the part there changes no other part's colour; ``others`` are the pixels
    the click's effect is measured on: inside some line-enclosed region (not the lines) and not
    in the clicked one, which the pin fills exactly. A slot with fewer than ``MIN_EDIT_PIXELS``
    such pixels, or a picture with every slot present, gets no click.
    """
    absent = [k for k in range(1, NUM_SLOTS) if not (slots == k).any()]
    regions, major = region_slots(sketch, slots)
    if int(regions.max()) == 0 or not absent:
        return []
    plans = []
    for j, slot in enumerate(k for k in edit_slots if k != 0):
        mine = np.where(major[regions] == slot, regions, 0)
        pts = SM.hint_points(mine, 1)
        if len(pts) == 0:
            continue
        r, c = (int(v) for v in pts[0])
        others = (regions > 0) & (regions != regions[r, c])
        if int(((slots == slot) & others).sum()) < MIN_EDIT_PIXELS:
            continue
        plans.append((slot, absent[(index + j) % len(absent)], (c, r), others))
    return plans


def load_check_picture(root: Path, subset: str, pid: str, size: int, index: int, edits: int,
                       keep_lines: bool = True) -> CheckPicture:
    d = root / subset
    color = load_image(d / "color" / f"{pid}.png")
    sketch = load_image(d / "sketch" / f"{pid}.png").convert("L")
    labels_full = Image.open(d / "labels" / f"{pid}.png")
    tw, th = target_size(*sketch.size, size, multiple=SIZE_MULTIPLE)
    sk = sketch.resize((tw, th), Image.BILINEAR if tw < sketch.size[0] else Image.BICUBIC)
    gt = np.asarray(color.resize((tw, th), Image.BICUBIC), dtype=np.uint8).copy()
    labels = np.asarray(labels_full.resize((tw, th), Image.NEAREST), dtype=np.uint8).copy()
    figure = SM.figure_mask(labels)
    slots = labels_to_slots(labels)
    km = kmeans_palette(d / "color" / f"{pid}.png")
    oracle = SM.region_oracle(gt, np.asarray(sk), km.colors)
    if keep_lines:
        oracle = np.asarray(overlay_lines(Image.fromarray(oracle), sk))
    oracle_acc = SM.slot_accuracy(oracle, gt, km.colors, figure)
    regions, colours = {}, {}
    for s in range(NUM_SLOTS):
        m = slots == s
        if int(m.sum()) >= MIN_EDIT_PIXELS:
            regions[s] = m
            colours[s] = np.median(gt[m], axis=0).round().astype(np.uint8)
    present = sorted(regions)
    if edits and present:
        chosen = [present[(index + j) % len(present)] for j in range(min(edits, len(present)))]
    else:
        chosen = present
    pic = CheckPicture(subset, pid, sk, gt, labels, figure, color, km, oracle, oracle_acc, regions, colours,
                       sorted(chosen), figure_hints(sk, slots, max(HINT_COUNTS)),
                       click_plans(sk, slots, sorted(chosen), index))
    ref = d / "reference" / f"{pid}.png"
    ref_lab = d / "reference_labels" / f"{pid}.png"
    if ref.is_file() and ref_lab.is_file():
        pic.reference = load_image(ref)
        rl = np.asarray(Image.open(ref_lab), dtype=np.uint8)
        pic.ref_roles = SM.role_colors(np.asarray(pic.reference.convert("RGB")), rl, min_pixels=16) or None
    return pic


# Clothing slots; a picture's "main clothing" is the one of them with the most pixels (a jacket
# worn open over a shirt: the jacket), the "main clothing slot" in the per-slot tables.
CLOTHING = ("top", "bottom", "outer")
MAIN_CLOTHING = "main clothing"


def main_clothing(pic: CheckPicture) -> str | None:
    """Name of the picture's largest edited clothing slot (:data:`CLOTHING`), or None."""
    sizes = {SLOTS[s]: int(pic.slot_regions[s].sum()) for s in pic.edit_slots if SLOTS[s] in CLOTHING}
    return max(sizes, key=sizes.get) if sizes else None


def role_oracle_edits(pic: CheckPicture, keep_lines: bool = True) -> dict:
    """Edit steer and leak of flat colours with perfect roles: the pipeline's region rendering
    (``colorizer.render.render_roles``, no cel shading) fed the true slots as its role
    probabilities, so every line-enclosed region takes its true majority slot and the ink its
    nearest region's; each slot its true colour (absent slots the default), lines multiplied on top
    like the pipeline. Every edited slot's colour is replaced as in :func:`score_check_picture`; the
    figures are the ceiling of a flat fill of this line art for any role head: pixels a region
    shares with another part move with that region's slot.
    Returns ``{"edits": {slot name: {"steer", "leak"}}, "steer", "leak", "main_clothing"}``."""
    from colorizer.processing import line_mask
    from colorizer.regions import flat_neck, flat_seal
    from colorizer.render import region_map, render_roles
    from colorizer.roles import DEFAULT_SLOT_COLORS

    dark = line_mask(pic.sketch)
    h, w = dark.shape
    slots = labels_to_slots(pic.labels)
    truth = (slots[None] == np.arange(NUM_SLOTS)[:, None, None]).astype(np.float32)  # unknown, line: none
    regions = region_map(dark, flat_seal(h, w), flat_neck(h, w), LINE_THRESHOLD)
    colours = Palette.from_hex(list(DEFAULT_SLOT_COLORS), NUM_SLOTS).colors.astype(np.uint8)
    for s, c in pic.true_colors.items():
        colours[s] = c
    no_shading = np.zeros((h, w, 3), np.uint8)

    def render(cols: np.ndarray) -> np.ndarray:
        r = render_roles(no_shading, dark, truth, cols, cel_shading=False, threshold=LINE_THRESHOLD,
                         regions=regions)
        img = Image.fromarray(r.image, "RGB")
        return np.asarray(overlay_lines(img, pic.sketch) if keep_lines else img)

    before = render(colours)
    out: dict = {"edits": {}}
    for s in pic.edit_slots:
        old = colours[s].copy()
        new = M.far_color(old)
        edited = colours.copy()
        edited[s] = new
        steer, leak = SM.edit_steer_leak(before, render(edited), pic.slot_regions[s], pic.figure, new, old)
        out["edits"][SLOTS[s]] = {"steer": steer, "leak": leak}
    out["steer"] = _mean(e["steer"] for e in out["edits"].values())
    out["leak"] = _mean(e["leak"] for e in out["edits"].values())
    out["main_clothing"] = main_clothing(pic)
    return out


def _edit_index(m: Method, pal: Palette, pic: CheckPicture, slot: int) -> int:
    """The palette swatch that stands for ``slot``: the slot itself (semantic weights), else the
    swatch nearest (CIEDE2000) to the slot's true colour."""
    if m.semantic:
        return slot
    return int(M.nearest_swatch(pic.true_colors[slot][None], pal.colors)[0])


def score_check_picture(m: Method, pic: CheckPicture) -> tuple[dict, np.ndarray]:
    """All check-set metrics of one method on one picture, and its matched output."""
    pal = m.palette(pic.reference_self, (pic.subset, pic.id, "self"))
    out0 = m.colour([pic.sketch], [pal])[0]
    slot = SM.slot_accuracy(out0, pic.gt, pic.kmeans.colors, pic.figure)
    r: dict = {"slot": slot, "headroom": pic.oracle_acc - slot,
               "psnr": M.psnr(out0, pic.gt), "ssim": M.ssim(out0, pic.gt), "edits": {}}
    # edits: every chosen slot's swatch replaced in turn
    plan = []
    for s in pic.edit_slots:
        k = _edit_index(m, pal, pic, s)
        old = pal.colors[k].copy()
        new = M.far_color(old)
        plan.append((s, k, old, new))
    if plan:
        outs = m.colour([pic.sketch] * len(plan), [pal.replace(k, tuple(int(v) for v in new)) for _, k, _, new in plan])
        for (s, k, old, new), after in zip(plan, outs):
            steer, leak = SM.edit_steer_leak(out0, after, pic.slot_regions[s], pic.figure, new, old)
            r["edits"][SLOTS[s]] = {"steer": steer, "leak": leak, "swatch": k}
    r["main_clothing"] = main_clothing(pic)
    r["steer"] = _mean(e["steer"] for e in r["edits"].values())
    r["leak"] = _mean(e["leak"] for e in r["edits"].values())
    # hints: semantic weights only
    for n in HINT_COUNTS:
        r[f"hint{n}"] = math.nan
    if m.semantic and pic.hints:
        outs = m.colour([pic.sketch] * len(HINT_COUNTS), [pal] * len(HINT_COUNTS),
                        hints=[pic.hints[:n] for n in HINT_COUNTS])
        for n, o in zip(HINT_COUNTS, outs):
            r[f"hint{n}"] = SM.slot_accuracy(o, pic.gt, pic.kmeans.colors, pic.figure) - r["slot"]
    # clicks: one point names a new slot for a whole part (semantic weights only)
    r["clicks"] = {}
    if m.semantic and pic.clicks:
        plan = [(s, b, xy, others, M.far_color(pal.colors[s])) for s, b, xy, others in pic.clicks]
        outs = m.colour([pic.sketch] * len(plan),
                        [pal.replace(b, tuple(int(v) for v in new)) for _, b, _, _, new in plan],
                        hints=[[(xy[0], xy[1], b)] for _, b, xy, _, _ in plan])
        for (s, b, xy, others, new), after in zip(plan, outs):
            follow, leak = SM.edit_steer_leak(out0, after, pic.slot_regions[s] & others, pic.figure & others,
                                              new, pal.colors[s])
            r["clicks"][SLOTS[s]] = {"follow": follow, "leak": leak, "to": SLOTS[b]}
    r["click_follow"] = _mean(e["follow"] for e in r["clicks"].values())
    r["click_leak"] = _mean(e["leak"] for e in r["clicks"].values())
    # cross reference: another picture of the same character
    r["cross"] = math.nan
    if pic.reference is not None and pic.ref_roles:
        pr = m.palette(pic.reference, (pic.subset, pic.id, "reference"))
        oc = m.colour([pic.sketch], [pr])[0]
        per_role, mean = SM.cross_role_accuracy(oc, pic.labels, pic.ref_roles)
        r["cross"], r["cross_roles"] = mean, per_role
    return r, out0


# The row of :func:`role_oracle_edits` in the check-set tables.
ROLE_CEILING = "perfect roles (flat ceiling)"

CHECK_COLUMNS = [("slot", "Slot acc.", 3), ("cross", "Cross-ref role acc.", 3), ("steer", "Edit steer", 3),
                 ("leak", "Edit leak", 3), ("hint1", "Hint +1", 3), ("hint3", "Hint +3", 3),
                 ("hint10", "Hint +10", 3), ("headroom", "Oracle − slot acc.", 3), ("click_follow", "Click follow", 3),
                 ("click_leak", "Click leak", 3),
                 ("psnr", "PSNR (dB)", 2), ("ssim", "SSIM", 3)]


def _per_slot(res: list[dict], key: str, fields: tuple[str, str]) -> dict:
    """Per-slot means of ``fields`` over the pictures' ``key`` entries ("edits" or "clicks"), with
    how many pictures had one; slots no picture had are left out."""
    out = {}
    for s in SLOTS + ((MAIN_CLOTHING,) if key == "edits" else ()):
        if s == MAIN_CLOTHING:  # each picture's own largest clothing slot
            vals = [r[key][r["main_clothing"]] for r in res if r.get("main_clothing") in r[key]]
        else:
            vals = [r[key][s] for r in res if s in r[key]]
        if vals:
            out[s] = {**{f: _mean(v[f] for v in vals) for f in fields}, "n": len(vals)}
    return out


def _per_slot_table(rows: list[dict], key: str, slots, fields: tuple[str, str]) -> list[str]:
    """Markdown rows "a / b (n)" per slot of every row's ``key`` (see :func:`_per_slot`)."""
    lines = ["| Method | " + " | ".join(slots) + " |", "|---|" + "---:|" * len(slots)]
    for row in rows:
        cells = []
        for s in slots:
            e = row[key].get(s)
            cells.append("–" if e is None else f"{_fmt(e[fields[0]], 2)} / {_fmt(e[fields[1]], 2)} ({e['n']})")
        lines.append(f"| {row['method']} | " + " | ".join(cells) + " |")
    return lines


def markdown_checkset(summary: dict) -> str:
    cfg = summary["config"]
    lines = ["# Colorizer evaluation: anime check set", "",
             f"- check set: `{cfg['checkset']}`; working size {cfg['size']} px (models ran at "
             f"{cfg['net_size']} px) through `Colorizer.batch`: {cfg['options']}",
             "- palettes: each model's `Colorizer.extract_palette` of the picture itself (matched) or of "
             "`reference/<id>.png` (cross); baselines: K-means",
             "- slot accuracy: share of figure pixels whose nearest K-means colour of the ground truth "
             "(CIE76) is the ground truth's there; region oracle: every line-enclosed region in its true "
             "majority colour (the ceiling of flat colouring on this line art)",
             f"- edits: {cfg['edits_desc']}; steer: share of the slot's pixels nearer the new colour than the "
             f"old; leak: share of the rest of the figure that moved by > {SM.LEAK_DELTA_E:g} (CIE76); "
             "weights without slots edit the swatch nearest the slot's true colour",
             f"- {ROLE_CEILING}: edit steer / leak of flat colours with every region given its true majority "
             "slot and each slot its true colour (no model): pixels a region shares with another part (a gap "
             "in the ink, a part the lines do not close) move with the region, so no role head can do better "
             "with these regions",
             "- hint +N: slot accuracy with the N largest figure regions pinned to their true slot, minus "
             "without (semantic weights only); with one colour per region it cannot exceed the region oracle minus the "
             "slot accuracy (column 'Oracle − slot acc.')",
             "- click follow / leak: one click in a slot's largest region names a slot the picture lacks, "
             "whose swatch is set to a far colour; follow: share of the slot's pixels outside the clicked "
             "region that take the new colour; leak: share of the rest of the figure (clicked region aside) "
             "that moved (semantic weights only)",
             f"- runtime: {summary['runtime_s']:.1f} s total", ""]
    for subset, block in summary["subsets"].items():
        lines += [f"## {subset} ({block['n']} pictures)", "",
                  "| Method | " + " | ".join(c[1] for c in CHECK_COLUMNS) + " |",
                  "|---|" + "---:|" * len(CHECK_COLUMNS)]
        lines.append("| region oracle (ceiling) | " + _fmt(block["oracle"]) + " |" + " – |" * (len(CHECK_COLUMNS) - 1))
        for row in block["rows"]:
            lines.append(f"| {row['method']} | " + " | ".join(_fmt(row[k], d) for k, _, d in CHECK_COLUMNS) + " |")
        title = f"Edit steer / leak per slot ({MAIN_CLOTHING}: each picture's largest of {' / '.join(CLOTHING)}):"
        lines += ["", title, ""] + _per_slot_table(block["rows"], "per_slot", SLOTS + (MAIN_CLOTHING,),
                                                   ("steer", "leak"))
        clicked = [row for row in block["rows"] if row.get("per_slot_click")]
        if clicked:
            lines += ["", "Click follow / leak per slot (clicks):", ""] + _per_slot_table(
                clicked, "per_slot_click", SLOTS[1:], ("follow", "leak"))
        lines.append("")
    return "\n".join(lines)


def evaluate_checkset(models: dict[str, Colorizer], root: str | Path, out: str | Path, size: int = 256,
                      limit: int | None = None, subsets=CHECK_SUBSETS, edits: int = 1, progress: bool = True,
                      grid_rows: int = GRID_ROWS, cell: int = CELL, net_size: int | None = None,
                      noise: str | None = None, seed: int = 0, raw: bool = False,
                      baselines: bool = True, no_shading: bool = False) -> dict:
    """The check-set evaluation (see the module docstring); writes results.md/json and
    grid_<subset>.png to ``out``. ``edits``: slots edited per picture, in rotation (0: all)."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    root = Path(root)
    if not (root / "CHECKSET").is_file():
        raise SystemExit(f"{root} is not a check set (no CHECKSET marker); build one with "
                         "`python -m train.data checkset --out DIR`")
    methods = build_methods(models, size, net_size, raw=raw, noise=noise, seed=seed, baselines=baselines,
                            no_shading=no_shading)
    keep_lines = methods[0].options.keep_lines if methods and methods[0].options is not None else True
    summary: dict = {"subsets": {}, "per_picture": {}}
    for subset in subsets:
        ids = select(_check_ids(root, subset), limit)
        if not ids:
            continue
        pics = [load_check_picture(root, subset, pid, size, i, edits, keep_lines)
                for i, pid in enumerate(tqdm(ids, desc=f"loading {subset}", disable=not progress))]
        for p in pics:
            seed_kmeans(methods, (p.subset, p.id, "self"), p.kmeans)
        shown = {p.id for p in select(pics, grid_rows)}
        per: dict[str, list[dict]] = {}
        shown_out: dict[str, dict[str, np.ndarray]] = {}
        for m in methods:
            res = []
            for p in tqdm(pics, desc=f"{subset}: {m.name}", disable=not progress):
                r, o = score_check_picture(m, p)
                res.append(r)
                if p.id in shown:
                    shown_out.setdefault(m.name, {})[p.id] = o
            per[m.name] = res
        ceiling = [role_oracle_edits(p, keep_lines) for p in pics]
        rows = [{"method": ROLE_CEILING, **{k: math.nan for k, _, _ in CHECK_COLUMNS},
                 "steer": _mean(c["steer"] for c in ceiling), "leak": _mean(c["leak"] for c in ceiling),
                 "per_slot": _per_slot(ceiling, "edits", ("steer", "leak"))}]
        for m in methods:
            res = per[m.name]
            row = {"method": m.name, **{k: _mean(r[k] for r in res) for k, _, _ in CHECK_COLUMNS},
                   "per_slot": _per_slot(res, "edits", ("steer", "leak"))}
            clicks = _per_slot(res, "clicks", ("follow", "leak"))
            if clicks:
                row["per_slot_click"] = clicks
            row["seconds"] = m.seconds
            rows.append(row)
        summary["subsets"][subset] = {"n": len(pics), "oracle": _mean(p.oracle_acc for p in pics), "rows": rows}
        summary["per_picture"][subset] = {"ids": [p.id for p in pics], "oracle": [p.oracle_acc for p in pics],
                                          ROLE_CEILING: ceiling,
                                          **{k: v for k, v in per.items()}}
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        names = [m.name for m in methods if m.name in shown_out]
        grid = [[np.asarray(p.sketch.convert("RGB")), swatches(p.kmeans, cell), p.oracle]
                + [shown_out[n][p.id] for n in names] + [p.gt] for p in pics if p.id in shown]
        make_grid(grid, ["sketch", "K-means palette", "region oracle"] + names + ["ground truth"],
                  cell=cell).save(out_dir / f"grid_{subset}.png")
    if not summary["subsets"]:
        raise SystemExit(f"no pictures found under {root}/{{{','.join(subsets)}}}/color")
    summary["runtime_s"] = time.perf_counter() - t0
    summary["config"] = {"checkset": str(root), "size": size, "net_size": net_size or size, "limit": limit,
                         "edits": edits, "options": _options_line(methods),
                         "edits_desc": (f"{edits} slot(s) per picture, in rotation" if edits
                                        else "every slot present in the picture"),
                         "hint_counts": list(HINT_COUNTS),
                         "models": {k: m.weights_id for k, m in models.items()},
                         "method_time_s": {m.name: m.seconds for m in methods}}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(_finite(summary), indent=1) + "\n")
    (out / "results.md").write_text(markdown_checkset(summary))
    return summary


# -- command line ------------------------------------------------------------------------

def _finite(obj):
    """JSON-safe copy: non-finite floats become None, NumPy scalars plain numbers."""
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _model_name(path: str, taken: set[str]) -> str:
    p = Path(path).resolve()
    name = p.name if p.is_dir() else p.parent.name
    base, i = name or str(path), 2
    while name in taken:
        name = f"{base} ({i})"
        i += 1
    return name


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m train.evaluate", description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="weights folder (config.json + model.safetensors)")
    src.add_argument("--random-weights", metavar="PRESET",
                     help="untrained weights of a config preset (tiny, default, paper); for smoke tests")
    ap.add_argument("--compare", nargs="+", default=[], metavar="DIR",
                    help="more weights folders to evaluate in the same table")
    ap.add_argument("--data", default="data/test", help="split folder with sketch/ and color/ (default data/test)")
    ap.add_argument("--checkset", default=None, metavar="DIR",
                    help="evaluate on an anime check set (python -m train.data checkset) instead of --data")
    ap.add_argument("--subsets", default=",".join(CHECK_SUBSETS),
                    help=f"check-set subsets, comma-separated (default {','.join(CHECK_SUBSETS)})")
    ap.add_argument("--edits", type=int, default=1,
                    help="check set: slots edited per picture, taking the picture's slots in rotation over "
                         "the pictures (default 1; 0 = every slot present in every picture)")
    ap.add_argument("--size", type=int, default=256, help="working size: longer side, px (default 256)")
    ap.add_argument("--net-size", type=int, default=None,
                    help="longer side the networks run at, when smaller than --size: the pipeline scales "
                         "their output up (default: --size)")
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                    help=f"evaluate at most N images (per check-set subset), evenly spaced "
                         f"(default {DEFAULT_LIMIT}; 0 = all)")
    ap.add_argument("--out", default=None, help="output folder (default eval/<weights name>)")
    ap.add_argument("--batch-size", type=int, default=16, help="sketches per Colorizer.batch call")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    ap.add_argument("--max-pixels", type=int, default=16384,
                    help="non-line pixels sampled per image for adherence and steer (default 16384)")
    ap.add_argument("--device", default="cpu", help="torch device for the models (default cpu)")
    ap.add_argument("--backend", default="auto", choices=("auto", "torch", "onnx"),
                    help="Colorizer backend (default auto, as shipped)")
    ap.add_argument("--noise", default=None, choices=("random", "const", "none"),
                    help="noise mode (default: the pipeline's, seeded by --seed)")
    ap.add_argument("--seed", type=int, default=0, help="noise seed of every call (default 0)")
    ap.add_argument("--raw", action="store_true",
                    help="also score each model with flat colours and the line overlay off, as '<model> (raw)'")
    ap.add_argument("--keep-lines", action="store_true",
                    help="also score each model without flat colours but with the sketch's lines, as "
                         "'<model> + lines'")
    ap.add_argument("--flat", action="store_true",
                    help="also score each model with flat colours but no line overlay, as '<model> + flat'")
    ap.add_argument("--no-shading", action="store_true",
                    help="also score each model with flat colours but no cel shading, as '<model> (no cel shading)'")
    ap.add_argument("--grid-size", type=int, default=CELL,
                    help=f"pixels per grid cell (default {CELL}; e.g. 512 to look at full-size outputs)")
    ap.add_argument("--no-progress", action="store_true")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(max(1, args.threads))
    models: dict[str, Colorizer] = {}
    if args.random_weights:
        models[f"random {args.random_weights}"] = Colorizer.from_random(preset(args.random_weights),
                                                                        device=args.device, backend=args.backend)
    else:
        models[_model_name(args.weights, set())] = Colorizer.from_pretrained(args.weights, device=args.device,
                                                                             use_hub=False, backend=args.backend)
    for d in args.compare:
        models[_model_name(d, set(models))] = Colorizer.from_pretrained(d, device=args.device, use_hub=False,
                                                                        backend=args.backend)
    out = args.out or str(Path("eval") / next(iter(models)).replace(" ", "-"))
    if args.checkset:
        summary = evaluate_checkset(models, args.checkset, out, size=args.size, limit=args.limit or None,
                                    subsets=[s for s in args.subsets.split(",") if s], edits=args.edits,
                                    progress=not args.no_progress, cell=args.grid_size, net_size=args.net_size,
                                    noise=args.noise, seed=args.seed, raw=args.raw, no_shading=args.no_shading)
        print(markdown_checkset(summary))
        print(f"wrote {out}/results.md, results.json, grid_<subset>.png")
        return 0
    summary = evaluate(models, args.data, out, size=args.size, limit=args.limit or None,
                       batch_size=args.batch_size, max_pixels=args.max_pixels, progress=not args.no_progress,
                       keep_lines=args.keep_lines, flat=args.flat, cell=args.grid_size,
                       net_size=args.net_size, raw=args.raw, noise=args.noise, seed=args.seed,
                       no_shading=args.no_shading)
    print(markdown(summary))
    print(f"wrote {out}/results.md, results.json, grid.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
