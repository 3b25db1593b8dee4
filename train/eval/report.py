"""What the harnesses write: markdown tables, picture grids and JSON-safe results."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from colorizer import Palette
from colorizer.roles import SLOTS

from train.data.checkset_generated import REFERENCES
from train.eval import metrics as M
from train.eval import slot_metrics as SM
from train.eval.baselines import LINE_THRESHOLD

__all__ = ["PSNR_CAP", "CELL", "ROLE_CEILING", "CLOTHING", "MAIN_CLOTHING", "CHECK_COLUMNS", "COLOUR_COLUMNS",
           "mean", "fmt", "finite", "swatches", "make_grid", "options_line", "markdown_pairs", "markdown_checkset",
           "per_slot_table", "confusion_table", "markdown_colour"]

PSNR_CAP = 100.0  # identical images (PSNR = inf) count as 100 dB in the means
CELL = 128

# The row of ``train.eval.checkset.role_oracle_edits`` in the check-set tables.
ROLE_CEILING = "perfect roles (flat ceiling)"
# Clothing slots; a picture's "main clothing" is the one of them with the most pixels (a jacket
# worn open over a shirt: the jacket), the "main clothing" column of the per-slot tables.
CLOTHING = ("top", "bottom", "outer")
MAIN_CLOTHING = "main clothing"

CHECK_COLUMNS = [("slot", "Slot acc.", 3), ("cross", "Cross-ref role acc.", 3), ("steer", "Edit steer", 3),
                 ("leak", "Edit leak", 3), ("hint1", "Hint +1", 3), ("hint3", "Hint +3", 3),
                 ("hint10", "Hint +10", 3), ("headroom", "Oracle − slot acc.", 3), ("click_follow", "Click follow", 3),
                 ("click_leak", "Click leak", 3),
                 ("psnr", "PSNR (dB)", 2), ("ssim", "SSIM", 3)]
# The colour measures' table (train.eval.colour.summarise keys).
COLOUR_COLUMNS = [("palette_de", "Palette ΔE (median)", 1), ("palette_within", "Parts within ΔE 15", 3),
                  ("colour", "Colour acc.", 3), ("colour_pins3", "+3 pins", 3), ("colour_pins10", "+10 pins", 3),
                  ("colour_matches3", "+3 matches", 3), ("click_fix", "Click fixes", 3),
                  ("right_changed", "Right px changed", 1), ("any_right_changed", "Clicks changing a right px", 2),
                  ("role_acc", "Role acc. (pooled)", 3)]


def mean(values) -> float:
    """Mean of the finite values (PSNR's inf counted as :data:`PSNR_CAP`); NaN when there are none."""
    v = np.array([PSNR_CAP if x == math.inf else x for x in values], dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if len(v) else math.nan


def fmt(v, digits=3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    return f"{v:.{digits}f}"


def finite(obj):
    """JSON-safe copy: non-finite floats become None, NumPy scalars plain numbers."""
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


# -- pictures ----------------------------------------------------------------------------

def swatches(palette: Palette, size: int = CELL) -> np.ndarray:
    """A (size, size, 3) tile showing the palette as a grid of squares, in palette order."""
    k = len(palette)
    n = int(math.ceil(math.sqrt(k)))
    tile = np.full((size, size, 3), 255, np.uint8)
    step = size / n
    for i, c in enumerate(palette.colors):
        r, q = divmod(i, n)
        tile[int(r * step):int((r + 1) * step), int(q * step):int((q + 1) * step)] = c
    for j in range(n + 1):  # thin grey borders, so that white swatches show
        e = min(size - 1, int(j * step))
        tile[e, :] = tile[:, e] = 160
    return tile


def make_grid(rows: list[list[np.ndarray]], header: list[str], cell: int = CELL) -> Image.Image:
    """Rows of equally sized cells with a text header line."""
    head = 16
    ncol = len(header)
    grid = Image.new("RGB", (ncol * cell, head + len(rows) * cell), "white")
    draw = ImageDraw.Draw(grid)
    for j, text in enumerate(header):
        draw.text((j * cell + 3, 2), text[:20], fill=(0, 0, 0))
    for i, row in enumerate(rows):
        for j, img in enumerate(row):
            im = Image.fromarray(img).resize((cell, cell), Image.BICUBIC)
            grid.paste(im, (j * cell, head + i * cell))
    return grid


# -- markdown ----------------------------------------------------------------------------

def options_line(methods) -> str:
    m = next((x for x in methods if x.options is not None), None)
    if m is None:
        return "baselines only"
    o = m.options
    return (f"pipeline defaults of the weights (`flat={o.flat}`, `keep_lines={o.keep_lines}`, "
            f"`cel_shading={o.cel_shading}`), noise `{o.noise}`, seed {o.seed}")


def markdown_pairs(summary: dict) -> str:
    cfg = summary["config"]
    lines = [
        "# Colorizer evaluation",
        "",
        f"- data: `{cfg['data']}` - {summary['n_images']} images"
        + (f" (evenly spaced subset of {summary['n_available']})" if summary["n_images"] < summary["n_available"] else ""),
        f"- working size: {cfg['size']} px (longer side; models ran at {cfg.get('net_size', cfg['size'])} px) "
        f"through `Colorizer.batch`: {cfg['options']}",
        f"- palettes: each model's own `Colorizer.extract_palette` of the ground truth (baselines: K-means); "
        f"steer test on {summary['n_steer']} images with a chromatic K-means swatch "
        f"(chroma >= {M.MIN_CHROMA:g}); adherence: CIEDE2000 <= {M.ADHERENCE_DE:g} to the palette given, "
        f"non-line pixels (`line_mask > {LINE_THRESHOLD}`), <= {cfg['max_pixels']} sampled per image",
        f"- runtime: {summary['runtime_s']:.1f} s total ({summary['model_time_s']:.1f} s in models)",
        "",
        "| Method | Palette | PSNR (dB) | SSIM | Adherence | GT ceiling | Steer | Steer control | Net steer |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["rows"]:
        lines.append(
            f"| {row['method']} | {row['palette']} | {fmt(row['psnr'], 2)} | {fmt(row['ssim'])} | "
            f"{fmt(row['adherence'])} | {fmt(row['adherence_gt'])} | {fmt(row.get('steer'))} | "
            f"{fmt(row.get('steer_control'))} | {fmt(row.get('net_steer'))} |")
    lines += ["", "Higher is better everywhere except *Steer control* (≈ 0 expected); net steer = steer "
              "- control, per image. Matched: palette "
              "from the image's own ground truth; cross: palette of the next image (PSNR/SSIM still vs "
              "the image's own ground truth). GT ceiling: the adherence of the palette's source image "
              "to that palette.", ""]
    return "\n".join(lines)


def per_slot_table(rows: list[dict], key: str, slots, fields: tuple[str, str]) -> list[str]:
    """Markdown rows "a / b (n)" per slot of every row's ``key`` (per-slot means with counts)."""
    lines = ["| Method | " + " | ".join(slots) + " |", "|---|" + "---:|" * len(slots)]
    for row in rows:
        cells = []
        for s in slots:
            e = row[key].get(s)
            cells.append("–" if e is None else f"{fmt(e[fields[0]], 2)} / {fmt(e[fields[1]], 2)} ({e['n']})")
        lines.append(f"| {row['method']} | " + " | ".join(cells) + " |")
    return lines


def markdown_checkset(summary: dict) -> str:
    cfg = summary["config"]
    lines = ["# Colorizer evaluation: anime check set", "",
             f"- check set: `{cfg['checkset']}`; working size {cfg['size']} px (models ran at "
             f"{cfg['net_size']} px) through `Colorizer.batch`: {cfg['options']}",
             "- palettes: each model's `Colorizer.extract_palette` of the picture itself (matched) or of "
             f"`{REFERENCES.get(cfg.get('reference', 'pose'), 'reference')}/<id>.png` (cross: another "
             f"picture of the character, reference kind `{cfg.get('reference', 'pose')}`); baselines: K-means",
             "- slot accuracy: share of figure pixels whose nearest K-means colour of the ground truth "
             "(CIE76) is the ground truth's there; region oracle: every line-enclosed region in its true "
             "majority colour (the ceiling of flat colouring on this line art)",
             f"- edits: {cfg['edits_desc']}; steer: share of the slot's pixels nearer the new colour than the "
             f"old; leak: share of the rest of the figure that moved by > {SM.LEAK_DELTA_E:g} (CIE76); "
             "weights without slots edit the swatch nearest the slot's true colour",
             f"- {ROLE_CEILING}: edit steer / leak of flat colours with every region given its true majority "
             "slot and each slot its true colour (no model): pixels a region shares with another part (a gap "
             "in the ink, a part the lines do not close) move with the region, so no role head can do better "
             "with these regions",
             "- hint +N: slot accuracy with the N largest figure regions pinned to their true slot, minus "
             "without (semantic weights only); with one colour per region it cannot exceed the region oracle minus the "
             "slot accuracy (column 'Oracle − slot acc.')",
             "- click follow / leak: one click in a slot's largest region names a slot the picture lacks, "
             "whose swatch is set to a far colour; follow: share of the slot's pixels outside the clicked "
             "region that take the new colour; leak: share of the rest of the figure (clicked region aside) "
             "that moved (semantic weights only)",
             f"- runtime: {summary['runtime_s']:.1f} s total", ""]
    for subset, block in summary["subsets"].items():
        lines += [f"## {subset} ({block['n']} pictures)", ""]
        if block.get("generator_check") in ("stale", "unchecked"):
            lines += [f"Generated subset {block['generator_check']}: see `python -m train.data checkset --out "
                      f"{cfg['checkset']} --check`.", ""]
        lines += ["| Method | " + " | ".join(c[1] for c in CHECK_COLUMNS) + " |",
                  "|---|" + "---:|" * len(CHECK_COLUMNS)]
        lines.append("| region oracle (ceiling) | " + fmt(block["oracle"]) + " |" + " – |" * (len(CHECK_COLUMNS) - 1))
        for row in block["rows"]:
            lines.append(f"| {row['method']} | " + " | ".join(fmt(row[k], d) for k, _, d in CHECK_COLUMNS) + " |")
        title = f"Edit steer / leak per slot ({MAIN_CLOTHING}: each picture's largest of {' / '.join(CLOTHING)}):"
        lines += ["", title, ""] + per_slot_table(block["rows"], "per_slot", SLOTS + (MAIN_CLOTHING,),
                                                  ("steer", "leak"))
        clicked = [row for row in block["rows"] if row.get("per_slot_click")]
        if clicked:
            lines += ["", "Click follow / leak per slot (clicks):", ""] + per_slot_table(
                clicked, "per_slot_click", SLOTS[1:], ("follow", "leak"))
        lines.append("")
        if "colour_oracle" in block:
            lines += markdown_colour(subset, block, cfg.get("matches", ""))
    return "\n".join(lines)


def confusion_table(name: str, conf: np.ndarray) -> list[str]:
    """Markdown of a slot confusion (rows true slot, columns painted slot): per true slot its
    pixels, the share painted with its own slot and the slot most of the rest went to."""
    conf = np.asarray(conf)
    total = conf.sum()
    lines = [f"### `{name}`: pooled accuracy {np.trace(conf) / max(total, 1):.3f} over {total:,} figure pixels", "",
             "| true slot | pixels | own slot | most of the rest to | share |", "|---|---:|---:|---|---:|"]
    for s in range(len(conf)):
        n = conf[s].sum()
        if not n:
            continue
        rest = conf[s].copy()
        rest[s] = 0
        j = int(rest.argmax())
        lines.append(f"| {SLOTS[s]} | {n:,} | {conf[s, s] / n:.2f} | {SLOTS[j] if rest[j] else '-'} | "
                     f"{rest[j] / n:.2f} |")
    return lines + [""]


def markdown_colour(subset: str, block: dict, matches: str = "") -> list[str]:
    """The colour measures of one subset: the table, ΔE per part, the pooled role confusion of
    every model that names parts and its role accuracy per picture."""
    from train.eval.colour import SAME_DE

    rows = [r for r in block["rows"] if r.get("colour")]
    ref = block.get("reference", "reference" if subset == "generator" else None)  # older results: no key
    source = f"`{ref}/<id>.png` (another picture of the character)" if ref \
        else "the picture itself"
    lines = [f"### {subset}: colour measures", "",
             f"Palette from {source}; parts are slots. Palette ΔE: CIEDE2000 between each part's true colour "
             "(the dominant colour of its pixels in the palette's picture) and its slot's swatch (weights "
             "without part names: the nearest swatch). Colour acc.: share of figure pixels whose output colour "
             "is nearest (CIE76) to their own part's true colour in the ground truth among all parts' true "
             f"colours (parts whose true colours are within {SAME_DE:g} (CIE76) of each other count as one). "
             "+N pins / +3 matches: colour acc. gain with the N largest true parts pinned at their "
             "centre-most pixel to their slot / matched to the same part's centre-most pixel in the reference"
             + (f" ({matches})" if matches else "") + ". Click fixes: one pin in the largest wrongly painted "
             "region of the part with most wrong pixels; the share of that part's other wrong pixels it fixes; "
             "right px changed: pixels right before (outside the clicked region) whose colour moved by > "
             f"{SM.LEAK_DELTA_E:g} (CIE76), mean per picture.", "",
             "| Method | " + " | ".join(c[1] for c in COLOUR_COLUMNS) + " |", "|---|" + "---:|" * len(COLOUR_COLUMNS),
             f"| region oracle (ceiling) | – | – | {fmt(block['colour_oracle'])} |" + " – |" * (len(COLOUR_COLUMNS) - 3)]
    for r in rows:
        lines.append(f"| {r['method']} | " + " | ".join(fmt(r["colour"][k], d) for k, _, d in COLOUR_COLUMNS) + " |")
    parts = [s for s in SLOTS[1:] if any(s in r["colour"]["per_part"] for r in rows)]
    if parts:
        lines += ["", "Palette ΔE per part (median, CIEDE2000; parts counted):", "",
                  "| Method | " + " | ".join(parts) + " |", "|---|" + "---:|" * len(parts)]
        for r in rows:
            pp = r["colour"]["per_part"]
            lines.append(f"| {r['method']} | " + " | ".join(
                f"{fmt(pp[s]['de'], 1)} ({pp[s]['n']})" if s in pp else "–" for s in parts) + " |")
    named = [r for r in rows if r["colour"].get("confusion") is not None]
    if named:
        lines += ["", f"Role confusion of the sketch segmentation (`result.slots` against the part labels), "
                  f"pooled over {block['n']} pictures:", ""]
        for r in named:
            lines += confusion_table(r["method"], np.array(r["colour"]["confusion"]))
        ids = block.get("ids", [])
        lines += ["Role accuracy per picture:", "", "| Picture | " + " | ".join(r["method"] for r in named) + " |",
                  "|---|" + "---:|" * len(named)]
        for i, pid in enumerate(ids):
            lines.append(f"| {pid} | " + " | ".join(fmt(r["colour"]["role_acc_per_picture"][i]) for r in named) + " |")
    return lines + [""]
