"""The anime check-set harness: do the parts of a figure get their slots' colours?

    python -m train.eval checkset --weights colorizer/pretrained [--checkset data/checkset]
                                  [--subsets ardentryst,generator] [--size 512 --net-size 256]

A check set (``python -m train.data checkset``) holds pictures with part labels: ``ardentryst/``,
``generator/`` and ``v2/``, the latter two with ``reference/`` pictures of the same characters in
another pose (v2 also ``reference_outfit/``: another outfit; ``--reference outfit`` uses it). The
generated subsets are first checked against today's generators
(:func:`train.data.checkset_generated.check_generated`; a stale one is named with the command that
rebuilds it). Per subset,
for every picture (:mod:`train.eval.slot_metrics`):

* slot accuracy of the output with the matched palette (scored against the K-means palette of
  the ground truth, over the figure), beside the ceiling of a flat colourer that knows the truth
  (the region oracle, lines overlaid the same way);
* cross-reference role accuracy (generated subsets: the reference is ``reference/<id>.png`` or,
  with ``--reference outfit``, ``reference_outfit/<id>.png``, another picture of the character);
* edit steer and leak for the slots of the picture in turn (``edits``): that slot's colour
  replaced in the palette - for weights without part names, the palette colour nearest to the
  slot's true colour;
* hint gain (weights that name parts): slot accuracy after pinning the 1, 3 and 10 largest
  figure regions (points from ``train.eval.slot_metrics.hint_points``, each given its true slot);
* click follow and click leak (weights that name parts): for each edited slot, one click in its
  largest region names a slot the picture lacks, whose swatch is set to a far colour. Follow is
  the share of the part's *other* pixels (outside the clicked region, which the pin fills
  exactly) that take the new colour; click leak the share of the rest of the figure that moved;
* PSNR and SSIM of the matched output.

Writes ``results.md``, ``results.json`` and ``grid_<subset>.png``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from colorizer import Colorizer, Palette
from colorizer.processing import load_image, overlay_lines, target_size
from colorizer.roles import NUM_SLOTS, SLOTS, labels_to_slots

from train.data.checkset_generated import REFERENCES
from train.eval import metrics as M
from train.eval import slot_metrics as SM
from train.eval import colour as C
from train.eval.baselines import LINE_THRESHOLD
from train.eval.methods import SIZE_MULTIPLE, Method, build_methods, kmeans_palette, seed_kmeans, select
from train.eval.report import (CELL, CHECK_COLUMNS, CLOTHING, MAIN_CLOTHING, ROLE_CEILING, finite, make_grid,
                               markdown_checkset, mean, options_line, swatches)

__all__ = ["CHECK_SUBSETS", "REFERENCES", "HINT_COUNTS", "MIN_EDIT_PIXELS", "GRID_ROWS", "CheckPicture", "check_ids",
           "region_slots", "figure_hints", "click_plans", "load_check_picture", "main_clothing",
           "role_oracle_edits", "score_check_picture", "per_slot", "evaluate_checkset"]

CHECK_SUBSETS = ("ardentryst", "generator")  # the v2 subset is measured when named (--subsets v2)
HINT_COUNTS = (1, 3, 10)
# A slot is edited in a check picture when it covers at least this many pixels at working size.
MIN_EDIT_PIXELS = 24
GRID_ROWS = 6


@dataclass
class CheckPicture:
    """One check-set picture at working size, with its labels and precomputed plans."""

    subset: str
    id: str
    sketch: Image.Image           # L, working size
    gt: np.ndarray                # (H, W, 3) uint8, working size
    labels: np.ndarray            # (H, W) role indices, working size
    figure: np.ndarray            # (H, W) bool
    reference_self: Image.Image   # the colour picture at full size (matched reference)
    kmeans: Palette               # K-means palette of the ground truth: the scoring palette
    oracle: np.ndarray            # region oracle (lines overlaid like the pipeline's default)
    oracle_acc: float
    slot_regions: dict            # slot -> (H, W) bool, the slots present
    true_colors: dict             # slot -> (3,) uint8 median ground-truth colour
    edit_slots: list              # the slots edited for this picture
    hints: list                   # (x, y, slot), largest figure region first
    clicks: list = field(default_factory=list)  # (slot, new slot, (x, y), mask of the pixels scored)
    reference: Image.Image | None = None   # another picture of the character (generator subset)
    ref_roles: dict | None = None          # its role colours
    colour: C.ColourTruth | None = None    # what the colour measures need (train.eval.colour)


def check_ids(root: str | Path, subset: str) -> list[str]:
    """The picture ids of one check-set subset, sorted."""
    folder = Path(root) / subset / "color"
    return sorted(p.stem for p in folder.glob("*.png")) if folder.is_dir() else []


def region_slots(sketch: Image.Image, slots: np.ndarray, neck: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sketch's line-enclosed regions (``train.eval.slot_metrics.sketch_regions``; 0 = lines;
    cut at necks of ``neck`` px, default the pipeline's) and each region's true majority slot
    (index = region number; -1 for the lines and for regions with no labelled pixel)."""
    regions = SM.sketch_regions(sketch, LINE_THRESHOLD, neck=neck)
    count = int(regions.max())
    flat = regions.ravel().astype(np.int64)
    s = slots.ravel().astype(np.int64)
    ok = (flat > 0) & (s < NUM_SLOTS)
    votes = np.bincount(flat[ok] * NUM_SLOTS + s[ok], minlength=(count + 1) * NUM_SLOTS).reshape(count + 1, NUM_SLOTS)
    major = votes.argmax(axis=1)
    major[votes.sum(axis=1) == 0] = -1
    major[0] = -1
    return regions, major


