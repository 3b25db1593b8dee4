"""train.sketch_styles: every style gives a valid, aligned sketch; the entry point and its hook."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from train import sketch_styles as S
from train.config import AugmentConfig

SIZE = 96


def _picture(size=SIZE):
    """A flat-coloured drawing with black outlines (colour) and its clean line art."""
    color = Image.new("RGB", (size, size), "white")
    clean = Image.new("L", (size, size), 255)
    shapes = [((10, 12, 60, 70), (230, 90, 80)), ((40, 30, 88, 86), (70, 120, 210)), ((20, 60, 50, 90), (250, 220, 60))]
    for box, fill in shapes:
        ImageDraw.Draw(color).ellipse(box, fill=fill, outline=(0, 0, 0), width=2)
        ImageDraw.Draw(clean).ellipse(box, outline=0, width=2)
    return np.asarray(color), np.asarray(clean)


def _near(mask, radius):
    import cv2

    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.dilate(mask.astype(np.uint8), k).astype(bool)


def _styles(color, clean):
    """name -> function(rng) for every style on its natural input."""
    return {
        "xdog": lambda r: S.xdog_sketch(color, r),
        "dog": lambda r: S.dog_sketch(color, r),
        "gaps": lambda r: S.add_gaps(clean, r),
        "pencil": lambda r: S.pencil(clean, r),
        "scan": lambda r: S.scan(clean, r),
        "width": lambda r: S.jitter_width(clean, r, 2),
    }


@pytest.mark.parametrize("name", list(S.STYLES) + ["width"])
def test_every_style_is_a_valid_aligned_sketch(name):
    color, clean = _picture()
    lines = clean < 128
    edges = _near(lines, 3)  # the drawing's outlines and colour boundaries, give or take 3 px
    fn = _styles(color, clean)[name]
    for seed in range(6):
        out = fn(np.random.default_rng(seed))
        assert out.dtype == np.uint8 and out.shape == clean.shape
        assert np.median(out) >= 200, "mostly white paper"
        dark = out < 170
        assert dark.mean() > 0.01, "there are lines"
        assert dark.mean() < 0.4
        # no geometric change: the lines are where the drawing's lines are
        assert dark[edges].mean() > 0.05 and dark[~_near(lines, 5)].mean() < 0.01, (name, seed)


@pytest.mark.parametrize("name", list(S.STYLES) + ["width"])
def test_styles_are_deterministic_per_seed(name):
    color, clean = _picture()
    fn = _styles(color, clean)[name]
    assert np.array_equal(fn(np.random.default_rng(7)), fn(np.random.default_rng(7)))
    outs = [fn(np.random.default_rng(s)).tobytes() for s in range(6)]
    assert len(set(outs)) > 1, "the seed changes the result"


def test_styles_differ_from_each_other_and_from_clean():
    color, clean = _picture()
    outs = {name: fn(np.random.default_rng(3)) for name, fn in _styles(color, clean).items()}
    outs["clean"] = clean
    names = sorted(outs)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert (np.abs(outs[a].astype(int) - outs[b]) > 20).sum() > 10, (a, b)


def test_pencil_is_grey_and_scan_has_paper():
    color, clean = _picture()
    p = S.pencil(clean, np.random.default_rng(0))
    assert p.min() > 0 and np.percentile(p[clean < 128], 50) > 40, "pencil lines are grey, not black"
    s = S.scan(clean, np.random.default_rng(0))
    paper = s[~_near(clean < 128, 3)]
    assert 215 < paper.mean() < 255 and paper.std() > 0.5, "off-white, textured paper"


def _cfg(**kw):
    base = dict(sketch_style_prob=1.0, sketch_style_stack_prob=0.0, line_width_prob=0.0)
    base.update(kw)
    return AugmentConfig(**base).validate()


def test_random_sketch_keeps_clean_without_styles_and_replays_the_old_width_jitter():
    color, clean = _picture()
    off = _cfg(sketch_style_prob=0.0)
    assert np.array_equal(S.random_sketch(color, clean, np.random.default_rng(0), off), clean)
    # With styles off, the draws are those of the former train.dataset line-width jitter.
    from colorizer.lines import adjust_line_width

    cfg = _cfg(sketch_style_prob=0.0, line_width_prob=0.5, line_width_max=2)
    for seed in range(8):
        r_new, r_old = np.random.default_rng(seed), np.random.default_rng(seed)
        out = S.random_sketch(color, clean, r_new, cfg)
        ref = clean
        if r_old.random() < 0.5:
            delta = int(r_old.choice([d for d in range(-2, 3) if d]))
            ref = np.asarray(adjust_line_width(Image.fromarray(clean, "L"), delta))
        assert np.array_equal(out, ref)
        assert r_new.random() == r_old.random()


@pytest.mark.parametrize("name", S.STYLES)
def test_random_sketch_uses_the_weighted_style(name):
    color, clean = _picture()
    cfg = _cfg(sketch_styles={s: float(s == name) for s in S.STYLES})
    outs = [S.random_sketch(color, clean, np.random.default_rng(s), cfg) for s in range(4)]
    assert all(not np.array_equal(o, clean) for o in outs)
    if name == "pencil":
        assert all(o.min() > 0 for o in outs)
    if name in ("xdog", "dog"):  # drawn from the colour picture: a double line at colour boundaries
        assert all((o < 128).sum() != (clean < 128).sum() for o in outs)


def test_random_sketch_stacks_and_mixes():
    color, clean = _picture()
    cfg = _cfg(sketch_style_prob=0.5, sketch_style_stack_prob=1.0)
    outs = [S.random_sketch(color, clean, np.random.default_rng(s), cfg) for s in range(40)]
    same = sum(np.array_equal(o, clean) for o in outs)
    assert 8 <= same <= 32, "about half the samples keep the clean lines"
    assert len({o.tobytes() for o in outs}) > 20


def test_random_sketch_without_clean_lines_extracts_them():
    color, clean = _picture()
    out = S.random_sketch(color, None, np.random.default_rng(0), _cfg(sketch_style_prob=0.0))
    assert out.shape == clean.shape and (out < 128).any() and np.median(out) == 255


def test_pale_picture_falls_back_to_clean_lines():
    color = np.full((64, 64, 3), 255, np.uint8)
    color[20:40, 20:40] = (255, 250, 235)  # nearly white patch: extraction finds next to nothing
    clean = np.full((64, 64), 255, np.uint8)
    clean[20, 20:40] = clean[39, 20:40] = clean[20:40, 20] = clean[20:40, 39] = 0
    cfg = _cfg(sketch_styles={"xdog": 1.0, "dog": 1.0, "gaps": 0, "pencil": 0, "scan": 0})
    for s in range(4):
        assert np.array_equal(S.random_sketch(color, clean, np.random.default_rng(s), cfg), clean)


def test_bad_input_and_options_raise():
    color, clean = _picture()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        S.random_sketch(color[..., 0], clean, rng, _cfg())
    with pytest.raises(ValueError):
        S.random_sketch(color, clean[:10], rng, _cfg())
    with pytest.raises(ValueError):
        S.random_sketch(color.astype(np.float32), clean, rng, _cfg())
    with pytest.raises(ValueError, match="unknown sketch styles"):
        AugmentConfig(sketch_styles={"charcoal": 1.0}).validate()
    with pytest.raises(ValueError):
        AugmentConfig(sketch_styles={s: 0.0 for s in S.STYLES}).validate()
    with pytest.raises(ValueError):
        AugmentConfig(sketch_style_prob=1.5).validate()
    with pytest.raises(ValueError):
        AugmentConfig(sketch_xdog_sigmas=[0.0]).validate()
    # a partial mapping keeps the other styles at weight 1
    assert AugmentConfig(sketch_styles={"pencil": 0.0}).validate().sketch_styles == {"pencil": 0.0}


def test_empty_sketch_survives_every_style():
    color = np.full((32, 32, 3), 255, np.uint8)
    blank = np.full((32, 32), 255, np.uint8)
    for fn in _styles(color, blank).values():
        out = fn(np.random.default_rng(0))
        assert out.shape == (32, 32) and np.median(out) >= 200


def test_dataset_applies_the_styles(tmp_path):
    from _train_helpers import make_pairs, tiny_config
    from train.dataset import build_dataset

    data = make_pairs(tmp_path / "train", 2, 40)
    still = {"augment.recolor_prob": 0.0, "augment.hue_shift_prob": 0.0}
    plain = build_dataset(tiny_config(data, {"augment.sketch_style_prob": 0.0, **still}))
    styled = build_dataset(tiny_config(data, {"augment.sketch_style_prob": 1.0, **still, "augment.sketch_styles": {
        "pencil": 1.0, "xdog": 0, "dog": 0, "gaps": 0, "scan": 0}}))
    a, b = plain[(0, 5)], styled[(0, 5)]
    assert a["sketch"].shape == b["sketch"].shape == (3, 32, 32)
    assert not np.array_equal(a["sketch"].numpy(), b["sketch"].numpy())
    assert (a["target"] == b["target"]).all(), "same crop and colours"
    assert b["sketch"].min() > -1.0, "pencil lines are grey"
    again = styled[(0, 5)]
    assert (again["sketch"] == b["sketch"]).all()


def test_paper_config_keeps_clean_line_art():
    from train.config import load_config

    cfg = load_config(Path(__file__).resolve().parents[1] / "train/configs/paper.yaml").augment
    assert cfg.sketch_style_prob == 0.0 and cfg.line_width_prob == 0.3 and cfg.line_width_max == 1
