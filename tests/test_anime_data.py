"""The procedural anime source: determinism, label/colour alignment, role coverage, build, variants."""

from __future__ import annotations

import csv
import itertools
import json

import numpy as np
import pytest

from colorizer.roles import LINE, ROLES
from train.data import splits
from train.data.anime import HELD_OUT_SEED, generate, make_pose, make_spec
from train.data.anime.geom import ribbon, taper


def _rgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], float)


def _near_ink(sketch: np.ndarray, radius: int = 1) -> np.ndarray:
    """Pixels within ``radius`` px (chessboard) of any ink."""
    ink = sketch < 250
    out = ink.copy()
    h, w = ink.shape
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            src = ink[max(0, -dy): h - max(0, dy), max(0, -dx): w - max(0, dx)]
            out[max(0, dy): h - max(0, -dy), max(0, dx): w - max(0, -dx)] |= src
    return out


def _tone_distance(px: np.ndarray, tones: np.ndarray) -> np.ndarray:
    """Distance of each pixel to the nearest tone or to the segment between two tones (anti-aliasing)."""
    d = np.min(np.linalg.norm(px[:, None, :] - tones[None], axis=2), axis=1)
    for a, b in itertools.combinations(tones, 2):
        ab = b - a
        t = np.clip(((px - a) @ ab) / max(ab @ ab, 1e-9), 0, 1)
        d = np.minimum(d, np.linalg.norm(px - (a + t[:, None] * ab), axis=1))
    return d


def alignment_mismatches(sample) -> tuple[int, int]:
    """(pixels whose colour is no tone of their labelled role, non-line pixels checked)."""
    col = np.asarray(sample.color, float)
    lab = np.asarray(sample.labels)
    near = _near_ink(np.asarray(sample.sketch))
    tones = sample.spec.role_tones()
    bad = checked = 0
    for idx, name in enumerate(ROLES):
        if idx == LINE:
            continue
        m = (lab == idx) & ~near
        n = int(m.sum())
        if not n:
            continue
        checked += n
        if name not in tones:
            bad += n
            continue
        d = _tone_distance(col[m], np.array([_rgb(t) for t in tones[name]]))
        bad += int((d > 6).sum())
    return bad, checked


def test_deterministic_per_seed():
    a, b = generate(7, size=96), generate(7, size=96)
    for half in ("color", "sketch", "labels"):
        assert getattr(a, half).tobytes() == getattr(b, half).tobytes()
    assert a.color.mode == "RGB" and a.sketch.mode == "L" and a.labels.mode == "L"
    assert a.color.size == a.sketch.size == a.labels.size == (96, 96)
    assert generate(8, size=96).color.tobytes() != a.color.tobytes()


def test_sketch_is_the_ink_of_the_colour_picture():
    s = generate(3, size=128)
    col = np.asarray(s.color, int)
    sk = np.asarray(s.sketch, int)
    assert sk.min() <= 30 and (sk == 255).mean() > 0.6  # black ink on white
    ink = sk < 40
    assert ink.any() and col[ink].max() < 45  # full ink is black in the colour picture too
    lab = np.asarray(s.labels)
    assert ((lab == LINE) == (sk < 128)).all()


@pytest.mark.parametrize("seed", [0, 4, 11, 23, 42, 77])
def test_labels_line_up_with_colour(seed):
    s = generate(seed, size=192)
    bad, checked = alignment_mismatches(s)
    assert checked > 0.5 * 192 * 192
    assert bad <= 0.0005 * checked, f"seed {seed}: {bad} of {checked} pixels have a colour not of their role"


def test_alignment_check_catches_a_wrong_label():
    s = generate(4, size=128)
    lab = np.asarray(s.labels).copy()
    skin = lab == ROLES.index("skin")
    lab[skin] = ROLES.index("hair")
    from PIL import Image

    s.labels = Image.fromarray(lab, "L")
    bad, checked = alignment_mismatches(s)
    assert bad > 0.05 * checked


