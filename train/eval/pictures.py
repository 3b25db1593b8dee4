"""The README pictures of weights that name parts, from the held-out anime check set.

    python -m train.eval slot-pictures --weights colorizer/pretrained [--checkset data/checkset] [--out docs]
    python -m train.eval slot-pictures --random-weights     # layout check: writes /tmp/slot_pictures

Writes three pictures to ``--out``:

* ``slots_grid.png``: rows of sketch | reference | output | ground truth for three
  ``ardentryst`` and three ``generator`` pictures (evenly spaced over the sorted ids, or
  ``--ids``). The reference of a generator picture is ``reference/<id>.png`` (the same
  character in another pose); an ardentryst picture is its own reference. The output is
  ``Colorizer(sketch, reference=reference)`` with the library's defaults (flat colours,
  the sketch's lines, cel shading) at the check set's resolution; cells are scaled down
  (``--cell``) so that the file stays under 1 MB.
* ``slot_edit.png``: one picture coloured, then the hair swatch (slot
  ``colorizer.roles.SLOT_INDEX["hair"]``; ``--edit-slot``) replaced by ``--edit-color``
  (or, when the hair already is close to it, #d5593a): before | after | the changed
  pixels (blue inside the result's hair slot map ``result.slots == 2``, red outside).
  The shares of changed pixels inside and outside that slot map are printed.
* ``slot_click.png``: the same picture, one click (a hint) in its largest line-enclosed region
  of true hair (the part labels; ``--click-slot``) naming a slot the picture lacks, whose
  swatch is set to ``--edit-color``: before | after the click (its marker drawn) | the changed
  pixels (blue inside the true part, red outside). The pin fills the clicked region exactly;
  the rest of the part follows only if the network spreads the click, as
  the check-set harness's click follow measures. Printed: the share of the part's other pixels
  that changed, and of the rest of the figure.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from colorizer.roles import SLOT_INDEX, SLOTS

from train.eval.methods import names_parts

__all__ = ["PictureError", "pick_ids", "parse_ids", "load_row", "sheet", "save_small", "edit_shares",
           "change_picture", "slots_grid", "make_edit", "make_click", "add_arguments", "run"]

SUBSETS = ("ardentryst", "generator")
PER_SUBSET = 3
MAX_BYTES = 1_000_000
HEADER = 20
# A pixel counts as changed when a channel moved by more than this (PNG/rounding noise stays below).
CHANGE_THRESHOLD = 8
# Used instead of --edit-color when the slot's colour already is within this RGB distance of it.
MIN_EDIT_DISTANCE = 120.0
FALLBACK_EDIT_COLOR = "#d5593a"


class PictureError(Exception):
    """A bad argument or a check set without the pictures asked for."""


def pick_ids(root: Path, subset: str, n: int) -> list[str]:
    """``n`` ids of ``subset`` evenly spaced over its sorted colour pictures."""
    folder = root / subset / "color"
    ids = sorted(p.stem for p in folder.glob("*.png")) if folder.is_dir() else []
    if not ids:
        raise PictureError(f"no pictures in {folder}")
    if len(ids) <= n:
        return ids
    return [ids[i] for i in sorted({round(k * (len(ids) - 1) / max(1, n - 1)) for k in range(n)})]


def parse_ids(text: str) -> list[tuple[str, str]]:
    """``"ardentryst:nyx_face_1,generator:anime_1000003"`` -> [(subset, id), ...]."""
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        subset, sep, pid = part.partition(":")
        if not sep or subset not in SUBSETS or not pid:
            raise PictureError(f"--ids entries are SUBSET:ID with SUBSET one of {', '.join(SUBSETS)}, got {part!r}")
        out.append((subset, pid))
    return out


def load_row(root: Path, subset: str, pid: str) -> dict:
    """The sketch, reference and ground truth of one check-set picture."""
    d = root / subset
    paths = {"sketch": d / "sketch" / f"{pid}.png", "truth": d / "color" / f"{pid}.png"}
    ref = d / "reference" / f"{pid}.png"
    paths["reference"] = ref if subset == "generator" and ref.is_file() else paths["truth"]
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise PictureError(f"missing check-set files: {', '.join(missing)}")
    return {"subset": subset, "id": pid, "sketch": Image.open(paths["sketch"]).convert("L"),
            "reference": Image.open(paths["reference"]).convert("RGB"),
            "truth": Image.open(paths["truth"]).convert("RGB"),
            "own_reference": paths["reference"] == paths["truth"]}


def fit(img: Image.Image, cell: int) -> Image.Image:
    """``img`` scaled to fit a ``cell`` x ``cell`` square, centred on white."""
    img = img.convert("RGB")
    s = cell / max(img.size)
    small = img.resize((max(1, round(img.width * s)), max(1, round(img.height * s))), Image.LANCZOS)
    tile = Image.new("RGB", (cell, cell), "white")
    tile.paste(small, ((cell - small.width) // 2, (cell - small.height) // 2))
    return tile


def sheet(rows: list[list[Image.Image]], header: list[str], cell: int,
          captions: list[str] | None = None) -> Image.Image:
    """Rows of cells under a header line of labels; an optional caption in each row's first cell."""
    ncol = len(header)
    out = Image.new("RGB", (ncol * cell, HEADER + len(rows) * cell), "white")
    draw = ImageDraw.Draw(out)
    for j, text in enumerate(header):
        draw.text((j * cell + 4, 4), text, fill=(0, 0, 0))
    for i, row in enumerate(rows):
        y = HEADER + i * cell
        for j, img in enumerate(row):
            out.paste(fit(img, cell), (j * cell, y))
        if captions and captions[i]:
            w = int(draw.textlength(captions[i])) + 6
            draw.rectangle((0, y + cell - 15, w, y + cell - 1), fill=(255, 255, 255))
            draw.text((3, y + cell - 14), captions[i], fill=(90, 90, 90))
    for j in range(1, ncol):  # thin separators
        draw.line((j * cell, HEADER, j * cell, out.height), fill=(200, 200, 200))
    for i in range(len(rows) + 1):
        draw.line((0, HEADER + i * cell, out.width, HEADER + i * cell), fill=(200, 200, 200))
    return out


