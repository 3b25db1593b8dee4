"""Generator latency on this CPU: presets x sizes x precision paths x threads, in one run.

    python benchmarks/bench_inference.py [--presets default,paper] [--sizes 256,512,1024]
                                         [--threads 1,2] [--repeats 3] [--out FILE.md]

Each cell is the median of ``--repeats`` timed forward passes after one warm-up,
batch 1, random weights (speed does not depend on the values), noise on.
"bf16+cl" is bf16 autocast with channels_last memory; its max |difference| from
fp32 on the same input is printed beside it (outputs are in [-1, 1]).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from colorizer.config import preset
from colorizer.generator import Generator, count_parameters


def _time(fn, repeats: int) -> tuple[float, torch.Tensor]:
    out = fn()  # warm-up (and the weight-standardisation cache)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def run(presets, sizes, threads, repeats, paths):
    rows = []
    for name in presets:
        torch.manual_seed(0)
        g = Generator(preset(name)).eval()
        g_cl = Generator(preset(name)).eval()
        g_cl.load_state_dict(g.state_dict())
        g_cl = g_cl.to(memory_format=torch.channels_last)
        for size in sizes:
            x = torch.rand(1, 30, size, size) * 2 - 1
            for nt in threads:
                torch.set_num_threads(nt)
                gen = lambda: torch.Generator().manual_seed(0)  # noqa: E731
                with torch.inference_mode():
                    t32, y32 = _time(lambda: g(x, "const"), repeats)
                    row = {"preset": name, "size": size, "threads": nt, "fp32_s": t32}
                    if "bf16" in paths:
                        xc = x.contiguous(memory_format=torch.channels_last)

                        def bf16():
                            with torch.autocast("cpu", dtype=torch.bfloat16):
                                return g_cl(xc, "const").float()
                        tb, yb = _time(bf16, repeats)
                        row.update(bf16_s=tb, bf16_maxdiff=float((yb - y32).abs().max()))
                rows.append(row)
                print(row, flush=True)
        del gen
    return rows


def to_markdown(rows, params) -> str:
    head = "| preset | params | size | threads | fp32 (s) | bf16+channels_last (s) | bf16 max abs diff |\n"
    head += "|---|---|---|---|---|---|---|\n"
    lines = []
    for r in rows:
        lines.append(f"| {r['preset']} | {params[r['preset']] / 1e6:.2f}M | {r['size']} | {r['threads']} | "
                     f"{r['fp32_s']:.3f} | {r.get('bf16_s', float('nan')):.3f} | "
                     f"{r.get('bf16_maxdiff', float('nan')):.3f} |")
    return head + "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", default="default,paper")
    ap.add_argument("--sizes", default="256,512,1024")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--paths", default="fp32,bf16")
    ap.add_argument("--out")
    a = ap.parse_args()
    presets = a.presets.split(",")
    rows = run(presets, [int(s) for s in a.sizes.split(",")], [int(t) for t in a.threads.split(",")],
               a.repeats, a.paths.split(","))
    params = {p: count_parameters(Generator(preset(p))) for p in presets}
    md = (f"Machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads max\n\n" + to_markdown(rows, params))
    # Speed-up of the default over paper, per size/threads, fp32.
    by = {(r["preset"], r["size"], r["threads"]): r["fp32_s"] for r in rows}
    if "default" in presets and "paper" in presets:
        md += "\n| size | threads | paper / default (fp32) |\n|---|---|---|\n"
        for (p, s, t), v in sorted(by.items()):
            if p == "default" and ("paper", s, t) in by:
                md += f"| {s} | {t} | {by[('paper', s, t)] / v:.1f}x |\n"
    print(md)
    if a.out:
        with open(a.out, "w") as f:
            f.write(md)


if __name__ == "__main__":
    main()
