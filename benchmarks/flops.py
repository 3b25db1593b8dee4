"""Floating-point operations of one generator forward pass (the live preview's cost budget).

    python -m benchmarks.flops [--weights colorizer/pretrained | --preset default] [--size 256]
                               [--overrides '{"num_roles": 11}'] [--budget 7.8]

Counts with ``torch.utils.flop_counter.FlopCounterMode``: 2 operations per multiply-add of every
convolution and matrix product (attention included), batch 1, sketch + palette + hint planes;
element-wise work (normalisation, activations, noise) is not counted. Prints the total in GFLOP and
the five largest modules, and exits 1 when ``--budget`` (GFLOP) is exceeded.
"""

from __future__ import annotations

import argparse
import json
import sys

import torch
from torch.utils.flop_counter import FlopCounterMode

from colorizer.config import GeneratorConfig, preset
from colorizer.generator import Generator

# The live preview's budget: a 256 px forward pass of the shipped generator (preset "default", 7.801
# GFLOP) must not cost more; a larger role head has to be paid for elsewhere.
BUDGET_GFLOP = 7.802


def forward_flops(g: Generator, size: int = 256) -> tuple[int, dict[str, int]]:
    """(total operations, operations per top-level module) of one ``size`` x ``size`` forward pass."""
    cfg = g.cfg
    sketch = torch.zeros(1, cfg.sketch_channels, size, size)
    palette = torch.zeros(1, 3 * cfg.palette_size)
    hints = torch.zeros(1, cfg.palette_size, size, size) if cfg.hints else None
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        g.eval()(sketch, palette, hints, noise_mode="const")
    per_module: dict[str, int] = {}
    for k, v in counter.get_flop_counts().items():  # "Generator.downs.0": the root's children, summed
        parts = k.split(".")
        if len(parts) == 3 or (len(parts) == 2 and not any(o.startswith(k + ".") for o in counter.get_flop_counts())):
            name = parts[1]
            per_module[name] = per_module.get(name, 0) + sum(v.values())
    return counter.get_total_flops(), per_module


def generator_of(weights: str | None, name: str, overrides: dict) -> Generator:
    if weights:
        from colorizer.weights import load_generator

        return load_generator(weights).float()
    return Generator(preset(name, **overrides))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.flops", description=__doc__.split("\n")[0])
    p.add_argument("--weights", help="a weights folder (default: the --preset's random weights)")
    p.add_argument("--preset", default="default", help="colorizer.config preset")
    p.add_argument("--overrides", default="{}", help="GeneratorConfig field overrides as JSON")
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--budget", type=float, default=BUDGET_GFLOP, help="GFLOP; exit 1 above it (0: no check)")
    a = p.parse_args(argv)
    g = generator_of(a.weights, a.preset, json.loads(a.overrides))
    total, per_module = forward_flops(g, a.size)
    cfg: GeneratorConfig = g.cfg
    print(f"{a.weights or a.preset} ({cfg.base_channels} base channels, {cfg.num_levels} levels, "
          f"{cfg.num_roles} roles, hints {cfg.hints}) at {a.size} px: {total / 1e9:.3f} GFLOP")
    for name, n in sorted(per_module.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {name:24s} {n / 1e9:.3f}")
    if a.budget and total / 1e9 > a.budget:
        print(f"over the budget of {a.budget} GFLOP", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