def test_every_role_appears_across_100_seeds():
    seen: set[int] = set()
    for seed in range(100):
        seen |= set(np.unique(np.asarray(generate(seed, size=80).labels)).tolist())
    assert seen == set(range(len(ROLES))), [ROLES[i] for i in set(range(len(ROLES))) - seen]


def test_variant_keeps_identity_changes_pose():
    seed = 12
    v0, v1 = generate(seed, size=128, variant=0), generate(seed, size=128, variant=1)
    assert v0.spec == v1.spec == make_spec(seed)
    assert make_pose(seed, 0) != make_pose(seed, 1)
    assert v0.color.tobytes() != v1.color.tobytes()
    # the hair and skin painted in both pictures use the same colours
    for role in ("hair", "skin"):
        idx = ROLES.index(role)
        tones = {tuple(_rgb(t).astype(int)) for t in v0.spec.role_tones()[role]}
        for v in (v0, v1):
            lab = np.asarray(v.labels)
            col = np.asarray(v.color)[(lab == idx) & ~_near_ink(np.asarray(v.sketch))]
            values, counts = np.unique(col.reshape(-1, 3), axis=0, return_counts=True)
            assert tuple(values[counts.argmax()]) in tones


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="seed"):
        generate(-1)
    with pytest.raises(ValueError, match="size"):
        generate(1, size=0)
    with pytest.raises(ValueError, match="variant"):
        generate(1, variant=-2)


def test_tapered_ribbon_varies_in_width():
    pts = np.stack([np.linspace(0, 100, 21), np.zeros(21)], 1)
    poly = ribbon(pts, taper(21, 4.0, 0.3, 0.3))
    widths = poly[:21, 1] - poly[21:][::-1, 1]
    assert abs(widths[10]) == pytest.approx(4.0) and abs(widths[0]) < 0.5 and abs(widths[-1]) < 0.5


def test_source_items_and_splits():
    from train.data.sources import anime

    items = anime.items(None, limit=50)
    assert [it.id for it in items] == [f"anime-{i:06d}" for i in range(50)]
    it = items[0]
    assert (it.group, it.source, it.licence, it.line_mode, it.maker, it.seed) == (
        "anime-000000", "anime", "CC0-1.0", "maker", "train.data.sources.anime:make", 0)
    assert len(anime.items(None)) == anime.DEFAULT_COUNT
    assert anime.HELD_OUT_SEED == HELD_OUT_SEED == splits.HASHED_SOURCES["anime-"]
    with pytest.raises(ValueError, match="held out"):
        anime.items(None, count=HELD_OUT_SEED + 1)
    sketch, color, labels = anime.make(items[3], 64)
    assert (sketch.mode, color.mode, labels.mode) == ("L", "RGB", "L") and labels.size == (64, 64)
    # anime ids take their hashed split directly (test included); held-out seeds go nowhere
    test_ids = splits.load_test_manifest()
    ids = [f"anime-{i:06d}" for i in range(400)]
    for pid in ids:
        assert splits.assign_split(pid, pid, test_ids) == splits.hashed_split(pid)
    assert any(splits.hashed_split(p) == "test" for p in ids)
    assert all(splits.is_test_id(p) == (splits.hashed_split(p) == "test") for p in ids)
    held = f"anime-{HELD_OUT_SEED:06d}"
    assert splits.assign_split(held, held, test_ids) is None and splits.is_test_id(held)
    # old sources keep the manifest freeze
    frozen = sorted(test_ids)[0]
    assert splits.assign_split(frozen + "-not-frozen", frozen, frozenset()) in (None, "train", "val")


def test_small_build_writes_labels_and_licences(tmp_path):
    from train.data.build import build

    out = tmp_path / "corpus"
    m = build(out=out, size=64, limit=40, sources=["anime"], workers=1)
    assert m["error_count"] == 0 and m["total_pairs"] == 40
    rows = list(csv.DictReader((out / "LICENSES.csv").open()))
    assert len(rows) == 40 and {r["source"] for r in rows} == {"anime"}
    assert {r["licence"] for r in rows} == {"CC0-1.0"}
    for r in rows:
        for half in ("sketch", "color", "labels"):
            assert (out / r["split"] / half / f"{r['item_id']}.png").is_file()
        assert r["split"] == splits.hashed_split(r["item_id"])
    assert "test" in {r["split"] for r in rows}
    assert json.loads((out / "manifest.json").read_text())["counts"]["train"]["anime"] > 0


