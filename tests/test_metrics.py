"""Metrics, baselines and the evaluation harness on hand-made images with known answers."""

import json
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from train.eval import metrics as M
from train.eval.baselines import background_mask, fill_color, flat_fill, line_pixels, sketch_baseline

RED, GREEN, BLUE, WHITE, BLACK = (220, 30, 30), (30, 180, 60), (40, 60, 200), (255, 255, 255), (0, 0, 0)


def solid(color, h=16, w=16):
    return np.full((h, w, 3), color, np.uint8)


def circle_sketch(size=64, fill=None):
    """A black circle outline on white; with ``fill``, also the coloured picture."""
    img = Image.new("RGB", (size, size), WHITE)
    d = ImageDraw.Draw(img)
    box = (size // 4, size // 4, 3 * size // 4, 3 * size // 4)
    if fill is not None:
        d.ellipse(box, fill=fill)
    d.ellipse(box, outline=BLACK, width=2)
    return np.asarray(img).copy()


# -- PSNR / SSIM -------------------------------------------------------------------------

def test_identical_images_psnr_inf_ssim_one():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    assert M.psnr(a, a.copy()) == math.inf
    assert M.ssim(a, a.copy()) == pytest.approx(1.0)


@pytest.mark.parametrize("d", [1, 5, 40])
def test_uniform_shift_psnr(d):
    a = np.full((20, 20, 3), 100, np.uint8)
    b = a + np.uint8(d)
    assert M.psnr(a, b) == pytest.approx(20 * math.log10(255 / d))


def test_shape_mismatch_raises():
    with pytest.raises(ValueError):
        M.psnr(solid(RED, 4, 4), solid(RED, 5, 4))


# -- adherence ---------------------------------------------------------------------------

def test_adherence_exact_swatch_colours_is_one():
    pal = np.array([RED, GREEN, BLUE, WHITE], np.uint8)
    img = np.concatenate([solid(c, 8, 8) for c in pal], axis=1)
    assert M.palette_adherence(img, pal) == 1.0


def test_adherence_far_colours_is_zero():
    pal = np.array([WHITE, (250, 250, 250), (240, 240, 235)], np.uint8)
    img = np.concatenate([solid(c, 8, 8) for c in (RED, GREEN, BLUE, BLACK)], axis=1)
    assert M.palette_adherence(img, pal) == 0.0


def test_adherence_respects_mask_and_threshold():
    pal = np.array([RED], np.uint8)
    img = np.concatenate([solid(RED, 4, 4), solid(BLUE, 4, 4)], axis=1)
    mask = np.zeros((4, 8), bool)
    mask[:, :4] = True
    assert M.palette_adherence(img, pal, mask) == 1.0
    assert M.palette_adherence(img, pal) == 0.5
    near = solid((224, 34, 30), 4, 4)  # a few levels off: well within 15 CIEDE2000
    assert M.palette_adherence(near, pal) == 1.0
    assert math.isnan(M.palette_adherence(img, pal, np.zeros((4, 8), bool)))


# -- steer -------------------------------------------------------------------------------

def test_steer_swatch_skips_achromatic_and_far_color():
    pal = np.array([WHITE, BLACK, (128, 128, 128), RED, BLUE], np.uint8)
    shares = np.array([0.4, 0.2, 0.15, 0.15, 0.1])
    assert M.steer_swatch(pal, shares) == 3
    assert M.steer_swatch(np.array([WHITE, BLACK], np.uint8), np.array([0.5, 0.5])) is None
    new = M.far_color(RED)
    d = M.delta_e(M.to_lab(np.array([RED], np.uint8)), M.to_lab(M.STEER_CANDIDATES))[0]
    assert M.delta_e(M.to_lab(np.array([RED], np.uint8)), M.to_lab(new[None]))[0, 0] == pytest.approx(d.max())


def test_steer_hand_made_case():
    pal = np.array([WHITE, RED, BLUE], np.uint8)
    gt = solid(WHITE, 10, 10)
    gt[2:6, 2:6] = RED
    gt[7:9, 7:9] = BLUE
    region = M.steer_region(gt, pal, 1)
    assert region.sum() == 16 and region[2:6, 2:6].all()
    new = (0, 255, 0)
    edited = gt.copy()
    edited[region] = new
    assert M.steer_score(edited, region, RED, new) == 1.0     # output is the new colour in the region
    assert M.steer_score(gt, region, RED, new) == 0.0         # unchanged output: control
    half = gt.copy()
    half[2:4, 2:6] = new
    assert M.steer_score(half, region, RED, new) == 0.5
    assert math.isnan(M.steer_score(gt, np.zeros((10, 10), bool), RED, new))


def test_steer_region_mask_excludes_lines():
    pal = np.array([WHITE, RED], np.uint8)
    gt = solid(RED, 4, 4)
    lines = np.zeros((4, 4), bool)
    lines[0] = True
    assert M.steer_region(gt, pal, 1, ~lines).sum() == 12


# -- baselines ---------------------------------------------------------------------------

def test_sketch_baseline_is_sketch():
    sk = circle_sketch()
    assert np.array_equal(sketch_baseline(sk), sk)


def test_flat_fill_circle():
    sk = circle_sketch(64)
    pal = np.array([WHITE, BLUE, RED, GREEN], np.uint8)
    shares = np.array([0.5, 0.1, 0.3, 0.1])            # most common non-white: RED
    assert tuple(fill_color(pal, shares)) == RED
    out = flat_fill(sk, pal, shares)
    assert tuple(out[2, 2]) == WHITE                   # outside stays white
    assert tuple(out[32, 32]) == RED                   # inside takes the fill colour
    lines = line_pixels(sk)
    assert lines.any() and np.array_equal(out[lines], sk[lines])   # lines keep the sketch's value
    assert not background_mask(lines)[32, 32]


def test_fill_color_all_white_palette():
    pal = np.array([WHITE, (240, 240, 240)], np.uint8)
    assert tuple(fill_color(pal, np.array([0.2, 0.8]))) == WHITE


# -- harness end to end ------------------------------------------------------------------

def write_pairs(root, n=3, size=64):
    fills = [RED, GREEN, BLUE, (240, 200, 60)]
    for split in ("test",):
        for sub in ("sketch", "color"):
            (root / split / sub).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            Image.fromarray(circle_sketch(size)).save(root / split / "sketch" / f"p{i}.png")
            Image.fromarray(circle_sketch(size, fill=fills[i % len(fills)])).save(root / split / "color" / f"p{i}.png")
    return root / "test"


def test_harness_end_to_end(tmp_path):
    from colorizer import Colorizer, preset
    from train.eval.cli import main
    from train.eval.pairs import evaluate_pairs as evaluate

    data = write_pairs(tmp_path)
    out = tmp_path / "eval"
    summary = evaluate({"tiny": Colorizer.from_random(preset("tiny"))}, data, out, size=64,
                       limit=None, batch_size=2, progress=False)
    for name in ("results.md", "results.json", "grid.png"):
        assert (out / name).is_file()
    assert summary["n_images"] == 3 and summary["n_steer"] == 3
    methods = {r["method"] for r in summary["rows"]}
    assert methods == {"tiny", "baseline: sketch", "baseline: flat fill"}
    for row in summary["rows"]:
        for key in ("psnr", "ssim", "adherence", "adherence_gt"):
            assert math.isfinite(row[key]), (row, key)
        if row["palette"] == "matched":
            assert math.isfinite(row["steer"]) and math.isfinite(row["steer_control"])
    by = {(r["method"], r["palette"]): r for r in summary["rows"]}
    sketch_row = by[("baseline: sketch", "matched")]
    # the sketch ignores the palette: edited and unedited outputs are equal, so steer == control
    assert sketch_row["steer"] == sketch_row["steer_control"] and sketch_row["net_steer"] == 0.0
    assert by[("baseline: flat fill", "matched")]["steer"] == 1.0   # the edited swatch is the fill colour
    assert by[("baseline: flat fill", "matched")]["steer_control"] == 0.0
    assert by[("baseline: flat fill", "matched")]["net_steer"] == 1.0
    data_json = json.loads((out / "results.json").read_text())
    assert data_json["n_images"] == 3
    assert "| tiny | matched |" in (out / "results.md").read_text()
    # the command line, with --random-weights
    assert main(["pairs", "--random-weights", "tiny", "--data", str(data), "--size", "64", "--out", str(tmp_path / "cli"),
                 "--no-progress", "--threads", "1"]) == 0
    assert (tmp_path / "cli" / "grid.png").is_file()


def test_harness_scores_exactly_what_the_pipeline_returns(tmp_path):
    """Every model row is Colorizer.batch with the weights' defaults (flat colours, lines on top):
    the harness neither resizes nor overlays lines itself."""
    from colorizer import Colorizer, preset
    from train.eval.methods import build_methods
    from train.eval.pairs import find_pairs, load_sample

    data = write_pairs(tmp_path, n=2, size=80)
    c = Colorizer.from_random(preset("tiny"))
    m = build_methods({"tiny": c}, size=64, raw=True, baselines=False)
    assert [x.name for x in m] == ["tiny", "tiny (raw)"]
    assert m[0].options.flat and m[0].options.keep_lines and m[0].options.size == 64
    assert not m[1].options.flat and not m[1].options.keep_lines
    s = load_sample(*find_pairs(data)[0], size=64, palette_size=9, max_pixels=100, seed=0)
    assert s.sketch.shape == (64, 64, 3)
    pal = m[0].palette(s.reference, s.id)
    assert pal.to_hex() == c.extract_palette(s.reference).to_hex()
    got = m[0].colour([s.sketch_image], [pal])[0]
    want = np.asarray(c(s.sketch_image, palette=pal, size=64, seed=0).image)
    assert np.array_equal(got, want)
    ink = s.lines
    assert got[ink].max() < 100                    # the pipeline's line overlay
    raw = m[1].colour([s.sketch_image], [pal])[0]
    assert np.array_equal(raw, np.asarray(c(s.sketch_image, palette=pal, size=64, seed=0, flat=False,
                                            keep_lines=False).image))


def test_harness_keep_lines_rows(tmp_path):
    from colorizer import Colorizer, preset
    from train.eval.pairs import evaluate_pairs as evaluate

    data = write_pairs(tmp_path, n=2)
    summary = evaluate({"tiny": Colorizer.from_random(preset("tiny"))}, data, tmp_path / "e", size=64,
                       limit=None, batch_size=2, progress=False, keep_lines=True)
    methods = {r["method"] for r in summary["rows"]}
    assert {"tiny", "tiny + lines"} <= methods


def test_harness_flat_rows_net_size_and_grid(tmp_path):
    from colorizer import Colorizer, preset
    from train.eval.cli import main
    from train.eval.pairs import evaluate_pairs as evaluate

    data = write_pairs(tmp_path, n=2, size=128)
    out = tmp_path / "e"
    summary = evaluate({"tiny": Colorizer.from_random(preset("tiny"))}, data, out, size=128,
                       limit=None, batch_size=2, progress=False, flat=True, raw=True, net_size=64, cell=40)
    by = {(r["method"], r["palette"]): r for r in summary["rows"]}
    assert ("tiny + flat", "matched") in by and summary["config"]["net_size"] == 64
    assert summary["config"]["method_options"]["tiny + flat"]["size"] == 64
    # the grid shows every variant as a column of its own, at the asked cell size
    grid = Image.open(out / "grid.png")
    assert grid.size[0] == 6 * 40   # sketch, palette, tiny, tiny (raw), tiny + flat, ground truth
    # flat fill of the circle drawings: the ground truth is flat, so flattening moves the
    # untrained network's output towards it on PSNR
    assert by[("tiny + flat", "matched")]["psnr"] >= by[("tiny (raw)", "matched")]["psnr"] - 0.5
    assert main(["pairs", "--random-weights", "tiny", "--data", str(data), "--size", "128", "--net-size", "64",
                 "--flat", "--out", str(tmp_path / "cli"), "--no-progress", "--threads", "1"]) == 0
    assert "models ran at 64 px" in (tmp_path / "cli" / "results.md").read_text()
