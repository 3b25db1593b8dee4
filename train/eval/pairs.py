"""The test-split harness: sketch/colour pairs, PSNR, SSIM, palette adherence and steer.

    python -m train.eval pairs --weights colorizer/pretrained [--data data/test] [--size 256] [--limit 100]

For every image ``i`` (sketch ``S_i``, ground truth ``G_i``, both resized to the working size):

1. the *matched* palette ``P_i`` is the model's palette of ``G_i``, the *cross* palette
   ``P_{(i+1) mod N}`` the one of the next image;
2. steer test: the largest-share chromatic swatch of ``P_i`` is replaced by the saturated
   candidate colour farthest from it (``train.eval.metrics.far_color``);
3. ``S_i`` is coloured with each palette by every model and baseline (``train.eval.baselines``,
   on the K-means palette of ``G_i``);
4. PSNR and SSIM use every pixel; adherence (to the palette given) and steer a fixed random
   sample of at most ``max_pixels`` non-line pixels per image.

Writes ``results.md``, ``results.json`` and ``grid.png`` (sketch | palette | outputs | ground truth).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from colorizer import Colorizer, Palette
from colorizer.processing import load_image, target_size

from train.data.layouts import discover_pairs
from train.eval import metrics as M
from train.eval.baselines import LINE_THRESHOLD, line_pixels
from train.eval.methods import SIZE_MULTIPLE, build_methods, kmeans_palette, seed_kmeans, select
from train.eval.report import CELL, finite, make_grid, markdown_pairs, mean, options_line, swatches

__all__ = ["DEFAULT_LIMIT", "GRID_ROWS", "CONDITIONS", "Sample", "SteerPlan", "find_pairs",
           "load_sample", "steer_plan", "score", "evaluate_pairs"]

DEFAULT_LIMIT = 100
GRID_ROWS = 6
CONDITIONS = ("matched", "cross")


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
    region = M.steer_region(sample.target.reshape(-1, 3)[sample.idx], palette.colors, k)
    if not region.any():
        return None
    return SteerPlan(k, M.far_color(palette.colors[k]), region)


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


def evaluate_pairs(models: dict[str, Colorizer], data: str | Path, out: str | Path, size: int = 256,
                   limit: int | None = DEFAULT_LIMIT, batch_size: int = 16, max_pixels: int = 16384,
                   grid_rows: int = GRID_ROWS, progress: bool = True, keep_lines: bool = False,
                   flat: bool = False, cell: int = CELL, net_size: int | None = None, raw: bool = False,
                   noise: str | None = None, seed: int = 0, no_shading: bool = False) -> dict:
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
                   "psnr": mean(r[f"{cond}/psnr"] for r in results),
                   "ssim": mean(r[f"{cond}/ssim"] for r in results),
                   "adherence": mean(r[f"{cond}/adherence"] for r in results),
                   "adherence_gt": mean(ceil if cond == "matched" else ceil[1:] + ceil[:1])}
            if cond == "matched":
                row["steer"] = mean(r["steer"] for r in results)
                row["steer_control"] = mean(r["steer_control"] for r in results)
                row["net_steer"] = mean(r["steer"] - r["steer_control"] for r in results)
                row["n_steer"] = steers[method]
            rows.append(row)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runtime = time.perf_counter() - t0
    summary = {
        "config": {"data": str(data), "size": size, "net_size": net_size or size, "limit": limit,
                   "batch_size": batch_size, "max_pixels": max_pixels, "options": options_line(methods),
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
    (out / "results.json").write_text(json.dumps(finite(summary), indent=1) + "\n")
    (out / "results.md").write_text(markdown_pairs(summary))
    shown_models = [m.name for m in methods if m.name in shown_out]
    header = ["sketch", "palette"] + shown_models + ["ground truth"]
    grid_data = [[s.sketch, swatches(s.kmeans)] + [shown_out[m][s.id] for m in shown_models] + [s.target]
                 for s in grid_samples]
    make_grid(grid_data, header, cell=cell).save(out / "grid.png")
    return summary
