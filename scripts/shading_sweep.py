"""Cel-shading threshold sweep on labelled val pairs (not the check set): slot accuracy per setting.

    python scripts/shading_sweep.py --weights weights [--data data/val] [--limit 40] [--drops 14 22 30]

Each anime val pair is coloured at 512 px (network at 256 px, seed 0) with its own slot palette
(``Colorizer.extract_palette`` of the colour picture), flat colours with cel shading off and with
``colorizer.render.SHADOW_DROP`` set to each value; slot accuracy as in ``train.slot_metrics``
(figure pixels, nearest K-means colour of the ground truth). Used to choose the shipped threshold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import colorizer.render as RD  # noqa: E402
from colorizer import Colorizer  # noqa: E402
from train import slot_metrics as SM  # noqa: E402
from train.evaluate import kmeans_palette  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default=str(ROOT / "colorizer" / "pretrained"))
    ap.add_argument("--data", default=str(ROOT / "data/val"))
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--drops", type=float, nargs="+", default=[14.0, 22.0, 30.0])
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    c = Colorizer.from_pretrained(a.weights)
    root = Path(a.data)
    ids = sorted(p.stem for p in (root / "color").glob("anime-*.png") if (root / "labels" / p.name).is_file())
    ids = ids[:a.limit]
    if not ids:
        raise SystemExit(f"no labelled anime pairs under {root}")
    shipped = RD.SHADOW_DROP
    scores: dict[str, list[float]] = {}
    for pid in ids:
        color = Image.open(root / "color" / f"{pid}.png").convert("RGB").resize((512, 512), Image.BICUBIC)
        sketch = Image.open(root / "sketch" / f"{pid}.png").convert("L").resize((512, 512), Image.BICUBIC)
        labels = np.asarray(Image.open(root / "labels" / f"{pid}.png").resize((512, 512), Image.NEAREST))
        figure = SM.figure_mask(labels)
        km = kmeans_palette(root / "color" / f"{pid}.png")
        pal = c.extract_palette(color)
        gt = np.asarray(color)
        settings = [("no cel shading", None)] + [(f"cel shading, drop {d:g}", d) for d in a.drops]
        for name, drop in settings:
            RD.SHADOW_DROP = shipped if drop is None else drop
            res = c(sketch, palette=pal, size=256, seed=0, cel_shading=drop is not None)
            scores.setdefault(name, []).append(
                SM.slot_accuracy(np.asarray(res.image.convert("RGB")), gt, km.colors, figure))
    RD.SHADOW_DROP = shipped
    print(f"{len(ids)} val pairs, `{a.weights}`, shipped SHADOW_DROP {shipped:g}\n")
    print("| setting | slot accuracy |\n|---|---:|")
    for name, v in scores.items():
        print(f"| {name} | {np.mean(v):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
