"""Training-step throughput: fp32 vs bf16 (+ channels_last), default vs paper generator.

    python -m benchmarks.bench_train [--size 256] [--batch 2] [--steps 3] [--threads 1,2]
                                     [--presets default,paper] [--feature-net none] [--device cpu]

Times ``Pix2PixModel.optimize_parameters`` (D step + G step + EMA) on synthetic
batches, after warm-up steps, and prints a markdown table. Data loading is not
included (see the trainer's it/s for that).
"""

from __future__ import annotations

import argparse
import time

import torch

from train.config import TrainConfig
from train.model import Pix2PixModel


def bench(preset: str, bf16: bool, size: int, batch: int, steps: int, warmup: int, device: str,
          feature_net: str) -> float:
    cfg = TrainConfig().updated({
        "model.generator_preset": preset, "compute.bf16": bf16, "compute.channels_last": bf16,
        "data.crop_size": size, "schedule.batch_size": batch, "compute.device": device,
        "loss.feature.net": feature_net, "loss.feature.weight": 1e-4 if feature_net != "none" else 0.0})
    torch.manual_seed(0)
    model = Pix2PixModel(cfg, device)
    k = 3 * model.G.cfg.palette_size
    b = {"sketch": torch.rand(batch, 3, size, size) * 2 - 1, "target": torch.rand(batch, 3, size, size) * 2 - 1,
         "palette": torch.rand(batch, k) * 2 - 1}
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    for _ in range(warmup):
        model.optimize_parameters(b)
    sync()
    t = time.perf_counter()
    for _ in range(steps):
        model.optimize_parameters(b)
    sync()
    return steps / (time.perf_counter() - t)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", default="1,2", help="CPU threads to try (ignored on CUDA)")
    p.add_argument("--presets", default="default,paper")
    p.add_argument("--precisions", default="fp32,bf16")
    p.add_argument("--feature-net", default="none")
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    cuda = a.device.startswith("cuda")
    threads = [torch.get_num_threads()] if cuda else [int(t) for t in a.threads.split(",")]
    rows = []
    for preset in a.presets.split(","):
        for prec in a.precisions.split(","):
            for n in threads:
                torch.set_num_threads(n)
                sps = bench(preset, prec == "bf16", a.size, a.batch, a.steps, a.warmup, a.device, a.feature_net)
                label = "bf16 + channels_last" if prec == "bf16" else "fp32"
                rows.append(f"| {preset} | {label} | {'-' if cuda else n} | {sps:.3f} | {sps * a.batch:.2f} |")
                print(rows[-1], flush=True)
    dev = torch.cuda.get_device_name() if cuda else "CPU"
    print(f"\n{dev}, {a.size} px, batch {a.batch}, feature net {a.feature_net}, "
          f"{a.steps} timed steps after {a.warmup} warm-up\n")
    print("| generator | precision | threads | steps/s | images/s |\n|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