def save_small(img: Image.Image, path: Path, max_bytes: int = MAX_BYTES) -> int:
    """Save as PNG; when over ``max_bytes``, as a 256-colour PNG instead. Returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, optimize=True)
    if path.stat().st_size > max_bytes:
        img.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    size = path.stat().st_size
    if size > max_bytes:
        print(f"warning: {path} is {size / 1e6:.2f} MB, over {max_bytes / 1e6:.1f} MB; use a smaller --cell",
              file=sys.stderr)
    return size


def rgb_distance(a, b) -> float:
    return float(math.dist([float(v) for v in a], [float(v) for v in b]))


def edit_shares(before: np.ndarray, after: np.ndarray, region: np.ndarray,
                threshold: int = CHANGE_THRESHOLD) -> tuple[np.ndarray, float, float]:
    """Changed-pixel mask and the shares of changed pixels inside and outside ``region``."""
    changed = np.abs(before.astype(np.int16) - after.astype(np.int16)).max(axis=-1) > threshold
    inside = float(changed[region].mean()) if region.any() else math.nan
    outside = float(changed[~region].mean()) if (~region).any() else math.nan
    return changed, inside, outside


def change_picture(changed: np.ndarray, region: np.ndarray, lines: Image.Image) -> Image.Image:
    """White paper, the slot map in light blue, the sketch in light grey; changed pixels blue
    inside the slot map, red outside it."""
    ink = np.asarray(lines.convert("L").resize(changed.shape[::-1]), dtype=np.float32) / 255.0
    img = np.full(changed.shape + (3,), 255.0, np.float32)
    img[region] = (214, 228, 250)
    img *= (0.55 + 0.45 * ink)[..., None]  # lines as a faint grey
    img[changed & region] = (30, 90, 210)
    img[changed & ~region] = (225, 30, 30)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8))


def slots_grid(colorizer, root: Path, picks: list[tuple[str, str]], cell: int, opts: dict) -> tuple[Image.Image, list]:
    rows, captions, info = [], [], []
    for subset, pid in picks:
        r = load_row(root, subset, pid)
        res = colorizer(r["sketch"], reference=r["reference"], **opts)
        rows.append([r["sketch"], r["reference"], res.image, r["truth"]])
        captions.append(f"{subset}/{pid}" + (" (own reference)" if r["own_reference"] else ""))
        info.append((subset, pid, res))
    header = ["sketch", "reference", "output (library defaults)", "ground truth"]
    return sheet(rows, header, cell, captions), info


def make_edit(colorizer, root: Path, pick: tuple[str, str], color: str, cell: int, opts: dict,
              slot_name: str = "hair"):
    from colorizer.palette import hex_to_rgb

    slot = SLOT_INDEX[slot_name]
    r = load_row(root, *pick)
    before = colorizer(r["sketch"], reference=r["reference"], **opts)
    if before.slots is None:
        raise PictureError("the result has no slot map: these weights name no parts "
                           "(or flat colours are off)")
    old = before.palette.colors[slot]
    if rgb_distance(old, hex_to_rgb(color)) < MIN_EDIT_DISTANCE:
        color = FALLBACK_EDIT_COLOR
    edited = before.palette.replace(slot, color)
    after = colorizer(r["sketch"], palette=edited, **opts)
    b, a = np.asarray(before.image.convert("RGB")), np.asarray(after.image.convert("RGB"))
    region = before.slots == slot
    if not region.any():
        print(f"warning: no pixel of {pick[0]}/{pick[1]} is in the {slot_name} slot (untrained weights?); "
              "the edit changes nothing", file=sys.stderr)
    changed, inside, outside = edit_shares(b, a, region)
    old_hex = "#%02x%02x%02x" % tuple(int(v) for v in old)
    header = ["before", f"after: {slot_name} {old_hex} -> {color}",
              f"changed: blue in {slot_name} slot, red outside"]
    pic = sheet([[before.image, after.image, change_picture(changed, region, r["sketch"])]], header, cell,
                [f"{pick[0]}/{pick[1]}", "", ""])
    stats = {"picture": f"{pick[0]}/{pick[1]}", "slot": slot_name, "old": old_hex, "new": color,
             "slot_pixels": int(region.sum()), "changed_in_slot": inside, "changed_outside_slot": outside,
             "changed_pixels": int(changed.sum()), "changed_outside_pixels": int((changed & ~region).sum())}
    return pic, stats


def make_click(colorizer, root: Path, pick: tuple[str, str], color: str, cell: int, opts: dict,
               slot_name: str = "hair"):
    from colorizer.roles import labels_to_slots
    from train.eval.checkset import click_plans
    from train.eval.slot_metrics import figure_mask
    from webapp.pins import draw_markers

    slot = SLOT_INDEX[slot_name]
    r = load_row(root, *pick)
    lab_path = root / pick[0] / "labels" / f"{pick[1]}.png"
    if not lab_path.is_file():
        raise PictureError(f"missing check-set file: {lab_path}")
    labels = np.asarray(Image.open(lab_path).resize(r["sketch"].size, Image.NEAREST), dtype=np.uint8)
    slots = labels_to_slots(labels)
    plans = click_plans(r["sketch"], slots, [slot], 0)
    if not plans:
        raise PictureError(f"{pick[0]}/{pick[1]}: no {slot_name} region to click (one region only, or every "
                           "slot is used)")
    _, new_slot, (x, y), others = plans[0]
    before = colorizer(r["sketch"], reference=r["reference"], **opts)
    edited = before.palette.replace(new_slot, color)
    after = colorizer(r["sketch"], palette=edited, hints=[(x, y, new_slot)], **opts)
    b, a = np.asarray(before.image.convert("RGB")), np.asarray(after.image.convert("RGB"))
    part = slots == slot
    changed, _, _ = edit_shares(b, a, part)
    rest = figure_mask(labels) & ~part & others
    follow = float(changed[part & others].mean())
    leak = float(changed[rest].mean()) if rest.any() else math.nan
    marked = draw_markers(after.image, [(x, y, new_slot)], edited.colors)
    header = ["before", f"one click: {slot_name} -> {SLOTS[new_slot]} slot ({color})",
              f"changed: blue in the true {slot_name}, red outside"]
    pic = sheet([[before.image, marked, change_picture(changed, part, r["sketch"])]], header, cell,
                [f"{pick[0]}/{pick[1]}", "", ""])
    stats = {"picture": f"{pick[0]}/{pick[1]}", "slot": slot_name, "to": SLOTS[new_slot], "click": (x, y),
             "part_pixels": int(part.sum()), "changed_in_rest_of_part": follow, "changed_in_rest_of_figure": leak}
    return pic, stats


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The ``slot-pictures`` command's options."""
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="weights folder with a role head (config.json + model.safetensors)")
    src.add_argument("--random-weights", action="store_true",
                     help='untrained Colorizer.from_random(preset("default")), for layout checks '
                          "(default --out /tmp/slot_pictures)")
    ap.add_argument("--checkset", default="data/checkset", help="check-set folder (default data/checkset)")
    ap.add_argument("--out", default=None, help="output folder (default docs; /tmp/slot_pictures with --random-weights)")
    ap.add_argument("--ids", default=None,
                    help="grid pictures as SUBSET:ID,... (default: 3 evenly spaced per subset)")
    ap.add_argument("--edit", default=None, metavar="SUBSET:ID",
                    help="picture of the edit (default: the grid's generator picture with the largest slot map of --edit-slot)")
    ap.add_argument("--edit-color", default="#3a7bd5", help="new colour of the slot (default #3a7bd5)")
    ap.add_argument("--edit-slot", default="hair", choices=SLOTS,
                    help="slot whose swatch the edit replaces (default hair)")
    ap.add_argument("--click-slot", default="hair", choices=SLOTS[1:],
                    help="true part clicked for slot_click.png (default hair)")
    ap.add_argument("--cell", type=int, default=256, help="grid cell side in px (default 256)")
    ap.add_argument("--size", type=int, default=None, help="network size (default: the weights' own)")
    ap.add_argument("--seed", type=int, default=0, help="noise seed (default 0)")
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    ap.add_argument("--backend", default="auto", choices=("auto", "torch", "onnx"))


