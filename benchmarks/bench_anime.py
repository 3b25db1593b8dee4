"""Speed of the procedural anime source: ``generate`` in one process, and the corpus build.

    python -m benchmarks.bench_anime [--n 200] [--size 256] [--workers 2] [--skip-build] [--v2 40]

Rows:

* ``generate``: ``train.data.anime.generate(seed, size)`` for seeds 0..n-1 in this
  process (wall-clock samples/s, and CPU ms per sample), with the per-stage CPU
  split (drawing the scene, the three resvg renders, compositing) on a subset;
* ``generate_v2``: generator v2, ``train.data.anime.v2.generate_v2(seed, 0, 0, size)``
  for seeds 0..v2-1 (its own styles, drawn from the seeds), wall and CPU per sample;
* ``build``: ``python -m train.data build --sources anime --limit n --workers W``
  into a fresh temporary folder (samples/s over the render phase, which
  includes writing three PNGs per sample, and over the whole command), and the
  CPU time of the build and its workers per sample, which gives the rate W free
  cores would reach (the figure that does not depend on other users' load).

The machine is shared, so the 1-minute load average (``uptime``) is printed
before and after each row: compare figures taken at similar loads.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from train.data.anime import generate, make_pose, make_spec, rasterize
from train.data.anime.draw import draw_character
from train.data.anime.scene import svgs

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def bench_generate(n: int, size: int) -> None:
    print(f"[generate] {_load()}", flush=True)
    generate(0, size=size)  # warm-up (imports, caches)
    w0, c0 = time.perf_counter(), time.process_time()
    for seed in range(n):
        generate(seed, size=size)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"| generate | 1 process | {n} | {size} | {n / wall:.1f} samples/s | {1000 * cpu / n:.1f} ms CPU/sample | {_load()} |")
    stages = dict.fromkeys(("draw", "svg text", "render colour", "render ink", "render labels"), 0.0)
    m = min(n, 40)
    for seed in range(m):
        t0 = time.process_time()
        spec, pose = make_spec(seed), make_pose(seed)
        scene = draw_character(spec, pose)
        t1 = time.process_time()
        col, ink, lab = svgs(scene, spec.parts["background"].base)
        t2 = time.process_time()
        rasterize(col, size)
        t3 = time.process_time()
        rasterize(ink, size)
        t4 = time.process_time()
        rasterize(lab, size, crisp=True)
        t5 = time.process_time()
        for k, v in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            stages[k] += v
    print("  CPU ms per sample by stage: " + ", ".join(f"{k} {1000 * v / m:.1f}" for k, v in stages.items()))


def bench_generate_v2(n: int, size: int) -> None:
    from train.data.anime.v2 import generate_v2

    print(f"[generate_v2] {_load()}", flush=True)
    generate_v2(0, size=size)  # warm-up
    w0, c0 = time.perf_counter(), time.process_time()
    for seed in range(n):
        generate_v2(seed, 0, 0, size=size)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"| generate_v2 | 1 process | {n} | {size} | {n / wall:.1f} samples/s | {1000 * cpu / n:.1f} ms CPU/sample "
          f"| {_load()} |")


def bench_build(n: int, size: int, workers: int) -> None:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "anime"
        print(f"[build] {_load()}", flush=True)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "train.data", "build", "--out", str(out), "--sources", "anime",
                        "--limit", str(n), "--size", str(size), "--workers", str(workers)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        total = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # the build and its workers
        m = json.loads((out / "manifest.json").read_text())
        render = m["seconds"]["render"]
        n_done = m["total_pairs"]
        print(f"| build | {workers} workers | {n_done} | {size} | {n_done / render:.1f} samples/s "
              f"(render phase {render:.1f} s) | {n_done / total:.1f} samples/s whole command "
              f"({total:.1f} s); CPU {1000 * cpu / n_done:.1f} ms/sample over all processes = "
              f"{workers * n_done / cpu:.1f} samples/s on {workers} free cores | {_load()} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="samples per row")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--v2", type=int, default=40, help="generator v2 samples (0: skip the row)")
    a = ap.parse_args()
    if a.n < 1:
        ap.error("--n must be >= 1")
    print(f"cpus {os.cpu_count()}, {_load()}")
    print("| row | processes | samples | size | speed | detail | load (1, 5, 15 min) |")
    print("|---|---|---|---|---|---|---|")
    bench_generate(a.n, a.size)
    if a.v2 > 0:
        bench_generate_v2(a.v2, a.size)
    if not a.skip_build:
        bench_build(a.n, a.size, a.workers)


if __name__ == "__main__":
    main()