def figure_hints(sketch: Image.Image, slots: np.ndarray, n: int) -> list[tuple[int, int, int]]:
    """Hints for the ``n`` largest line-enclosed regions of the figure, largest first:
    a point deep inside each (``train.eval.slot_metrics.hint_points``) with the region's true
    (majority) slot. Regions mostly background, line or unknown are left out."""
    regions, major = region_slots(sketch, slots)
    if int(regions.max()) == 0 or n <= 0:
        return []
    fig_regions = np.where(major[regions] > 0, regions, 0)
    pts = SM.hint_points(fig_regions, n)
    return [(int(c), int(r), int(major[regions[r, c]])) for r, c in pts]


def click_plans(sketch: Image.Image, slots: np.ndarray, edit_slots, index: int) -> list:
    """One click per edited slot (background aside): ``(slot, new_slot, (x, y), others)``.

    The click is the deepest point of the largest line-enclosed region whose true majority
    slot is ``slot``; ``new_slot`` is a slot with no pixel in the picture (in rotation over the
    pictures), so moving the part there changes no other part's colour; ``others`` are the pixels
    the click's effect is measured on: inside some line-enclosed region (not the lines) and not
    in the clicked one, which the pin fills exactly. A slot with fewer than ``MIN_EDIT_PIXELS``
    such pixels, or a picture with every slot present, gets no click.
    """
    absent = [k for k in range(1, NUM_SLOTS) if not (slots == k).any()]
    regions, major = region_slots(sketch, slots)
    if int(regions.max()) == 0 or not absent:
        return []
    plans = []
    for j, slot in enumerate(k for k in edit_slots if k != 0):
        mine = np.where(major[regions] == slot, regions, 0)
        pts = SM.hint_points(mine, 1)
        if len(pts) == 0:
            continue
        r, c = (int(v) for v in pts[0])
        others = (regions > 0) & (regions != regions[r, c])
        if int(((slots == slot) & others).sum()) < MIN_EDIT_PIXELS:
            continue
        plans.append((slot, absent[(index + j) % len(absent)], (c, r), others))
    return plans


