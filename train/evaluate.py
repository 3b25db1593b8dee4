"""Evaluate colorizer weights on held-out sketch/colour pairs, beside trivial baselines.

    python -m train.evaluate --weights weights/ [--data data/test] [--size 256] [--limit 100]
                             [--out eval/NAME] [--compare OTHER_WEIGHTS ...]
    python -m train.evaluate --random-weights tiny --limit 20     # untrained, for smoke tests

For every evaluated image ``i`` (sketch ``S_i``, ground truth ``G_i``) the harness

1. resizes both to the working size (longer side ``--size``, sides multiples of 16,
   as the pipeline does) and marks the line pixels, ``line_mask(S_i) > 0.5``;
2. takes the *matched* palette ``P_i = extract_palette(G_i)`` (9 colours, the app's
   own K-means extraction on the full-size ground truth) and the *cross* palette
   ``P_{(i+1) mod N}`` of the next image;
3. for the steer test replaces the largest-share chromatic swatch of ``P_i`` by the
   saturated candidate colour farthest from it (``train.metrics.far_color``);
4. colours ``S_i`` with each palette - every model through ``Colorizer.run`` in
   batches, noise ``"const"`` (deterministic; the matched and edited runs use the
   same batches, so the same noise), and the baselines of ``train.baselines``;
5. scores each output with ``train.metrics`` (see its docstring for definitions).

PSNR and SSIM use every pixel; adherence and steer are computed on one fixed
random sample of at most ``--max-pixels`` non-line pixels per image (the same
pixels for every method). Results are per-image means, written to ``results.md``,
``results.json`` and ``grid.png`` (rows: sketch | palette | output(s) | ground truth).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, Palette, extract_palette, preset
from colorizer.processing import load_image, target_size
from colorizer.processing import line_mask
from colorizer.regions import flat_fill, flat_seal

from train import metrics as M
from train.data.layouts import discover_pairs
from train.baselines import BASELINES, LINE_THRESHOLD, line_pixels

DEFAULT_LIMIT = 100
PSNR_CAP = 100.0  # identical images (PSNR = inf) count as 100 dB in the means
SIZE_MULTIPLE = 16
GRID_ROWS = 6
CELL = 128


# -- data --------------------------------------------------------------------------------

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
    """One evaluation image at working size, with everything the metrics need."""

    id: str
    sketch: np.ndarray          # (H, W, 3) uint8
    target: np.ndarray          # (H, W, 3) uint8 ground truth
    lines: np.ndarray           # (H, W) bool
    palette: Palette            # matched palette (from the ground truth)
    idx: np.ndarray = None      # flat indices of the sampled non-line pixels
    cross: Palette = None       # palette of the next image
    steer_index: int | None = None
    steer_new: np.ndarray | None = None
    region: np.ndarray | None = None   # bool over the sampled pixels
    ceiling: float = math.nan   # adherence of the ground truth to its own palette

    @property
    def edited(self) -> Palette:
        if self.steer_index is None:
            return self.palette
        return self.palette.replace(self.steer_index, tuple(int(v) for v in self.steer_new))


def load_sample(pid: str, load: Callable[[], tuple], size: int, palette_size: int,
                max_pixels: int, seed: int) -> Sample:
    """Load one pair at working size and precompute its palettes, pixel sample and steer edit."""
    sk, gt = load()
    if sk is None:
        raise SystemExit(f"pair {pid} has no sketch; evaluate a layout with sketches")
    sk, gt = load_image(sk).convert("L"), load_image(gt)
    palette = extract_palette(gt, palette_size, seed=0)
    tw, th = target_size(*sk.size, size, multiple=SIZE_MULTIPLE)
    sk_small = sk.resize((tw, th), Image.BILINEAR if tw < sk.size[0] else Image.BICUBIC).convert("RGB")
    gt_small = gt.resize((tw, th), Image.BICUBIC)
    sketch = np.asarray(sk_small, dtype=np.uint8).copy()
    target = np.asarray(gt_small, dtype=np.uint8).copy()
    lines = line_pixels(sketch, LINE_THRESHOLD)
    s = Sample(pid, sketch, target, lines, palette)
    s.idx = M.sample_indices(~lines, max_pixels, seed=seed)
    tgt_px = target.reshape(-1, 3)[s.idx]
    s.ceiling = M.palette_adherence(tgt_px, palette.colors)
    k = M.steer_swatch(palette.colors, palette.shares)
    if k is not None:
        region = M.nearest_swatch(tgt_px, palette.colors) == k
        if region.any():
            s.steer_index, s.steer_new, s.region = k, M.far_color(palette.colors[k]), region
    return s


# -- scoring -----------------------------------------------------------------------------

CONDITIONS = ("matched", "cross")


def score(sample: Sample, outputs: dict[str, np.ndarray]) -> dict[str, float]:
    """Per-image metrics from the outputs for the ``matched``, ``cross`` and ``edited`` palettes."""
    r: dict[str, float] = {}
    for cond in CONDITIONS:
        out = outputs[cond]
        pal = sample.palette if cond == "matched" else sample.cross
        r[f"{cond}/psnr"] = M.psnr(out, sample.target)
        r[f"{cond}/ssim"] = M.ssim(out, sample.target)
        r[f"{cond}/adherence"] = M.palette_adherence(out.reshape(-1, 3)[sample.idx], pal.colors)
    if sample.steer_index is not None:
        old = sample.palette.colors[sample.steer_index]
        px = sample.idx[sample.region]
        r["steer"] = M.steer_score(outputs["edited"].reshape(-1, 3)[px], None, old, sample.steer_new)
        r["steer_control"] = M.steer_score(outputs["matched"].reshape(-1, 3)[px], None, old, sample.steer_new)
    else:
        r["steer"] = r["steer_control"] = math.nan
    return r


def _mean(values) -> float:
    v = np.array([PSNR_CAP if x == math.inf else x for x in values], dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else math.nan


# -- running methods ---------------------------------------------------------------------

def _palette_vector(p: Palette) -> torch.Tensor:
    return torch.from_numpy(p.colors.astype(np.float32).reshape(-1) / 127.5 - 1.0)


def _to_uint8(y: torch.Tensor) -> np.ndarray:
    """(N, 3, H, W) in [-1, 1] -> (N, H, W, 3) uint8, rounded like ``to_image``."""
    return ((y.float().clamp(-1, 1) + 1.0) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()


def model_outputs(colorizer: Colorizer, batch: list[Sample], net_size: int | None = None
                  ) -> list[dict[str, np.ndarray]]:
    """Matched, cross and edited outputs for a batch of same-sized samples (noise "const").
    With ``net_size`` the network runs at that longer side and its output is scaled
    back to the samples' size (as the pipeline does for a sketch bigger than ``size``)."""
    import torch.nn.functional as F

    x = torch.stack([torch.from_numpy(s.sketch).permute(2, 0, 1).float() / 127.5 - 1.0 for s in batch])
    h, w = x.shape[-2:]
    nw, nh = target_size(w, h, net_size, multiple=SIZE_MULTIPLE) if net_size else (w, h)
    if (nh, nw) != (h, w):
        x = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=False, antialias=nh < h)
    outs = {}
    for cond, get in (("matched", lambda s: s.palette), ("cross", lambda s: s.cross),
                      ("edited", lambda s: s.edited)):
        pv = torch.stack([_palette_vector(get(s)) for s in batch])
        y = colorizer.run(x, pv, noise="const")
        if (nh, nw) != (h, w):
            y = F.interpolate(y.float(), size=(h, w), mode="bicubic", align_corners=False).clamp(-1, 1)
        outs[cond] = _to_uint8(y)
    return [{c: outs[c][i] for c in outs} for i in range(len(batch))]


