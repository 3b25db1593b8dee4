"""Precompute the self-reference palette (K-means of the target) of every train/val pair.

    python scripts/cache_palettes.py [--data data] [--out .pack/palettes]

The trainer reads them through ``palette_cache`` instead of running K-means in
every data-loader worker (on a 16-core GPU machine that would cost minutes).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tqdm import tqdm  # noqa: E402

from train.dataset import PaletteCache, discover  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default="data")
    ap.add_argument("--out", default=".pack/palettes")
    a = ap.parse_args()
    cache = PaletteCache(a.out)
    for split in ("train", "val"):
        for pair in tqdm(discover(Path(a.data) / split), desc=split, mininterval=10):
            _, color = pair.load()
            cache.get(pair.id, color.convert("RGB"))


if __name__ == "__main__":
    main()
