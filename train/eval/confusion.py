"""Which part the pipeline gives each part of a figure: the slot confusion of the sketch segmentation.

    python -m train.eval role-confusion --weights colorizer/pretrained [more weights ...]
        (--checkset data/checkset --subset ardentryst | --data data/val --prefix anime_fantasy-)
        [--limit 0] [--size 512] [--net-size 256] [--sheet FILE.png] [--out FILE.md]

Every picture's sketch goes through ``Colorizer.__call__`` as the app sends it (flat colours,
no cel shading, constant noise, network at ``--net-size``); ``result.slots`` (the slot each
pixel was painted with: a region's role from the summed role logits) is compared with the
slots of the part labels over figure pixels (not line, not paper:
``train.eval.slot_metrics.figure_mask``). The table gives, per true slot, its pixels, the share
painted with its own slot (the recall the edit-steer figure follows) and the slot most of the rest
went to; the pooled accuracy is over all figure pixels. The palette plays no part (slots, not
colours, are scored). ``--sheet`` draws sketch | true slots | painted slots per picture for the
first weights; ``--oracle`` adds the region oracle's table (each region its true majority slot:
the ceiling of the own-slot share, which a flat fill of these regions cannot pass); ``--zoom Z``
scores close-ups instead (the top of each figure blown up Z times, :func:`close_up`). Check-set
pictures are scaled to ``--size`` like the check-set harness does; corpus pictures are used as
they are.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from PIL import Image

from colorizer import Colorizer
from colorizer.options import PRECISIONS
from colorizer.processing import load_image, target_size
from colorizer.roles import NUM_SLOTS, labels_to_slots

from train.data.anime.sheet import LABEL_COLORS
from train.dataset import SLOT_ROLE
from train.eval import slot_metrics as SM
from train.eval.checkset import region_slots
from train.eval.methods import SIZE_MULTIPLE, names_parts
from train.eval.report import confusion_table

__all__ = ["close_up", "pictures", "confusion", "slot_confusion", "oracle_confusion",
           "add_arguments", "run"]

# The sheet shows each slot in the contact sheets' colour of its first role (train.data.anime.sheet).
SLOT_SHOW = np.array([LABEL_COLORS[r] for r in SLOT_ROLE], np.uint8)


def close_up(sketch: Image.Image, labels: Image.Image, zoom: float) -> tuple[Image.Image, Image.Image]:
    """The top of the figure blown up ``zoom`` times: a square of 1/zoom of the picture's side
    whose top edge is just above the figure's highest pixel, centred on the figure's pixels in
    that band, scaled back to the picture's size (a face filling the frame, for bust shots)."""
    w, h = sketch.size
    side = max(8, round(min(w, h) / zoom))
    fig = SM.figure_mask(np.asarray(labels, dtype=np.uint8))
    ys, xs = np.nonzero(fig)
    if not len(ys):
        return sketch, labels
    top = max(0, int(ys.min()) - side // 20)
    band = ys < top + side
    cx = float(xs[band].mean())
    x0 = int(np.clip(round(cx - side / 2), 0, w - side))
    y0 = int(np.clip(top, 0, h - side))
    box = (x0, y0, x0 + side, y0 + side)
    return sketch.crop(box).resize((w, h), Image.BICUBIC), labels.crop(box).resize((w, h), Image.NEAREST)


def pictures(checkset: str | None, subset: str, data: str | None, prefix: str, limit: int, size: int,
             zoom: float = 1.0):
    """``(id, sketch L, labels)`` of every picture to score, in name order (first ``limit``; 0 = all);
    ``zoom`` > 1: their close-ups (:func:`close_up`)."""
    folder = Path(checkset) / subset if checkset else Path(data)
    paths = sorted(p for p in (folder / "sketch").glob(f"{prefix}*.png") if (folder / "labels" / p.name).is_file())
    if limit:
        paths = paths[:limit]
    for p in paths:
        sketch = load_image(p).convert("L")
        labels = Image.open(folder / "labels" / p.name)
        if checkset:
            tw, th = target_size(*sketch.size, size, multiple=SIZE_MULTIPLE)
            sketch = sketch.resize((tw, th), Image.BILINEAR if tw < sketch.size[0] else Image.BICUBIC)
            labels = labels.resize((tw, th), Image.NEAREST)
        if zoom > 1:
            sketch, labels = close_up(sketch, labels, zoom)
        yield p.stem, sketch, np.asarray(labels, dtype=np.uint8)


def _show(slots: np.ndarray) -> np.ndarray:
    out = np.zeros(slots.shape + (3,), np.uint8)
    m = slots < NUM_SLOTS
    out[m] = SLOT_SHOW[slots[m]]
    return out


def slot_confusion(labels: np.ndarray, painted: np.ndarray) -> np.ndarray:
    """(NUM_SLOTS, NUM_SLOTS) pixel counts over the figure of ``labels`` (role indices): rows the
    true slot, columns the slot ``painted`` gives there (pixels painted with no slot, any value
    outside 0..NUM_SLOTS-1, are left out)."""
    truth, painted = labels_to_slots(labels), np.asarray(painted)
    ok = SM.figure_mask(labels) & (truth < NUM_SLOTS) & (painted >= 0) & (painted < NUM_SLOTS)
    conf = np.zeros((NUM_SLOTS, NUM_SLOTS), np.int64)
    np.add.at(conf, (truth[ok], painted[ok].astype(np.int64)), 1)
    return conf


def confusion(colorizer: Colorizer, pics, net_size: int, sheet_rows: list | None = None,
              precision: str = "fp32") -> np.ndarray:
    """(NUM_SLOTS, NUM_SLOTS) pixel counts: rows true slot, columns painted slot."""
    conf = np.zeros((NUM_SLOTS, NUM_SLOTS), np.int64)
    for _, sketch, labels in pics:
        res = colorizer(sketch, flat=True, cel_shading=False, size=net_size, noise="const", precision=precision)
        truth, painted = labels_to_slots(labels), np.asarray(res.slots)
        conf += slot_confusion(labels, painted)
        if sheet_rows is not None:
            tile = [np.asarray(sketch.convert("RGB")), _show(truth), _show(painted)]
            sheet_rows.append(np.concatenate([np.asarray(Image.fromarray(t).resize((256, 256), Image.NEAREST))
                                              for t in tile], 1))
    return conf


def oracle_confusion(pics) -> np.ndarray:
    """The same counts for the region oracle: every region of the sketch (the harness's and the
    pipeline's regions, cut at necks: ``train.eval.checkset.region_slots``) painted with its true
    majority slot - the most a flat fill of these regions can get right, slot by slot."""
    conf = np.zeros((NUM_SLOTS, NUM_SLOTS), np.int64)
    for _, sketch, labels in pics:
        regions, major = region_slots(sketch, labels_to_slots(labels))
        conf += slot_confusion(labels, np.where(regions > 0, major[regions], -1))
    return conf


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The ``role-confusion`` command's options."""
    ap.add_argument("--weights", nargs="+", default=["colorizer/pretrained"])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkset", help="a check set folder (python -m train.data checkset)")
    src.add_argument("--data", help="a corpus split folder with sketch/ and labels/ (e.g. data/val)")
    ap.add_argument("--subset", default="ardentryst", help="check-set subset (default ardentryst)")
    ap.add_argument("--prefix", default="", help="only pictures whose id starts with this (e.g. anime_fantasy-)")
    ap.add_argument("--limit", type=int, default=0, help="first N pictures (default 0 = all)")
    ap.add_argument("--size", type=int, default=512, help="check-set pictures' longer side (default 512)")
    ap.add_argument("--net-size", type=int, default=256, help="network size (default 256)")
    ap.add_argument("--zoom", type=float, default=1.0,
                    help="score close-ups: the top of each figure blown up this many times (default 1: off)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--precision", choices=PRECISIONS, nargs="+", default=["fp32"],
                    help="network arithmetic(s) to score, each as its own table (int8: the live preview's)")
    ap.add_argument("--oracle", action="store_true",
                    help="also the region oracle's table (each region its true majority slot: the ceiling of flat fills)")
    ap.add_argument("--sheet", help="write sketch | true slots | painted slots for the first weights")
    ap.add_argument("--out", help="also write the tables to this markdown file")


def run(a: argparse.Namespace) -> int:
    """The ``role-confusion`` command."""
    import torch

    if a.limit < 0 or a.zoom < 1:
        raise SystemExit("--limit must be >= 0 and --zoom >= 1")
    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    where = f"--checkset {a.checkset} --subset {a.subset}" if a.checkset else f"--data {a.data}"
    where += f" --prefix {a.prefix}" if a.prefix else ""
    where += f" --zoom {a.zoom:g}" if a.zoom > 1 else ""
    lines = [f"# Role confusion: {where}", "",
             f"`python -m train.eval role-confusion --weights {' '.join(a.weights)} {where} --limit {a.limit} "
             f"--size {a.size} --net-size {a.net_size}"
             + (f" --precision {' '.join(a.precision)}" if a.precision != ["fp32"] else "") + "`", ""]
    rows: list | None = [] if a.sheet else None
    pics = list(pictures(a.checkset, a.subset, a.data, a.prefix, a.limit, a.size, a.zoom))  # once for all weights
    if not pics:
        raise SystemExit("no labelled pictures found")
    for k, w in enumerate(a.weights):
        c = Colorizer.from_pretrained(w)
        if not names_parts(c):
            raise SystemExit(f"{w}: weights without a role head")
        for j, prec in enumerate(a.precision):
            conf = confusion(c, pics, a.net_size, rows if k == 0 and j == 0 else None, prec)
            lines += confusion_table(w if prec == "fp32" else f"{w} ({prec}, {c.active_backend})", conf)
            print("\n".join(lines[-(NUM_SLOTS + 5):]), flush=True)
    if a.oracle:
        lines += confusion_table("region oracle", oracle_confusion(pics))
        print("\n".join(lines[-(NUM_SLOTS + 5):]), flush=True)
    lines.append(f"{len(pics)} pictures; runtime {time.perf_counter() - t0:.0f} s ({a.threads} thread(s)).")
    if a.sheet and rows:
        Image.fromarray(np.concatenate(rows, 0)).save(a.sheet, optimize=True)
    if a.out:
        Path(a.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(lines[-1])
    return 0