def with_lines(color: np.ndarray, sketch: np.ndarray) -> np.ndarray:
    """The pipeline's ``keep_lines``: the sketch's lines multiplied over the colours."""
    ink = np.asarray(sketch, dtype=np.float32).mean(axis=2, keepdims=True) / 255.0
    return np.clip(color.astype(np.float32) * ink + 0.5, 0, 255).astype(np.uint8)


def with_flat(color: np.ndarray, sketch: np.ndarray) -> np.ndarray:
    """The pipeline's ``flat``: one colour per line-enclosed region."""
    return flat_fill(color, line_mask(Image.fromarray(sketch)), seal=flat_seal(*sketch.shape[:2]))[0]


def baseline_outputs(fn, s: Sample) -> dict[str, np.ndarray]:
    return {"matched": fn(s.sketch, s.palette.colors, s.palette.shares),
            "cross": fn(s.sketch, s.cross.colors, s.cross.shares),
            "edited": fn(s.sketch, s.edited.colors, s.edited.shares)}


def batches(samples: list[Sample], batch_size: int):
    """Consecutive batches of samples that share a working size."""
    by_shape: dict[tuple, list[Sample]] = {}
    for s in samples:
        by_shape.setdefault(s.sketch.shape, []).append(s)
    for group in by_shape.values():
        for i in range(0, len(group), batch_size):
            yield group[i:i + batch_size]