def load_check_picture(root: Path, subset: str, pid: str, size: int, index: int, edits: int,
                       keep_lines: bool = True, reference: str = "reference") -> CheckPicture:
    """One check-set picture at working size ``size`` with its plans: ``index`` is its place in
    the subset (edits and clicks rotate over the pictures), ``edits`` the slots edited (0: all);
    ``reference``: the folder of the other picture of the character (labels in
    ``<reference>_labels``), when the subset has one."""
    d = Path(root) / subset
    color = load_image(d / "color" / f"{pid}.png")
    sketch = load_image(d / "sketch" / f"{pid}.png").convert("L")
    labels_full = Image.open(d / "labels" / f"{pid}.png")
    tw, th = target_size(*sketch.size, size, multiple=SIZE_MULTIPLE)
    sk = sketch.resize((tw, th), Image.BILINEAR if tw < sketch.size[0] else Image.BICUBIC)
    gt = np.asarray(color.resize((tw, th), Image.BICUBIC), dtype=np.uint8).copy()
    labels = np.asarray(labels_full.resize((tw, th), Image.NEAREST), dtype=np.uint8).copy()
    figure = SM.figure_mask(labels)
    slots = labels_to_slots(labels)
    km = kmeans_palette(d / "color" / f"{pid}.png")
    oracle = SM.region_oracle(gt, np.asarray(sk), km.colors)
    if keep_lines:
        oracle = np.asarray(overlay_lines(Image.fromarray(oracle), sk))
    oracle_acc = SM.slot_accuracy(oracle, gt, km.colors, figure)
    regions, colours = {}, {}
    for s in range(NUM_SLOTS):
        m = slots == s
        if int(m.sum()) >= MIN_EDIT_PIXELS:
            regions[s] = m
            colours[s] = np.median(gt[m], axis=0).round().astype(np.uint8)
    present = sorted(regions)
    if edits and present:
        chosen = [present[(index + j) % len(present)] for j in range(min(edits, len(present)))]
    else:
        chosen = present
    pic = CheckPicture(subset, pid, sk, gt, labels, figure, color, km, oracle, oracle_acc, regions, colours,
                       sorted(chosen), figure_hints(sk, slots, max(HINT_COUNTS)),
                       click_plans(sk, slots, sorted(chosen), index))
    ref = d / reference / f"{pid}.png"
    ref_lab = d / f"{reference}_labels" / f"{pid}.png"
    rl = None
    if ref.is_file() and ref_lab.is_file():
        pic.reference = load_image(ref)
        rl = np.asarray(Image.open(ref_lab), dtype=np.uint8)
        pic.ref_roles = SM.role_colors(np.asarray(pic.reference.convert("RGB")), rl, min_pixels=16) or None
    pic.colour = colour_truth(pic, slots, rl, keep_lines)
    return pic


def colour_truth(pic: CheckPicture, slots: np.ndarray, ref_labels: np.ndarray | None,
                 keep_lines: bool = True) -> C.ColourTruth:
    """The colour measures' truth of a loaded picture: the palette's source (``reference/<id>.png``
    when the picture has one with labels, else the picture itself), the parts' true colours there
    and in the ground truth, the pins and point matches of the largest parts, the sketch's regions,
    and the colour accuracy of the region oracle (the pipeline's region map, every region its true
    majority part, each part its true colour: :func:`perfect_roles`)."""
    figure = pic.figure & (slots < NUM_SLOTS)
    colours = C.part_colours(pic.gt, slots, MIN_EDIT_PIXELS, mask=slots < NUM_SLOTS)
    parts = C.largest_parts(slots, figure, max(C.PIN_COUNTS))
    size = pic.sketch.size
    if pic.reference is not None and ref_labels is not None:
        ref, key, ref_slots = pic.reference, "reference", labels_to_slots(ref_labels)
        ref_colours = C.part_colours(np.asarray(ref.convert("RGB")), ref_slots, MIN_EDIT_PIXELS)
    else:
        ref, key, ref_slots, ref_colours = pic.reference_self, "self", None, colours
    matches = C.match_points(parts[:C.MATCH_COUNT], size, ref_slots, ref.size)
    regions, major = region_slots(pic.sketch, slots)
    truth = C.ColourTruth(ref, key, ref_colours, colours, figure, parts, matches, regions, major)
    cols = default_colours()
    for k, c in colours.items():
        cols[k] = c
    truth.oracle_right, scored = C.colour_right(perfect_roles(pic, keep_lines)(cols), slots, figure, colours)
    truth.oracle = C.accuracy(truth.oracle_right, scored)
    return truth


def default_colours() -> np.ndarray:
    """(NUM_SLOTS, 3) uint8: the library's default slot colours."""
    from colorizer.roles import DEFAULT_SLOT_COLORS

    return Palette.from_hex(list(DEFAULT_SLOT_COLORS), NUM_SLOTS).colors.astype(np.uint8)


def perfect_roles(pic: CheckPicture, keep_lines: bool = True):
    """``render(colours)``: flat colours with perfect roles - the pipeline's region rendering
    (``colorizer.render.render_roles``, no cel shading) fed the true slots as its role
    probabilities, so every line-enclosed region takes its true majority slot and the ink its
    nearest region's; ``colours`` (NUM_SLOTS, 3) paint the slots, lines multiplied on top like the
    pipeline when ``keep_lines``."""
    from colorizer.processing import line_mask
    from colorizer.regions import flat_neck, flat_seal
    from colorizer.render import region_map, render_roles

    dark = line_mask(pic.sketch)
    h, w = dark.shape
    slots = labels_to_slots(pic.labels)
    truth = (slots[None] == np.arange(NUM_SLOTS)[:, None, None]).astype(np.float32)  # unknown, line: none
    regions = region_map(dark, flat_seal(h, w), flat_neck(h, w), LINE_THRESHOLD)
    no_shading = np.zeros((h, w, 3), np.uint8)

    def render(cols: np.ndarray) -> np.ndarray:
        r = render_roles(no_shading, dark, truth, cols, cel_shading=False, threshold=LINE_THRESHOLD,
                         regions=regions)
        img = Image.fromarray(r.image, "RGB")
        return np.asarray(overlay_lines(img, pic.sketch) if keep_lines else img)

    return render


