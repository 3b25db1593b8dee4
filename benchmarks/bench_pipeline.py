"""End-to-end pipeline latency on real weights: PyTorch vs ONNX Runtime, and bf16 accuracy.

    python -m benchmarks.bench_pipeline [--weights colorizer/pretrained] [--sketch PATH] [--threads 2] [--repeats 5]
                                        [--ab N]

Times ``Colorizer(...)(sketch, palette=..., size=S)`` (image in, image out) on a
512 px sketch for each backend: the live preview (network at 256 px, flat
colours, result at 256 px; in float32, and in int8 as the app runs it - the torch
backend has no int8 graph, so there it is float32 again), the raw network at 256 and 512 px, and flat colours
at 512 px. Reports the max difference between the backends' raw images (0-255)
and the max/mean |bf16 - fp32| of the network output on the same input
(outputs in [-1, 1]).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from colorizer import Colorizer
from colorizer.palette import Palette, palette_vector
from colorizer.processing import to_tensor

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default=str(ROOT / "colorizer" / "pretrained"))
    ap.add_argument("--sketch", default=str(ROOT / "examples/sketches/girl.png"))
    ap.add_argument("--palette", default="#ffffff,#f6d7c3,#3b3a4f,#c8553d,#5b7db1,#f2c14e,#8fb996,#e8a0b4,#2b2b2b")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--ab", type=int, default=0, metavar="N",
                    help="only the live preview on ONNX Runtime, float32 and int8 interleaved N times each "
                         "(the machine's speed drifts between sequential cases)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sketch = Image.open(a.sketch).convert("L").resize((512, 512))
    pal = Palette.from_hex(a.palette)
    if a.ab:
        preview_ab(a.weights, sketch, pal, a.ab, a.threads)
        return
    images = {}
    # (label, network size, keyword arguments): the app's live preview (flat, result capped at
    # 256 px), the raw network at 256 and 512, and the full result with flat colours.
    cases = [("preview 256 (flat)", 256, dict(flat=True, output_size=256)),
             ("preview 256 (flat, int8 as the app)", 256, dict(flat=True, output_size=256, precision="int8")),
             ("256 raw", 256, dict(flat=False, keep_lines=False)),
             ("512 raw", 512, dict(flat=False, keep_lines=False)),
             ("512 flat", 512, dict(flat=True)),
             ("net 256, flat at 512", 256, dict(flat=True))]
    print(f"sketch {sketch.size[0]}x{sketch.size[1]} px, {a.threads} threads\n")
    print("| backend | case | median latency (s) |\n|---|---|---|")
    for backend in ("torch", "onnx"):
        c = Colorizer.from_pretrained(a.weights, backend=backend)
        for label, size, kw in cases:
            c(sketch, palette=pal, size=size, seed=0, **kw)  # warm-up (and the ONNX export)
            ts = []
            for _ in range(a.repeats):
                # Flat semantic colouring keeps the network's output per sketch (swatch edits reuse
                # it): empty that cache so every call times a new sketch, as a stroke gives.
                c.clear_caches()
                t0 = time.perf_counter()
                r = c(sketch, palette=pal, size=size, seed=0, **kw)
                ts.append(time.perf_counter() - t0)
            if kw.get("flat", True):
                t0 = time.perf_counter()
                c(sketch, palette=pal.replace(2, "#3a7bd5"), size=size, seed=0, **kw)
                print(f"| {c.active_backend} | {label}, swatch edit (cached network output) | "
                      f"{time.perf_counter() - t0:.3f} |")
            if label in ("256 raw", "512 raw"):
                images[backend, size] = np.asarray(r.image).astype(int)
            print(f"| {c.active_backend} | {label} | {statistics.median(ts):.3f} |")
    for size in (256, 512):
        d = np.abs(images["torch", size] - images["onnx", size]).max()
        print(f"max |torch - onnx| at {size} px: {d} / 255")
    c = Colorizer.from_pretrained(a.weights, backend="torch")
    sk, pv = to_tensor(sketch.convert("RGB"))[None], palette_vector(pal)[None]
    with torch.inference_mode():
        y32 = c.model(sk, pv, noise_mode="const").rgb
        with torch.autocast("cpu", dtype=torch.bfloat16):
            yb = c.model(sk.contiguous(memory_format=torch.channels_last), pv, noise_mode="const").rgb.float()
    diff = (yb - y32).abs()
    print(f"bf16 vs fp32 on these weights at 512 px: max {float(diff.max()):.4f}, mean {float(diff.mean()):.5f}")


def preview_ab(weights: str, sketch: Image.Image, pal: Palette, n: int, threads: int) -> None:
    """The app's live preview (network and flat colours at 256 px, a new sketch each call) in
    float32 and in int8, alternating, ``n`` times each: median and fastest, and their ratio."""
    c = Colorizer.from_pretrained(weights, backend="onnx")
    kw = dict(palette=pal, size=256, flat=True, output_size=256, seed=0)
    for p in ("fp32", "int8"):
        t0 = time.perf_counter()
        c(sketch, precision=p, **kw)   # the exports and the int8 graph are built here (or read from the cache)
        print(f"first {p} call (export / quantization unless cached): {time.perf_counter() - t0:.1f} s")
    times: dict[str, list[float]] = {"fp32": [], "int8": []}
    for _ in range(n):
        for p in times:
            c.clear_caches()
            t0 = time.perf_counter()
            c(sketch, precision=p, **kw)
            times[p].append(time.perf_counter() - t0)
    print(f"live preview, {c.active_backend}, {threads} threads, {n} alternating calls each\n")
    print("| precision | median (s) | fastest (s) |\n|---|---|---|")
    for p, ts in times.items():
        print(f"| {p} | {statistics.median(ts):.3f} | {min(ts):.3f} |")
    print(f"\nint8 / fp32 (medians): {statistics.median(times['int8']) / statistics.median(times['fp32']):.2f}")


if __name__ == "__main__":
    main()