# -- outputs -----------------------------------------------------------------------------

def swatches(palette: Palette, size: int = CELL) -> np.ndarray:
    """A (size, size, 3) tile showing the palette as a grid of squares, largest share first."""
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


def markdown(summary: dict) -> str:
    cfg = summary["config"]
    lines = [
        "# Colorizer evaluation",
        "",
        f"- data: `{cfg['data']}` - {summary['n_images']} images"
        + (f" (evenly spaced subset of {summary['n_available']})" if summary["n_images"] < summary["n_available"] else ""),
        f"- working size: {cfg['size']} px (longer side; models ran at {cfg.get('net_size', cfg['size'])} px), "
        f"noise `const`, batch {cfg['batch_size']}",
        f"- steer test: {summary['n_steer']} images with a chromatic swatch "
        f"(chroma >= {M.MIN_CHROMA:g}); adherence: CIEDE2000 <= {M.ADHERENCE_DE:g}, "
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
              "the image's own ground truth). GT ceiling: the palette's source image's own adherence.", ""]
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------

def evaluate(models: dict[str, Colorizer], data: str | Path, out: str | Path, size: int = 256,
             limit: int | None = DEFAULT_LIMIT, batch_size: int = 16, max_pixels: int = 16384,
             grid_rows: int = GRID_ROWS, progress: bool = True, keep_lines: bool = False, flat: bool = False,
             cell: int = CELL, net_size: int | None = None) -> dict:
    """Run every model and baseline on ``data``; write results.md/json and grid.png to ``out``."""
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
    for i, s in enumerate(samples):
        s.cross = samples[(i + 1) % n].palette
    ceilings = [s.ceiling for s in samples]
    cross_ceilings = [samples[(i + 1) % n].ceiling for i in range(n)]

    grid_samples = select(samples, grid_rows)  # evenly spaced over the evaluated images
    shown = {s.id for s in grid_samples}
    per_method: dict[str, list[dict]] = {}
    shown_out: dict[str, dict[str, np.ndarray]] = {}
    model_time = 0.0
    for name, model in models.items():
        per_method[name] = [None] * n
        if keep_lines:
            per_method[f"{name} + lines"] = [None] * n
        if flat:
            per_method[f"{name} + flat"] = [None] * n
        pos = {s.id: i for i, s in enumerate(samples)}
        bar = tqdm(total=n, desc=name, disable=not progress)
        for batch in batches(samples, batch_size):
            t = time.perf_counter()
            outs = model_outputs(model, batch, net_size)
            model_time += time.perf_counter() - t
            for s, o in zip(batch, outs):
                per_method[name][pos[s.id]] = score(s, o)
                if keep_lines:
                    per_method[f"{name} + lines"][pos[s.id]] = score(
                        s, {c: with_lines(img, s.sketch) for c, img in o.items()})
                if flat:
                    of = {c: with_flat(img, s.sketch) for c, img in o.items()}
                    per_method[f"{name} + flat"][pos[s.id]] = score(s, of)
                    if s.id in shown:
                        shown_out.setdefault(f"{name} + flat", {})[s.id] = of["matched"]
                if s.id in shown:
                    shown_out.setdefault(name, {})[s.id] = o["matched"]
            bar.update(len(batch))
        bar.close()
    for name, fn in BASELINES.items():
        label = f"baseline: {name}"
        per_method[label] = [score(s, baseline_outputs(fn, s))
                             for s in tqdm(samples, desc=label, disable=not progress)]

    rows = []
    for method, results in per_method.items():
        for cond in CONDITIONS:
            row = {"method": method, "palette": cond,
                   "psnr": _mean(r[f"{cond}/psnr"] for r in results),
                   "ssim": _mean(r[f"{cond}/ssim"] for r in results),
                   "adherence": _mean(r[f"{cond}/adherence"] for r in results),
                   "adherence_gt": _mean(ceilings if cond == "matched" else cross_ceilings)}
            if cond == "matched":
                row["steer"] = _mean(r["steer"] for r in results)
                row["steer_control"] = _mean(r["steer_control"] for r in results)
                row["net_steer"] = _mean(r["steer"] - r["steer_control"] for r in results)
            rows.append(row)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runtime = time.perf_counter() - t0
    summary = {
        "config": {"data": str(data), "size": size, "net_size": net_size or size, "limit": limit, "batch_size": batch_size,
                   "max_pixels": max_pixels, "noise": "const", "adherence_delta_e": M.ADHERENCE_DE,
                   "min_chroma": M.MIN_CHROMA, "line_threshold": LINE_THRESHOLD,
                   "models": {k: m.weights_id for k, m in models.items()}},
        "n_available": len(pairs), "n_images": n,
        "n_steer": sum(s.steer_index is not None for s in samples),
        "runtime_s": runtime, "model_time_s": model_time,
        "rows": rows,
        "per_image": {"ids": [s.id for s in samples], "adherence_gt": ceilings,
                      **{m: [{k: (None if not math.isfinite(v) else v) for k, v in r.items()} for r in res]
                         for m, res in per_method.items()}},
    }
    (out / "results.json").write_text(json.dumps(_finite(summary), indent=1) + "\n")
    (out / "results.md").write_text(markdown(summary))
    shown_models = [m for m in per_method if m in shown_out]
    header = ["sketch", "palette"] + shown_models + ["ground truth"]
    grid_data = [[s.sketch, swatches(s.palette)] + [shown_out[m][s.id] for m in shown_models] + [s.target]
                 for s in grid_samples]
    make_grid(grid_data, header, cell=cell).save(out / "grid.png")
    return summary