def main_clothing(pic: CheckPicture) -> str | None:
    """Name of the picture's largest edited clothing slot (``train.eval.report.CLOTHING``), or None."""
    sizes = {SLOTS[s]: int(pic.slot_regions[s].sum()) for s in pic.edit_slots if SLOTS[s] in CLOTHING}
    return max(sizes, key=sizes.get) if sizes else None


def role_oracle_edits(pic: CheckPicture, keep_lines: bool = True) -> dict:
    """Edit steer and leak of flat colours with perfect roles: the pipeline's region rendering
    (``colorizer.render.render_roles``, no cel shading) fed the true slots as its role
    probabilities, so every line-enclosed region takes its true majority slot and the ink its
    nearest region's; each slot its true colour (absent slots the default), lines multiplied on top
    like the pipeline. Every edited slot's colour is replaced as in :func:`score_check_picture`; the
    figures are the ceiling of a flat fill of this line art for any role head: pixels a region
    shares with another part move with that region's slot.
    Returns ``{"edits": {slot name: {"steer", "leak"}}, "steer", "leak", "main_clothing"}``."""
    colours = default_colours()
    for s, c in pic.true_colors.items():
        colours[s] = c
    render = perfect_roles(pic, keep_lines)
    before = render(colours)
    out: dict = {"edits": {}}
    for s in pic.edit_slots:
        old = colours[s].copy()
        new = M.far_color(old)
        edited = colours.copy()
        edited[s] = new
        steer, leak = SM.edit_steer_leak(before, render(edited), pic.slot_regions[s], pic.figure, new, old)
        out["edits"][SLOTS[s]] = {"steer": steer, "leak": leak}
    out["steer"] = mean(e["steer"] for e in out["edits"].values())
    out["leak"] = mean(e["leak"] for e in out["edits"].values())
    out["main_clothing"] = main_clothing(pic)
    return out


def edit_index(m: Method, pal: Palette, pic: CheckPicture, slot: int) -> int:
    """The palette swatch that stands for ``slot``: the slot itself (weights that name parts), else
    the swatch nearest (CIEDE2000) to the slot's true colour."""
    if m.parts:
        return slot
    return int(M.nearest_swatch(pic.true_colors[slot][None], pal.colors)[0])


