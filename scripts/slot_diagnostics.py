"""Where slot accuracy is lost: the pipeline's pieces swapped one at a time on the anime check set.

    python scripts/slot_diagnostics.py --weights weights [--checkset data/checkset] [--limit 30]
                                       [--views colour xdog outline xdog+outline] [--out FILE.md]

Same setting as ``train.evaluate --checkset DIR --size 512 --net-size 256`` (pictures at 512 px,
network at 256 px, seed 0, flat colours, the matched palette from the picture itself), on the
first ``--limit`` pictures of each subset. Every row is a slot accuracy (``train.slot_metrics``):

* ``views V``: the reference segmented on view set V (``Colorizer.segment``), cel shading off
  and on; the generator subset also gives cross-reference role accuracy (palette from
  ``reference/<id>.png``);
* ``+3 pins``: the 3 largest figure regions pinned to their true slot (the harness's hint +3);
* ``true palette``: the slots filled from the ground-truth labels (``assign_slots`` on the labels:
  a perfect reference segmentation) with the network's sketch segmentation;
* ``true palette + all pins`` / ``palette + all pins``: every figure region (64 largest) pinned to its
  true slot (a perfect sketch segmentation), with the true or the extracted palette.

Beside them: the region oracle, the sketch segmentation's accuracy over figure pixels, and the
share of figure pixels whose slot's palette colour is the true one ("palette right").
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from colorizer import Colorizer, Palette  # noqa: E402
from colorizer.hints import MAX_HINTS  # noqa: E402
from colorizer.roles import NUM_SLOTS, labels_to_slots  # noqa: E402
from colorizer.semantic import assign_slots  # noqa: E402
from train import slot_metrics as SM  # noqa: E402
from train.evaluate import CHECK_SUBSETS, _check_ids, figure_hints, load_check_picture  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", default=str(ROOT / "colorizer" / "pretrained"))
    ap.add_argument("--checkset", default=str(ROOT / "data/checkset"))
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--views", nargs="+", default=["colour", "xdog", "outline", "xdog+outline"])
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--out", default=None, help="also write the table to this markdown file")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    c = Colorizer.from_pretrained(a.weights)
    if not c.semantic:
        raise SystemExit(f"{a.weights}: weights without a role head; nothing to diagnose")
    root = Path(a.checkset)
    run = dict(size=256, seed=0)
    shown = Path(a.checkset).resolve()
    shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown
    lines = [f"# Slot diagnostics: `{a.weights}` on `{shown}`", "",
             f"`python scripts/slot_diagnostics.py --weights {a.weights} --limit {a.limit}`; pictures at 512 px, "
             "network at 256 px, seed 0, flat colours; slot accuracy over figure pixels.", ""]
    for subset in CHECK_SUBSETS:
        ids = _check_ids(root, subset)[:a.limit]
        if not ids:
            continue
        pics = [load_check_picture(root, subset, pid, 512, i, 1) for i, pid in enumerate(ids)]
        rows: dict[str, list[float]] = {}

        def add(name, value):
            rows.setdefault(name, []).append(value)

        def acc(p, **kw):
            out = np.asarray(c(p.sketch, **run, **kw).image.convert("RGB"))
            return SM.slot_accuracy(out, p.gt, p.kmeans.colors, p.figure), out

        first = None
        for spec in a.views:
            views = tuple(spec.split("+"))
            c._references.clear()
            c.segment = functools.partial(Colorizer.segment, c, views=views)  # what extract_palette calls
            for p in pics:
                pal = c.extract_palette(p.reference_self)
                add(f"views {spec}, no shading", acc(p, palette=pal, cel_shading=False)[0])
                add(f"views {spec}, cel shading", acc(p, palette=pal)[0])
                if p.reference is not None and p.ref_roles:
                    pr = c.extract_palette(p.reference)
                    oc = np.asarray(c(p.sketch, palette=pr, cel_shading=False, **run).image.convert("RGB"))
                    add(f"views {spec}, cross-reference role acc.", SM.cross_role_accuracy(oc, p.labels, p.ref_roles)[1])
            if first is None:
                first = spec
        del c.segment  # back to the class's method: the shipped views
        c._references.clear()
        for p in pics:
            pal = c.extract_palette(p.reference_self)
            slots = labels_to_slots(p.labels)
            true_pal = assign_slots(p.gt.reshape(-1, 3), slots.ravel(), p.kmeans)
            true_pal = Palette(true_pal.colors, true_pal.shares)
            every = figure_hints(p.sketch, slots, MAX_HINTS)
            add("shipped views + 3 pins, no shading", acc(p, palette=pal, cel_shading=False, hints=p.hints[:3])[0])
            add("true palette, no shading", acc(p, palette=true_pal, cel_shading=False)[0])
            add("true palette + 3 pins, no shading", acc(p, palette=true_pal, cel_shading=False, hints=p.hints[:3])[0])
            add("true palette + all pins, no shading", acc(p, palette=true_pal, cel_shading=False, hints=every)[0])
            add("palette + all pins, no shading", acc(p, palette=pal, cel_shading=False, hints=every)[0])
            res = c(p.sketch, palette=pal, cel_shading=False, **run)
            ok = p.figure & (slots < NUM_SLOTS)
            add("sketch segmentation accuracy", float((res.slots[ok] == slots[ok]).mean()) if ok.any() else np.nan)
            right = np.array([np.abs(pal.colors[s].astype(int) - true_pal.colors[s].astype(int)).max() <= 2
                              for s in range(NUM_SLOTS)])
            add("palette right (share of figure pixels)", float(right[slots[ok]].mean()) if ok.any() else np.nan)
            add("region oracle", p.oracle_acc)
        lines += [f"## {subset} ({len(pics)} pictures)", "", "| | mean |", "|---|---:|"]
        lines += [f"| {k} | {np.nanmean(v):.3f} |" for k, v in rows.items()]
        lines.append("")
        print("\n".join(lines[-len(rows) - 5:]), flush=True)
    lines.append(f"Runtime {time.perf_counter() - t0:.0f} s.")
    text = "\n".join(lines) + "\n"
    if a.out:
        Path(a.out).write_text(text)
    print(text.splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