def _finite(obj):
    """JSON-safe copy: non-finite floats become None."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
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
    ap.add_argument("--size", type=int, default=256, help="longer side the network runs at (default 256)")
    ap.add_argument("--net-size", type=int, default=None,
                    help="longer side the models run at, when smaller than --size: their output is "
                         "scaled up to --size before scoring (default: --size)")
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                    help=f"evaluate at most N images, evenly spaced (default {DEFAULT_LIMIT}; 0 = all)")
    ap.add_argument("--out", default=None, help="output folder (default eval/<weights name>)")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    ap.add_argument("--max-pixels", type=int, default=16384,
                    help="non-line pixels sampled per image for adherence and steer (default 16384)")
    ap.add_argument("--device", default="cpu", help="torch device for the models (default cpu)")
    ap.add_argument("--keep-lines", action="store_true",
                    help="also score each model with the sketch's lines laid over its colours "
                         "(the pipeline's keep_lines), as rows '<model> + lines'")
    ap.add_argument("--flat", action="store_true",
                    help="also score each model with flat fill (the pipeline's flat=True: one colour per "
                         "line-enclosed region), as rows '<model> + flat'")
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
                                                                        device=args.device)
    else:
        models[_model_name(args.weights, set())] = Colorizer.from_pretrained(args.weights, device=args.device,
                                                                             use_hub=False)
    for d in args.compare:
        models[_model_name(d, set(models))] = Colorizer.from_pretrained(d, device=args.device, use_hub=False)
    out = args.out or str(Path("eval") / next(iter(models)).replace(" ", "-"))
    summary = evaluate(models, args.data, out, size=args.size, limit=args.limit or None,
                       batch_size=args.batch_size, max_pixels=args.max_pixels, progress=not args.no_progress,
                       keep_lines=args.keep_lines, flat=args.flat, cell=args.grid_size,
                       net_size=args.net_size)
    print(markdown(summary))
    print(f"wrote {out}/results.md, results.json, grid.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