# -- head coverings (train.data.sources.anime_fantasy) -----------------------------------

@pytest.mark.parametrize("kind,role", [("helmet", "accessory"), ("hood", "outer"), ("hood_mask", "outer")])
def test_headwear_covers_the_hair_with_its_role(kind, role):
    from train.data.anime.spec import HEADWEAR

    assert kind in HEADWEAR
    seed = 9
    plain, covered = make_spec(seed), make_spec(seed, kind)
    # the rest of the character is unchanged: every plain part keeps its colours
    assert all(covered.parts[k] == v for k, v in plain.parts.items())
    assert covered.headwear == kind and plain.headwear == "none"
    a, b = generate(seed, 128, variant=1), generate(seed, 128, variant=1, headwear=kind)
    la, lb = np.asarray(a.labels), np.asarray(b.labels)
    hair, r = ROLES.index("hair"), ROLES.index(role)
    assert (lb == hair).sum() < 0.6 * (la == hair).sum()          # most of the hair is covered
    assert (lb == r).sum() > (la == r).sum() + 0.02 * lb.size     # by pixels of the covering's role
    assert np.array_equal(np.asarray(generate(seed, 128, 1, kind).labels), lb)  # deterministic
    mism, checked = alignment_mismatches(b)
    assert checked > 0 and mism / checked < 0.01


def test_cape_hangs_behind_the_body_as_outer():
    seed = 4
    plain = np.asarray(generate(seed, 128, variant=1).labels)
    caped = generate(seed, 128, variant=1, cape=True)
    lab = np.asarray(caped.labels)
    outer = ROLES.index("outer")
    assert (lab == outer).sum() > (plain == outer).sum() + 0.01 * lab.size
    assert make_spec(seed, cape=True).parts["cape"].role == "outer"
    mism, checked = alignment_mismatches(caped)
    assert checked > 0 and mism / checked < 0.01


def test_headwear_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="headwear"):
        make_spec(3, "crown")


def test_fantasy_source_shares_the_plain_characters_split():
    from train.data.sources import anime_fantasy as hw

    items = hw.items(None, limit=300)
    assert items[5].id == "anime_fantasy-000005" and items[5].group == "anime-000005"
    gear = [hw.gear_of(i.seed) for i in items]
    assert {g[0] for g in gear} == {"helmet", "hood", "hood_mask", "none"} and {g[1] for g in gear} == {True, False}
    assert all(g != ("none", False) for g in gear)
    test_ids = splits.load_test_manifest()
    for it in items:
        split = splits.assign_split(it.id, it.group, test_ids)
        assert split == splits.hashed_split(it.group)                 # the plain twin's split
        assert splits.is_test_id(it.id) == (split == "test")
    assert any(splits.is_test_id(it.id) for it in items)
    held = hw.item_id(HELD_OUT_SEED)
    assert splits.is_test_id(held) and splits.assign_split(held, splits.hashed_group(held), test_ids) is None
    with pytest.raises(ValueError, match="held out"):
        hw.items(None, count=HELD_OUT_SEED + 1)
    sketch, color, labels = hw.make(items[2], 64)
    assert (sketch.mode, color.mode, labels.mode) == ("L", "RGB", "L")


def test_contact_sheet_shows_the_fantasy_gear(tmp_path):
    from train.data.anime.__main__ import main

    out = tmp_path / "sheet.png"
    assert main(["sheet", "--fantasy", "--n", "2", "--cols", "2", "--size", "64", "--out", str(out)]) == 0
    plain = tmp_path / "plain.png"
    assert main(["sheet", "--n", "2", "--cols", "2", "--size", "64", "--variant", "1", "--out", str(plain)]) == 0
    from PIL import Image

    a, b = np.asarray(Image.open(out)), np.asarray(Image.open(plain))
    assert a.shape == b.shape and (a != b).any()
