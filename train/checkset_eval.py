"""Score colorizer weights on the anime check set (``python -m train.data checkset``).

``python -m train.checkset_eval --checkset DIR [--weights W] [--size 256] [--json out.json] [--save DIR2]``

Every picture is coloured from its own sketch with the picture itself as the
reference (``Colorizer(sketch, reference=color, flat=True)``), so the palette is the
K-means palette the pipeline extracts from the reference. Reported per subset
(mean over pictures):

* ``slot``: :func:`train.slot_metrics.slot_accuracy` of the colour layer against
  the picture, with that palette, over the figure (:func:`figure_mask` of the labels);
* ``oracle``: the same score for :func:`train.slot_metrics.region_oracle` - each
  line-enclosed region of the sketch given its true majority palette colour: the
  ceiling of a flat colourer on this line art;
* ``cross`` (generator subset, where ``reference/`` holds the same character in
  another pose): colour with the other picture as the reference and score
  :func:`train.slot_metrics.cross_role_accuracy` against that reference's role colours.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from train.slot_metrics import cross_role_accuracy, figure_mask, region_oracle, role_colors, slot_accuracy

__all__ = ["evaluate_checkset", "main"]


def _pictures(root: Path, subset: str) -> list[str]:
    folder = root / subset / "color"
    return sorted(p.stem for p in folder.glob("*.png")) if folder.is_dir() else []


def evaluate_checkset(root: str | Path, colorizer, subsets=("ardentryst", "generator"), size: int = 256,
                      limit: int | None = None, save: str | Path | None = None, cross: bool = True) -> dict:
    """Per-picture and per-subset scores of ``colorizer`` (a :class:`colorizer.Colorizer`)."""
    root = Path(root)
    if not (root / "CHECKSET").is_file():
        raise FileNotFoundError(f"{root} is not a check set (no CHECKSET marker); build one with "
                                "`python -m train.data checkset --out DIR`")
    rows, summary = [], {}
    for subset in subsets:
        ids = _pictures(root, subset)[: limit or None]
        for pid in ids:
            color = Image.open(root / subset / "color" / f"{pid}.png").convert("RGB")
            sketch = Image.open(root / subset / "sketch" / f"{pid}.png").convert("L")
            labels = np.asarray(Image.open(root / subset / "labels" / f"{pid}.png"))
            gt = np.asarray(color)
            mask = figure_mask(labels)
            t = time.perf_counter()
            res = colorizer(sketch, reference=color, flat=True, size=size)
            secs = time.perf_counter() - t
            out = np.asarray(res.color.convert("RGB"))
            pal = res.palette.colors
            ora = region_oracle(gt, np.asarray(sketch), palette_rgb=pal)
            row = {"subset": subset, "id": pid, "figure_pixels": int(mask.sum()),
                   "slot": slot_accuracy(out, gt, pal, mask), "oracle": slot_accuracy(ora, gt, pal, mask),
                   "seconds": round(secs, 3)}
            ref_path = root / subset / "reference" / f"{pid}.png"
            ref_lab_path = root / subset / "reference_labels" / f"{pid}.png"
            if cross and ref_path.is_file() and ref_lab_path.is_file():
                ref = Image.open(ref_path).convert("RGB")
                colours = role_colors(np.asarray(ref), np.asarray(Image.open(ref_lab_path)), min_pixels=50)
                if colours:
                    res_x = colorizer(sketch, reference=ref, flat=True, size=size)
                    _, row["cross"] = cross_role_accuracy(np.asarray(res_x.color.convert("RGB")), labels, colours)
            rows.append(row)
            if save:
                d = Path(save) / subset
                d.mkdir(parents=True, exist_ok=True)
                strip = Image.new("RGB", (color.width * 4, color.height), "white")
                for k, im in enumerate((color, sketch.convert("RGB"), res.color.convert("RGB"),
                                        Image.fromarray(ora))):
                    strip.paste(im.resize(color.size), (k * color.width, 0))
                strip.save(d / f"{pid}.png")
        scored = [r for r in rows if r["subset"] == subset and not np.isnan(r["slot"])]
        if scored:
            summary[subset] = {"pictures": len(scored),
                               "slot": float(np.mean([r["slot"] for r in scored])),
                               "oracle": float(np.mean([r["oracle"] for r in scored]))}
            cr = [r["cross"] for r in scored if "cross" in r and not np.isnan(r["cross"])]
            if cr:
                summary[subset]["cross"] = float(np.mean(cr))
    return {"summary": summary, "pictures": rows, "size": size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m train.checkset_eval", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkset", required=True, help="check-set folder")
    ap.add_argument("--weights", default=None, help="weights folder (default: the shipped weights)")
    ap.add_argument("--size", type=int, default=256, help="network size (default 256)")
    ap.add_argument("--subsets", default="ardentryst,generator")
    ap.add_argument("--limit", type=int, default=None, help="at most N pictures per subset")
    ap.add_argument("--no-cross", action="store_true", help="skip the cross-reference runs")
    ap.add_argument("--json", default=None, help="write the scores here")
    ap.add_argument("--save", default=None, help="write picture | sketch | output | oracle strips here")
    args = ap.parse_args(argv)
    from colorizer import Colorizer

    try:
        c = Colorizer.from_pretrained(args.weights)
        result = evaluate_checkset(args.checkset, c, [s for s in args.subsets.split(",") if s], args.size,
                                   args.limit, args.save, cross=not args.no_cross)
    except (FileNotFoundError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    result["weights"] = getattr(c, "weights_id", str(args.weights))
    for subset, s in result["summary"].items():
        extra = f", cross-reference role accuracy {s['cross']:.3f}" if "cross" in s else ""
        print(f"{subset}: {s['pictures']} pictures, slot accuracy {s['slot']:.3f}, "
              f"region oracle {s['oracle']:.3f}{extra}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
