"""python -m train.eval checkset: slot accuracy, oracle, cross-reference, edits and hints through the
pipeline, on a hand-made check set with known answers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, preset
from colorizer.generator import Generator
from colorizer.roles import NUM_ROLES, NUM_SLOTS, ROLE_INDEX, SLOT_INDEX, SLOTS as SLOTS_NAMES, labels_to_slots
from train.eval import checkset as E
from train.eval import report as R
from train.eval.cli import main as cli_main
from train.eval.methods import build_methods, kmeans_palette

SIZE = 96
SKIN, HAIR, TOP = (240, 200, 180), (120, 60, 40), (40, 120, 200)
BOXES = [((30, 6, 66, 36), SKIN, ROLE_INDEX["skin"]),      # head
         ((8, 6, 26, 86), HAIR, ROLE_INDEX["hair"]),       # hair, left of the head
         ((30, 40, 86, 90), TOP, ROLE_INDEX["top"])]       # body, the largest part


def picture():
    color = Image.new("RGB", (SIZE, SIZE), "white")
    sketch = Image.new("L", (SIZE, SIZE), 255)
    labels = Image.new("L", (SIZE, SIZE), ROLE_INDEX["background"])
    for box, rgb, role in BOXES:
        ImageDraw.Draw(color).rectangle(box, fill=rgb, outline="black", width=2)
        ImageDraw.Draw(sketch).rectangle(box, outline=0, width=2)
        ImageDraw.Draw(labels).rectangle(box, fill=role, outline=ROLE_INDEX["line"], width=2)
    return color, sketch, labels


@pytest.fixture
def checkset(tmp_path):
    root = tmp_path / "cs"
    root.mkdir()
    (root / "CHECKSET").write_text("check set\n")
    color, sketch, labels = picture()
    for subset, ids in (("ardentryst", ["a0", "a1"]), ("generator", ["g0", "g1"])):
        dirs = ["sketch", "color", "labels"] + (["reference", "reference_labels"] if subset == "generator" else [])
        for d in dirs:
            (root / subset / d).mkdir(parents=True)
        for i, pid in enumerate(ids):
            c = color if i == 0 else color.transpose(Image.FLIP_LEFT_RIGHT)
            s = sketch if i == 0 else sketch.transpose(Image.FLIP_LEFT_RIGHT)
            lab = labels if i == 0 else labels.transpose(Image.FLIP_LEFT_RIGHT)
            c.save(root / subset / "color" / f"{pid}.png")
            s.save(root / subset / "sketch" / f"{pid}.png")
            lab.save(root / subset / "labels" / f"{pid}.png")
            if subset == "generator":   # the "other picture" of the character: the same one here
                c.save(root / subset / "reference" / f"{pid}.png")
                lab.save(root / subset / "reference_labels" / f"{pid}.png")
    return root


def semantic_colorizer() -> Colorizer:
    torch.manual_seed(0)
    return Colorizer(Generator(preset("tiny", hints=True, num_roles=NUM_ROLES)), device="cpu", backend="torch")


def true_palette(pic):
    """The exact slot palette of a picture: each present slot its true colour (what a perfect
    segmentation of the reference would give), the others grey."""
    from colorizer import Palette

    cols = np.full((NUM_SLOTS, 3), 128, np.uint8)
    for s, c in pic.true_colors.items():
        cols[s] = c
    return Palette(cols, np.full(NUM_SLOTS, 1 / NUM_SLOTS))


def test_loading_a_check_picture(checkset):
    pic = E.load_check_picture(checkset, "generator", "g0", SIZE, index=0, edits=0)
    assert pic.gt.shape == (SIZE, SIZE, 3) and pic.sketch.size == (SIZE, SIZE)
    assert pic.oracle_acc == 1.0                     # closed boxes: the oracle is exact
    assert sorted(pic.slot_regions) == [SLOT_INDEX[s] for s in ("background", "skin", "hair", "top")]
    assert pic.edit_slots == sorted(pic.slot_regions)
    assert tuple(pic.true_colors[SLOT_INDEX["hair"]]) == HAIR
    # hints: the figure regions, largest first (body, hair, head), each with its true slot; no background
    assert [h[2] for h in pic.hints] == [SLOT_INDEX["top"], SLOT_INDEX["hair"], SLOT_INDEX["skin"]]
    x, y, _ = pic.hints[0]
    assert 30 < x < 86 and 40 < y < 90
    assert pic.reference is not None and set(pic.ref_roles) == {"skin", "hair", "top"}
    # edits in rotation: one slot per picture, the next one for the next picture
    a = E.load_check_picture(checkset, "ardentryst", "a0", SIZE, index=0, edits=1)
    b = E.load_check_picture(checkset, "ardentryst", "a1", SIZE, index=1, edits=1)
    assert len(a.edit_slots) == len(b.edit_slots) == 1 and a.edit_slots != b.edit_slots
    assert a.reference is None


def test_known_answers_for_the_flat_fill_baseline(checkset):
    pic = E.load_check_picture(checkset, "generator", "g0", SIZE, index=0, edits=0)
    flat = next(m for m in build_methods({}, SIZE) if m.name == "baseline: flat fill")
    r, out = E.score_check_picture(flat, pic)
    # flat fill paints every enclosed region in the most common non-white colour: the top's
    fig = pic.figure
    top = (labels_to_slots(pic.labels) == SLOT_INDEX["top"]) & fig
    assert r["slot"] == pytest.approx(top.sum() / fig.sum())
    assert r["headroom"] == pytest.approx(1.0 - top.sum() / fig.sum())   # the oracle is exact here
    assert r["edits"]["top"]["steer"] == 1.0 and r["edits"]["top"]["leak"] == 1.0   # every region moved
    assert r["edits"]["hair"]["steer"] == 0.0 and r["edits"]["hair"]["leak"] == 0.0
    assert math.isnan(r["hint1"])                     # a baseline takes no hints
    per_role, mean = r["cross_roles"], r["cross"]
    assert per_role["top"] == 1.0 and per_role["skin"] == 0.0 and mean == pytest.approx(r["slot"])


def test_hints_pin_regions_to_their_true_slots(checkset):
    pic = E.load_check_picture(checkset, "generator", "g0", SIZE, index=0, edits=1)
    c = semantic_colorizer()
    m = build_methods({"sem": c}, SIZE, baselines=False)[0]
    m.options = m.options.replace(cel_shading=False)  # the untrained network's shading would move colours
    m.palettes[(pic.subset, pic.id, "self")] = true_palette(pic)   # the palette a perfect reference segmentation gives
    pal = m.palette(pic.reference_self, (pic.subset, pic.id, "self"))
    assert [pal.to_hex()[SLOT_INDEX[s]] for s in ("skin", "hair", "top")] == ["#f0c8b4", "#783c28", "#2878c8"]
    r, _ = E.score_check_picture(m, pic)
    # the three figure regions pinned to their true slots: every figure pixel is right
    assert r["slot"] + r["hint3"] == pytest.approx(1.0) and r["slot"] + r["hint10"] == pytest.approx(1.0)
    assert r["hint1"] >= 0.0 and r["slot"] + r["hint1"] >= top_share(pic) - 1e-9
    (slot, e), = r["edits"].items()
    assert e["swatch"] == SLOT_INDEX[slot]           # semantic weights edit the slot itself


def top_share(pic) -> float:
    return float(((labels_to_slots(pic.labels) == SLOT_INDEX["top"]) & pic.figure).sum() / pic.figure.sum())


def test_evaluate_checkset_end_to_end_and_cli(checkset, tmp_path):
    models = {"sem": semantic_colorizer(), "plain": Colorizer.from_random(preset("tiny"), backend="torch")}
    out = tmp_path / "eval"
    summary = E.evaluate_checkset(models, checkset, out, size=SIZE, edits=0, progress=False, cell=48)
    assert set(summary["subsets"]) == {"ardentryst", "generator"}
    for subset, block in summary["subsets"].items():
        assert block["n"] == 2 and block["oracle"] == 1.0
        rows = {r["method"]: r for r in block["rows"]}
        assert set(rows) == {R.ROLE_CEILING, "sem", "plain", "baseline: sketch", "baseline: flat fill"}
        ceiling = rows.pop(R.ROLE_CEILING)    # no model: edits only
        assert math.isfinite(ceiling["steer"]) and math.isfinite(ceiling["leak"]) and math.isnan(ceiling["slot"])
        for name, row in rows.items():
            for k in ("slot", "steer", "leak", "psnr", "ssim"):
                assert math.isfinite(row[k]), (subset, name, k)
            assert math.isfinite(row["cross"]) == (subset == "generator")
            assert math.isfinite(row["hint3"]) == (name == "sem")
            assert set(row["per_slot"]) == {"background", "skin", "hair", "top", R.MAIN_CLOTHING}
            assert row["per_slot"][R.MAIN_CLOTHING] == row["per_slot"]["top"]  # the only clothing
        assert (out / f"grid_{subset}.png").is_file()
    md = (out / "results.md").read_text()
    assert "## ardentryst (2 pictures)" in md and "## generator (2 pictures)" in md
    assert "| region oracle (ceiling) | 1.000 |" in md and "| sem |" in md and f"| {R.ROLE_CEILING} |" in md
    saved = json.loads((out / "results.json").read_text())
    assert saved["config"]["edits"] == 0 and len(saved["per_picture"]["generator"]["sem"]) == 2
    grid = Image.open(out / "grid_generator.png")
    assert grid.size == (48 * (3 + 4 + 1), 16 + 2 * 48)   # sketch, palette, oracle, 4 methods, truth
    # the command line
    assert cli_main(["checkset", "--random-weights", "tiny", "--checkset", str(checkset), "--size", str(SIZE), "--subsets",
                   "generator", "--out", str(tmp_path / "cli"), "--no-progress", "--threads", "1"]) == 0
    assert "## generator (2 pictures)" in (tmp_path / "cli" / "results.md").read_text()
    # --no-shading: a row with cel shading off, whose options say so
    methods = build_methods({"sem": models["sem"]}, SIZE, no_shading=True, baselines=False)
    assert [m.name for m in methods] == ["sem", "sem (no cel shading)"]
    assert methods[0].options.cel_shading and not methods[1].options.cel_shading
    assert cli_main(["checkset", "--random-weights", "tiny", "--checkset", str(checkset), "--size", str(SIZE), "--subsets",
                   "generator", "--out", str(tmp_path / "ns"), "--no-progress", "--threads", "1", "--no-shading"]) == 0
    assert "| random tiny (no cel shading) |" in (tmp_path / "ns" / "results.md").read_text()
    with pytest.raises(SystemExit, match="not a check set"):
        E.evaluate_checkset(models, tmp_path, out, size=SIZE, progress=False)


class HalvesColourer:
    """A stand-in for a Colorizer on the halves pictures below: ``perfect`` paints the left of the
    sketch's vertical line red and the right blue (the truth); otherwise everything blue."""

    semantic = False
    weights_id = "halves"

    def __init__(self, perfect: bool):
        self.perfect = perfect

    def options(self, **kw):
        from colorizer.options import ColorizeOptions

        return ColorizeOptions(**kw)

    def extract_palette(self, reference):
        return kmeans_palette(reference)

    def batch(self, sketches, palettes=None, options=None, hints=None):
        from types import SimpleNamespace

        out = []
        for s in sketches:
            ink = np.asarray(s.convert("L")) < 128
            img = np.empty(ink.shape + (3,), np.uint8)
            img[:] = (40, 60, 220)
            if self.perfect:
                img[:, : int(np.nonzero(ink.any(axis=0))[0].min())] = (220, 30, 30)
            img[ink] = 0
            out.append(SimpleNamespace(image=Image.fromarray(img)))
        return out


