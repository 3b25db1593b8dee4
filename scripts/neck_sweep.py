"""The region oracle against the neck width: how wide a corridor between two region cores is cut.

    python scripts/neck_sweep.py [--checkset data/checkset] [--size 512] [--limit 30]
                                 [--necks 0 3 5 8 12 16] [--out FILE.md]

For every neck width (pixels at ``--size``; 0 = line-enclosed regions only, no cut) and every
picture of the first ``--limit`` pictures of each check-set subset (0 = all), the sketch's regions
are found as the pipeline finds them (``train.slot_metrics.sketch_regions``, the default seal) and
three figures are reported per subset:

* ``oracle``: slot accuracy of the region oracle (every region painted its ground truth's
  majority K-means colour, lines on top, as ``train.evaluate`` scores it);
* ``own slot``: the share of figure pixels whose region's majority slot (from the labels) is their
  own slot - how well the regions separate the parts;
* ``regions``: mean number of regions per picture.

The pipeline's width is ``colorizer.regions.flat_neck`` (1 px per 64 px of the longer side).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from colorizer.processing import overlay_lines  # noqa: E402
from colorizer.regions import flat_neck  # noqa: E402
from colorizer.roles import NUM_SLOTS, labels_to_slots  # noqa: E402
from train import slot_metrics as SM  # noqa: E402
from train.evaluate import CHECK_SUBSETS, LINE_THRESHOLD, _check_ids, load_check_picture, region_slots  # noqa: E402


def own_slot_share(regions: np.ndarray, major: np.ndarray, slots: np.ndarray, figure: np.ndarray) -> float:
    """Share of labelled ``figure`` pixels inside a region whose region's majority slot
    (``major``, from ``train.evaluate.region_slots``) is their own."""
    sel = figure & (regions > 0) & (slots < NUM_SLOTS)
    if not sel.any():
        return float("nan")
    return float(np.mean(major[regions[sel]] == slots[sel]))


def sweep_picture(pic, necks) -> list[tuple[float, float, int]]:
    """(oracle, own slot, regions) of one ``train.evaluate.CheckPicture`` for each neck width."""
    sk = np.asarray(pic.sketch)
    slots = labels_to_slots(pic.labels)
    rows = []
    for neck in necks:
        oracle = SM.region_oracle(pic.gt, sk, pic.kmeans.colors, LINE_THRESHOLD, neck=neck)
        oracle = np.asarray(overlay_lines(Image.fromarray(oracle), pic.sketch))
        regions, major = region_slots(pic.sketch, slots, neck=neck)
        rows.append((SM.slot_accuracy(oracle, pic.gt, pic.kmeans.colors, pic.figure),
                     own_slot_share(regions, major, slots, pic.figure), int(regions.max())))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkset", default=str(ROOT / "data/checkset"))
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--limit", type=int, default=30, help="pictures per subset (0 = all)")
    ap.add_argument("--necks", type=int, nargs="+", default=[0, 3, 5, 8, 12, 16])
    ap.add_argument("--out", default=None, help="also write the table to this markdown file")
    a = ap.parse_args(argv)
    if any(n < 0 for n in a.necks):
        print("neck widths must be >= 0", file=sys.stderr)
        return 2
    root = Path(a.checkset)
    t0 = time.perf_counter()
    lines = [f"# Region oracle against the neck width (`{root}`, {a.size} px)", "",
             f"`python scripts/neck_sweep.py --checkset {root} --size {a.size} --limit {a.limit} "
             f"--necks {' '.join(map(str, a.necks))}`; the pipeline's width at {a.size} px is "
             f"{flat_neck(a.size, a.size)} px (0 = line-enclosed regions, no cut).", ""]
    found = 0
    for subset in CHECK_SUBSETS:
        ids = _check_ids(root, subset)
        if a.limit:
            ids = ids[:a.limit]
        if not ids:
            continue
        found += len(ids)
        per = np.array([sweep_picture(load_check_picture(root, subset, pid, a.size, i, 0), a.necks)
                        for i, pid in enumerate(ids)], dtype=np.float64)   # (pictures, necks, 3)
        mean = np.nanmean(per, axis=0)
        lines += [f"## {subset} ({len(ids)} pictures)", "", "| neck (px) | oracle | own slot | regions |",
                  "|---:|---:|---:|---:|"]
        lines += [f"| {n} | {o:.3f} | {s:.3f} | {r:.1f} |" for n, (o, s, r) in zip(a.necks, mean)]
        lines.append("")
    if not found:
        print(f"{root}: no check-set pictures (build one with `python -m train.data checkset --out DIR`)",
              file=sys.stderr)
        return 2
    lines.append(f"Runtime {time.perf_counter() - t0:.0f} s.")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        Path(a.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