def score_check_picture(m: Method, pic: CheckPicture, colour: bool = True) -> tuple[dict, np.ndarray]:
    """All check-set metrics of one method on one picture, and its matched output. ``colour``: also
    the colour measures (:func:`train.eval.colour.score_colour`)."""
    pal = m.palette(pic.reference_self, (pic.subset, pic.id, "self"))
    outs, results = m.colour_results([pic.sketch], [pal])
    out0, made = outs[0], {"self": (outs[0], results[0])}
    slot = SM.slot_accuracy(out0, pic.gt, pic.kmeans.colors, pic.figure)
    r: dict = {"slot": slot, "headroom": pic.oracle_acc - slot,
               "psnr": M.psnr(out0, pic.gt), "ssim": M.ssim(out0, pic.gt), "edits": {}}
    # edits: every chosen slot's swatch replaced in turn
    plan = []
    for s in pic.edit_slots:
        k = edit_index(m, pal, pic, s)
        old = pal.colors[k].copy()
        new = M.far_color(old)
        plan.append((s, k, old, new))
    if plan:
        outs = m.colour([pic.sketch] * len(plan), [pal.replace(k, tuple(int(v) for v in new)) for _, k, _, new in plan])
        for (s, k, old, new), after in zip(plan, outs):
            steer, leak = SM.edit_steer_leak(out0, after, pic.slot_regions[s], pic.figure, new, old)
            r["edits"][SLOTS[s]] = {"steer": steer, "leak": leak, "swatch": k}
    r["main_clothing"] = main_clothing(pic)
    r["steer"] = mean(e["steer"] for e in r["edits"].values())
    r["leak"] = mean(e["leak"] for e in r["edits"].values())
    # hints: weights that name parts only
    for n in HINT_COUNTS:
        r[f"hint{n}"] = math.nan
    if m.parts and pic.hints:
        outs = m.colour([pic.sketch] * len(HINT_COUNTS), [pal] * len(HINT_COUNTS),
                        hints=[pic.hints[:n] for n in HINT_COUNTS])
        for n, o in zip(HINT_COUNTS, outs):
            r[f"hint{n}"] = SM.slot_accuracy(o, pic.gt, pic.kmeans.colors, pic.figure) - r["slot"]
    # clicks: one point names a new slot for a whole part (weights that name parts only)
    r["clicks"] = {}
    if m.parts and pic.clicks:
        plan = [(s, b, xy, others, M.far_color(pal.colors[s])) for s, b, xy, others in pic.clicks]
        outs = m.colour([pic.sketch] * len(plan),
                        [pal.replace(b, tuple(int(v) for v in new)) for _, b, _, _, new in plan],
                        hints=[[(xy[0], xy[1], b)] for _, b, xy, _, _ in plan])
        for (s, b, xy, others, new), after in zip(plan, outs):
            follow, leak = SM.edit_steer_leak(out0, after, pic.slot_regions[s] & others, pic.figure & others,
                                              new, pal.colors[s])
            r["clicks"][SLOTS[s]] = {"follow": follow, "leak": leak, "to": SLOTS[b]}
    r["click_follow"] = mean(e["follow"] for e in r["clicks"].values())
    r["click_leak"] = mean(e["leak"] for e in r["clicks"].values())
    # cross reference: another picture of the same character
    r["cross"] = math.nan
    if pic.reference is not None and pic.ref_roles:
        pr = m.palette(pic.reference, (pic.subset, pic.id, "reference"))
        outs, results = m.colour_results([pic.sketch], [pr])
        oc, made["reference"] = outs[0], (outs[0], results[0])
        per_role, mean_acc = SM.cross_role_accuracy(oc, pic.labels, pic.ref_roles)
        r["cross"], r["cross_roles"] = mean_acc, per_role
    if colour and pic.colour is not None:
        r["colour_measures"] = C.score_colour(m, pic, *made.get(pic.colour.key, (None, None)))
    return r, out0


def per_slot(res: list[dict], key: str, fields: tuple[str, str]) -> dict:
    """Per-slot means of ``fields`` over the pictures' ``key`` entries ("edits" or "clicks"), with
    how many pictures had one; slots no picture had are left out."""
    out = {}
    for s in SLOTS + ((MAIN_CLOTHING,) if key == "edits" else ()):
        if s == MAIN_CLOTHING:  # each picture's own largest clothing slot
            vals = [r[key][r["main_clothing"]] for r in res if r.get("main_clothing") in r[key]]
        else:
            vals = [r[key][s] for r in res if s in r[key]]
        if vals:
            out[s] = {**{f: mean(v[f] for v in vals) for f in fields}, "n": len(vals)}
    return out