def test_known_answers_on_a_built_check_set(tmp_path):
    """The layout train.data.checkset writes (generator subset with reference/ and reference_labels/),
    scored end to end: the truth gets slot and cross-reference accuracy 1, an all-"hair" colourer 0.5."""
    from types import SimpleNamespace

    from train.data.checkset import build_checkset

    def generate(seed, size, variant):       # left half skin (red), right half hair (blue), a line between
        col = np.full((size, size, 3), (220, 30, 30), np.uint8)
        col[:, size // 2:] = (40, 60, 220)
        sk = np.full((size, size), 255, np.uint8)
        sk[:, size // 2 - 1:size // 2 + 1] = 0
        col[sk < 128] = 0
        lab = np.full((size, size), ROLE_INDEX["skin"], np.uint8)
        lab[:, size // 2:] = ROLE_INDEX["hair"]
        lab[sk < 128] = ROLE_INDEX["line"]
        return SimpleNamespace(color=Image.fromarray(col), sketch=Image.fromarray(sk, "L"),
                               labels=Image.fromarray(lab, "L"))

    root = tmp_path / "cs"
    build_checkset(root, size=64, generator_count=2, subsets=["generator"], generate=generate)
    summary = E.evaluate_checkset({"perfect": HalvesColourer(True), "blank": HalvesColourer(False)}, root,
                                  tmp_path / "eval", size=64, subsets=["generator"], progress=False,
                                  baselines=False)
    block = summary["subsets"]["generator"]
    rows = {r["method"]: r for r in block["rows"]}
    assert block["n"] == 2 and block["oracle"] == pytest.approx(1.0)
    assert rows["perfect"]["slot"] == pytest.approx(1.0) and rows["perfect"]["cross"] == pytest.approx(1.0)
    assert rows["blank"]["slot"] == pytest.approx(0.5) and rows["blank"]["cross"] == pytest.approx(0.5)


@pytest.mark.parametrize("gap", [False, True])
def test_role_ceiling_edits_move_what_a_region_shares(tmp_path, gap):
    """Perfect roles, flat colours: with the line between skin (left, 5/8) and hair closed, each
    edit moves its own part only; with a gap in it, skin and hair are one region, which takes its
    majority slot (skin), so a skin edit moves all of the hair too and a hair edit moves nothing
    (its steer then only says whether the skin's red is nearer the new colour than the old)."""
    from types import SimpleNamespace

    from train.data.checkset import build_checkset

    def generate(seed, size, variant):
        cut = size * 5 // 8
        col = np.full((size, size, 3), (220, 30, 30), np.uint8)
        col[:, cut:] = (40, 60, 220)
        sk = np.full((size, size), 255, np.uint8)
        sk[:, cut - 1:cut + 1] = 0
        if gap:
            sk[size // 3: 2 * size // 3, cut - 1:cut + 1] = 255
        col[sk < 128] = 0
        lab = np.full((size, size), ROLE_INDEX["skin"], np.uint8)
        lab[:, cut:] = ROLE_INDEX["hair"]
        lab[sk < 128] = ROLE_INDEX["line"]
        return SimpleNamespace(color=Image.fromarray(col), sketch=Image.fromarray(sk, "L"),
                               labels=Image.fromarray(lab, "L"))

    root = tmp_path / "cs"
    build_checkset(root, size=64, generator_count=1, subsets=["generator"], generate=generate)
    pid = E.check_ids(root, "generator")[0]
    pic = E.load_check_picture(root, "generator", pid, 64, 0, 0)
    r = E.role_oracle_edits(pic)
    skin, hair = r["edits"]["skin"], r["edits"]["hair"]
    assert skin["steer"] == pytest.approx(1.0)
    if gap:
        assert skin["leak"] == pytest.approx(1.0) and hair["leak"] == 0.0
    else:
        assert skin["leak"] == 0.0 and hair["steer"] == pytest.approx(1.0) and hair["leak"] == 0.0


def test_main_clothing_is_the_largest_edited_clothing_slot():
    from types import SimpleNamespace

    m = np.zeros((8, 8), bool)
    big, small = m.copy(), m.copy()
    big[:4], small[6:] = True, True
    regions = {SLOT_INDEX["skin"]: big, SLOT_INDEX["top"]: small, SLOT_INDEX["outer"]: big}
    pic = SimpleNamespace(slot_regions=regions, edit_slots=sorted(regions))
    assert E.main_clothing(pic) == "outer"           # an open jacket over a shirt: the jacket
    pic.edit_slots = [SLOT_INDEX["skin"], SLOT_INDEX["top"]]
    assert E.main_clothing(pic) == "top"
    pic.edit_slots = [SLOT_INDEX["skin"]]
    assert E.main_clothing(pic) is None
    res = [{"edits": {"top": {"steer": 1.0, "leak": 0.0}, "outer": {"steer": 0.5, "leak": 0.2}},
            "main_clothing": "outer"},
           {"edits": {"top": {"steer": 0.0, "leak": 0.1}}, "main_clothing": "top"}, {"edits": {}}]
    per = E.per_slot(res, "edits", ("steer", "leak"))
    assert per[R.MAIN_CLOTHING] == {"steer": 0.25, "leak": pytest.approx(0.15), "n": 2}
    assert per["top"]["n"] == 2 and per["outer"]["n"] == 1
    clicks = [{"clicks": {"top": {"follow": 1.0, "leak": 0.0}}, "main_clothing": "top"}]
    assert set(E.per_slot(clicks, "clicks", ("follow", "leak"))) == {"top"}


class PartColourer:
    """A semantic stand-in that paints every true part in its slot's swatch. A click pins its
    region to the named slot; with ``spread`` the whole part under the click follows it."""

    semantic = True
    weights_id = "parts"

    def __init__(self, slots: np.ndarray, spread: bool):
        self.slots, self.spread = slots, spread

    def options(self, **kw):
        from colorizer.options import ColorizeOptions

        return ColorizeOptions(**kw)

    def extract_palette(self, reference):
        from colorizer import Palette

        rgb = np.asarray(reference.convert("RGB"))
        cols = np.array([rgb[self.slots == k][0] if (self.slots == k).any() else (128, 128, 128)
                         for k in range(NUM_SLOTS)], np.uint8)
        return Palette(cols, np.full(NUM_SLOTS, 1 / NUM_SLOTS))

    def batch(self, sketches, palettes=None, options=None, hints=None):
        from types import SimpleNamespace

        from train.eval.slot_metrics import sketch_regions

        out = []
        for i, (s, p) in enumerate(zip(sketches, palettes)):
            slots = self.slots.copy()
            regions = sketch_regions(s, 0.5)
            for x, y, k in (hints[i] if hints else []):
                where = (slots == slots[y, x]) if self.spread else (regions == regions[y, x])
                slots = np.where(where, k, slots)
            img = np.zeros(slots.shape + (3,), np.uint8)
            for k in range(NUM_SLOTS):
                img[slots == k] = p.colors[k]
            img[np.asarray(s.convert("L")) < 128] = 0
            out.append(SimpleNamespace(image=Image.fromarray(img)))
        return out


def test_click_follow_known_answers(tmp_path):
    """Hair in two boxes: a click on the larger names an absent slot. A colourer that moves the
    whole part follows 1.0 (the other box), one that only pins the clicked region 0.0; neither leaks."""
    root = tmp_path / "cs"
    (root / "ardentryst").mkdir(parents=True)
    (root / "CHECKSET").write_text("check set\n")
    color, sketch, labels = picture()
    extra = (70, 6, 90, 36)                           # a second hair box, right of the head
    for img, fill, line in ((color, HAIR, "black"), (sketch, None, 0), (labels, ROLE_INDEX["hair"], ROLE_INDEX["line"])):
        ImageDraw.Draw(img).rectangle(extra, fill=fill, outline=line, width=2)
    for d, img in (("color", color), ("sketch", sketch), ("labels", labels)):
        (root / "ardentryst" / d).mkdir()
        img.save(root / "ardentryst" / d / "a0.png")
    pic = E.load_check_picture(root, "ardentryst", "a0", SIZE, index=0, edits=0)
    slots = labels_to_slots(pic.labels)
    clicks = {SLOTS_NAMES[s]: (b, xy) for s, b, xy, _ in pic.clicks}
    assert set(clicks) == {"hair"}                    # skin and top are one region each: nothing else to follow
    b, (x, y) = clicks["hair"]
    assert not (slots == b).any() and 8 < x < 26      # an absent slot; the click in the larger (left) box
    rows = {}
    for spread in (True, False):
        m = build_methods({"c": PartColourer(slots, spread)}, SIZE, baselines=False)[0]
        rows[spread], _ = E.score_check_picture(m, pic)
    assert rows[True]["clicks"]["hair"]["follow"] == pytest.approx(1.0)
    assert rows[False]["clicks"]["hair"]["follow"] == pytest.approx(0.0)
    assert rows[True]["click_leak"] == pytest.approx(0.0) and rows[False]["click_leak"] == pytest.approx(0.0)
    assert rows[True]["slot"] == pytest.approx(1.0)
    md = R.markdown_checkset({"config": {"checkset": "x", "size": SIZE, "net_size": SIZE, "options": "-",
                                         "edits_desc": "all"}, "runtime_s": 0.0,
                              "subsets": {"ardentryst": {"n": 1, "oracle": 1.0, "rows": [
                                  {"method": "c", **{k: rows[True].get(k, math.nan) for k, _, _ in R.CHECK_COLUMNS},
                                   "per_slot": {}, "per_slot_click": {"hair": {"follow": 1.0, "leak": 0.0, "n": 1}}}]}}})
    assert "| Click follow | Click leak |" in md and "Click follow / leak per slot" in md
    assert "| c | – | 1.00 / 0.00 (1) | – |" in md     # the click table: skin, hair, eyes, ...