def run(args: argparse.Namespace) -> int:
    """The ``slot-pictures`` command: writes the three pictures; 2 on bad input."""
    import torch

    from colorizer import Colorizer, ColorizerError, preset
    from colorizer.palette import hex_to_rgb

    torch.set_num_threads(max(1, args.threads))
    out = Path(args.out or ("/tmp/slot_pictures" if args.random_weights else "docs"))
    root = Path(args.checkset)
    try:
        if not 32 <= args.cell <= 1024:
            raise PictureError(f"--cell must be between 32 and 1024, got {args.cell}")
        hex_to_rgb(args.edit_color)
        if not (root / "CHECKSET").is_file():
            raise PictureError(f"{root} is not a check set (no CHECKSET marker); build one with "
                               "`python -m train.data checkset --out DIR`")
        picks = parse_ids(args.ids) if args.ids else [(s, i) for s in SUBSETS for i in pick_ids(root, s, PER_SUBSET)]
        if args.edit:
            edits = parse_ids(args.edit)
            if len(edits) != 1:
                raise PictureError(f"--edit takes one SUBSET:ID, got {args.edit!r}")
            edit_pick = edits[0]
        if args.random_weights:
            c = Colorizer.from_random(preset("default"), backend=args.backend)
        else:
            c = Colorizer.from_pretrained(args.weights, use_hub=False, backend=args.backend)
        if not names_parts(c):
            raise PictureError(f"{c.weights_id}: these weights name no parts (no role head: config num_roles)")
        opts = {"seed": args.seed}
        if args.size is not None:
            opts["size"] = args.size
        print(f"weights {c.weights_id} ({c.active_backend}); options {c.options(**opts)}")
        grid, info = slots_grid(c, root, picks, args.cell, opts)
        n = save_small(grid, out / "slots_grid.png")
        sizes = sorted({r.image.size for *_, r in info})
        print(f"wrote {out / 'slots_grid.png'} ({n / 1e3:.0f} kB): {len(info)} rows, results at {sizes} px, "
              f"{args.cell} px cells")
        if not args.edit:  # the grid's generator picture with the most pixels in the slot edited
            slot = SLOT_INDEX[args.edit_slot]
            gen = [x for x in info if x[0] == "generator"] or info
            edit_pick = max(gen, key=lambda x: int((x[2].slots == slot).sum()))[:2]
        edit, stats = make_edit(c, root, edit_pick, args.edit_color, args.cell, opts, args.edit_slot)
        n = save_small(edit, out / "slot_edit.png")
        print(f"wrote {out / 'slot_edit.png'} ({n / 1e3:.0f} kB): {stats['picture']}, {stats['slot']} "
              f"{stats['old']} -> {stats['new']}")
        print(f"changed pixels: {stats['changed_in_slot']:.1%} of the {stats['slot']} slot map "
              f"({stats['slot_pixels']} px), {stats['changed_outside_slot']:.2%} outside it "
              f"({stats['changed_outside_pixels']} px)")
        click, cstats = make_click(c, root, edit_pick, args.edit_color, args.cell, opts, args.click_slot)
        n = save_small(click, out / "slot_click.png")
        print(f"wrote {out / 'slot_click.png'} ({n / 1e3:.0f} kB): {cstats['picture']}, one click at "
              f"{cstats['click']} moves the {cstats['slot']} to the {cstats['to']} slot; changed: "
              f"{cstats['changed_in_rest_of_part']:.1%} of the rest of the {cstats['slot']} (outside the clicked "
              f"region), {cstats['changed_in_rest_of_figure']:.2%} of the rest of the figure")
    except (PictureError, ColorizerError, OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0