def evaluate_checkset(models: dict[str, Colorizer], root: str | Path, out: str | Path, size: int = 256,
                      limit: int | None = None, subsets=CHECK_SUBSETS, edits: int = 1, progress: bool = True,
                      grid_rows: int = GRID_ROWS, cell: int = CELL, net_size: int | None = None,
                      noise: str | None = None, seed: int = 0, raw: bool = False,
                      baselines: bool = True, no_shading: bool = False, colour: bool = True,
                      reference: str = "pose") -> dict:
    """The check-set evaluation (see the module docstring); writes results.md/json and
    grid_<subset>.png to ``out``. ``edits``: slots edited per picture, in rotation (0: all);
    ``colour``: also the colour measures (:mod:`train.eval.colour`); ``reference``: which other
    picture of a generated character the cross-reference measures use, ``"pose"`` (another
    pose) or ``"outfit"`` (another outfit: the v2 subset), :data:`REFERENCES`."""
    import sys

    from tqdm import tqdm

    from train.data.checkset_generated import check_generated

    t0 = time.perf_counter()
    root = Path(root)
    if not (root / "CHECKSET").is_file():
        raise SystemExit(f"{root} is not a check set (no CHECKSET marker); build one with "
                         "`python -m train.data checkset --out DIR`")
    if reference not in REFERENCES:
        raise SystemExit(f"unknown reference kind {reference!r}; choose from {', '.join(REFERENCES)}")
    checks = {c.subset: c for c in check_generated(root, subsets)}
    for c in checks.values():
        if c.status != "ok":
            print(f"warning: {c.message}", file=sys.stderr)
    methods = build_methods(models, size, net_size, raw=raw, noise=noise, seed=seed, baselines=baselines,
                            no_shading=no_shading)
    keep_lines = methods[0].options.keep_lines if methods and methods[0].options is not None else True
    summary: dict = {"subsets": {}, "per_picture": {}}
    for subset in subsets:
        ids = select(check_ids(root, subset), limit)
        if not ids:
            continue
        pics = [load_check_picture(root, subset, pid, size, i, edits, keep_lines, REFERENCES[reference])
                for i, pid in enumerate(tqdm(ids, desc=f"loading {subset}", disable=not progress))]
        for p in pics:
            seed_kmeans(methods, (p.subset, p.id, "self"), p.kmeans)
        shown = {p.id for p in select(pics, grid_rows)}
        per: dict[str, list[dict]] = {}
        shown_out: dict[str, dict[str, np.ndarray]] = {}
        for m in methods:
            res = []
            for p in tqdm(pics, desc=f"{subset}: {m.name}", disable=not progress):
                r, o = score_check_picture(m, p, colour)
                res.append(r)
                if p.id in shown:
                    shown_out.setdefault(m.name, {})[p.id] = o
            per[m.name] = res
        ceiling = [role_oracle_edits(p, keep_lines) for p in pics]
        rows = [{"method": ROLE_CEILING, **{k: math.nan for k, _, _ in CHECK_COLUMNS},
                 "steer": mean(c["steer"] for c in ceiling), "leak": mean(c["leak"] for c in ceiling),
                 "per_slot": per_slot(ceiling, "edits", ("steer", "leak"))}]
        for m in methods:
            res = per[m.name]
            row = {"method": m.name, **{k: mean(r[k] for r in res) for k, _, _ in CHECK_COLUMNS},
                   "per_slot": per_slot(res, "edits", ("steer", "leak"))}
            clicks = per_slot(res, "clicks", ("follow", "leak"))
            if clicks:
                row["per_slot_click"] = clicks
            if colour:
                row["colour"] = C.summarise([r["colour_measures"] for r in res])
            row["seconds"] = m.seconds
            rows.append(row)
        summary["subsets"][subset] = {"n": len(pics), "oracle": mean(p.oracle_acc for p in pics), "rows": rows,
                                      "reference": REFERENCES[reference] if any(p.reference is not None for p in pics)
                                      else None}
        if subset in checks:
            summary["subsets"][subset]["generator_check"] = checks[subset].status
        if colour:
            summary["subsets"][subset]["colour_oracle"] = mean(p.colour.oracle for p in pics)
            summary["subsets"][subset]["ids"] = [p.id for p in pics]
        summary["per_picture"][subset] = {"ids": [p.id for p in pics], "oracle": [p.oracle_acc for p in pics],
                                          "colour_oracle": [p.colour.oracle if p.colour else None for p in pics],
                                          ROLE_CEILING: ceiling,
                                          **{k: v for k, v in per.items()}}
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        names = [m.name for m in methods if m.name in shown_out]
        grid = [[np.asarray(p.sketch.convert("RGB")), swatches(p.kmeans, cell), p.oracle]
                + [shown_out[n][p.id] for n in names] + [p.gt] for p in pics if p.id in shown]
        make_grid(grid, ["sketch", "K-means palette", "region oracle"] + names + ["ground truth"],
                  cell=cell).save(out_dir / f"grid_{subset}.png")
    if not summary["subsets"]:
        raise SystemExit(f"no pictures found under {root}/{{{','.join(subsets)}}}/color")
    summary["runtime_s"] = time.perf_counter() - t0
    summary["config"] = {"checkset": str(root), "size": size, "net_size": net_size or size, "limit": limit,
                         "edits": edits, "options": options_line(methods),
                         "edits_desc": (f"{edits} slot(s) per picture, in rotation" if edits
                                        else "every slot present in the picture"),
                         "hint_counts": list(HINT_COUNTS), "colour": colour, "reference": reference,
                         "matches": "measured" if any(C.takes_matches(m) for m in models.values())
                         else "skipped: Colorizer.__call__ takes no matches",
                         "models": {k: m.weights_id for k, m in models.items()},
                         "method_time_s": {m.name: m.seconds for m in methods}}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(finite(summary), indent=1) + "\n")
    (out / "results.md").write_text(markdown_checkset(summary))
    return summary
