"""Generator v2 (train.data.anime.v2): determinism, exact labels and parts, styles, poses, the corpus source."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from colorizer.roles import LINE, ROLE_INDEX, ROLES
from train.data import splits
from train.data.anime import HELD_OUT_SEED, make_spec
from train.data.anime.v2 import PART_NAMES, PARTS_PER_FIGURE, SKETCH_STYLES, generate_v2, make_outfit, make_pose_v2
from train.data.anime.v2.paint import LINE_ID
from train.data.anime.v2.spec import dress_spec


def _rgb(h: str) -> np.ndarray:
    return np.array([int(h.lstrip("#")[i: i + 2], 16) for i in (0, 2, 4)], float)


def _near(mask: np.ndarray, radius: int = 1) -> np.ndarray:
    out = mask.copy()
    h, w = mask.shape
    for dy, dx in itertools.product(range(-radius, radius + 1), repeat=2):
        out[max(0, dy): h - max(0, -dy), max(0, dx): w - max(0, -dx)] |= \
            mask[max(0, -dy): h - max(0, dy), max(0, -dx): w - max(0, dx)]
    return out


def _tone_distance(px: np.ndarray, tones: np.ndarray) -> np.ndarray:
    d = np.min(np.linalg.norm(px[:, None, :] - tones[None], axis=2), axis=1)
    for a, b in itertools.combinations(tones, 2):
        ab = b - a
        t = np.clip(((px - a) @ ab) / max(ab @ ab, 1e-9), 0, 1)
        d = np.minimum(d, np.linalg.norm(px - (a + t[:, None] * ab), axis=1))
    return d


def _arrays(s):
    return (np.asarray(s.color), np.asarray(s.sketch), np.asarray(s.labels), np.asarray(s.parts))


def test_deterministic_and_the_seeds_matter():
    a, b = generate_v2(7, 1, 1, size=96), generate_v2(7, 1, 1, size=96)
    for x, y in zip(_arrays(a), _arrays(b)):
        assert np.array_equal(x, y)
    assert a.color.size == a.parts.size == (96, 96) and a.parts.mode == "L"
    other = generate_v2(7, 2, 1, size=96)
    assert not np.array_equal(np.asarray(other.labels), np.asarray(a.labels))


def test_same_character_in_other_poses_and_outfits():
    c = 12
    identity = make_spec(c)
    outfits = {make_outfit(c, k).kind for k in range(12)}
    assert len(outfits) >= 3
    for pose, outfit in ((0, 0), (1, 0), (2, 3)):
        s = generate_v2(c, pose, outfit, size=64)
        for part in ("skin", "hair", "eye"):
            assert s.spec.parts[part] == identity.parts[part]
        assert s.outfit == make_outfit(c, outfit)
    assert make_pose_v2(c, 0) != make_pose_v2(c, 1)


def _check_exact(s, bg_hex: str | None) -> None:
    col, sk, lab, parts = (a.astype(np.int64) for a in _arrays(s))
    # line and background agree between the labels and the parts map
    assert np.array_equal(parts == LINE_ID, lab == LINE)
    assert np.array_equal(parts == 0, lab == ROLE_INDEX["background"])
    # garment ids nest inside slots: every id has one role, the role of its part
    for pid in np.unique(parts):
        if pid in (0, LINE_ID):
            continue
        roles = np.unique(lab[parts == pid])
        assert len(roles) == 1, (pid, roles)
        figure, k = divmod(int(pid) - 1, PARTS_PER_FIGURE)
        spec = s.spec if figure == 0 else dress_spec(make_spec(s.pose.companion),
                                                    make_outfit(s.pose.companion, s.pose.companion_outfit))
        assert ROLES[roles[0]] == spec.parts[PART_NAMES[k]].role
    if bg_hex is None:
        return
    # every coloured figure pixel is labelled: background-labelled pixels away from ink are the background
    away = ~_near(sk < 250, 1)
    bgpx = col[(lab == 0) & away]
    assert len(bgpx) > 0 and np.abs(bgpx - _rgb(bg_hex)).max() <= 3


@pytest.mark.parametrize("character,pose,outfit", [(0, 0, 0), (3, 1, 0), (4, 0, 0), (21, 0, 1), (54, 0, 0),
                                                   (HELD_OUT_SEED + 5, 0, 0)])
def test_labels_and_parts_are_exact(character, pose, outfit):
    cel = generate_v2(character, pose, outfit, size=160, color_style="cel", sketch_style="clean")
    _check_exact(cel, cel.spec.parts["background"].base)
    painted = generate_v2(character, pose, outfit, size=160, color_style="painted", sketch_style="clean")
    _check_exact(painted, None)  # (a painted backdrop may replace the flat background colour)
    for a, b in zip(_arrays(cel)[1:], _arrays(painted)[1:]):  # the same sketch, labels and parts
        assert np.array_equal(a, b)


def test_cel_colours_are_tones_of_their_garment():
    for character in (1, 5, 26):
        s = generate_v2(character, 0, 0, size=160, color_style="cel", sketch_style="clean")
        if s.pose.companion is not None:
            continue
        col = np.asarray(s.color, float)
        parts = np.asarray(s.parts)
        away = ~_near(np.asarray(s.sketch) < 250, 1)
        bad = checked = 0
        for pid in np.unique(parts):
            if pid in (0, LINE_ID):
                continue
            m = (parts == pid) & away
            if not m.any():
                continue
            tones = np.array([_rgb(t) for t in s.spec.parts[PART_NAMES[int(pid) - 1]].tones])
            d = _tone_distance(col[m], tones)
            bad += int((d > 6).sum())
            checked += int(m.sum())
        assert checked > 1000 and bad <= 0.002 * checked, (character, bad, checked)


def test_painted_changes_colour_only():
    cel = generate_v2(5, 0, 0, size=128, color_style="cel", sketch_style="clean")
    painted = generate_v2(5, 0, 0, size=128, color_style="painted", sketch_style="clean")
    assert np.array_equal(np.asarray(cel.labels), np.asarray(painted.labels))
    assert np.array_equal(np.asarray(cel.parts), np.asarray(painted.parts))
    assert np.array_equal(np.asarray(cel.sketch), np.asarray(painted.sketch))
    figure = np.asarray(cel.parts) != 0
    diff = np.abs(np.asarray(cel.color, int) - np.asarray(painted.color, int)).max(axis=2)
    assert (diff[figure] > 4).mean() > 0.2  # gradients, tones, rim light: most of the figure changes
    # more distinct colours per garment (gradients) than the few flat cel tones
    assert len(np.unique(np.asarray(painted.color).reshape(-1, 3), axis=0)) > \
        2 * len(np.unique(np.asarray(cel.color).reshape(-1, 3), axis=0))


def test_every_sketch_style_draws_lines_on_the_same_labels():
    clean = generate_v2(9, 0, 0, size=128, sketch_style="clean")
    ink = np.asarray(clean.sketch)
    assert np.array_equal(ink < 128, np.asarray(clean.labels) == LINE)
    seen = {}
    for style in SKETCH_STYLES:
        s = generate_v2(9, 0, 0, size=128, sketch_style=style)
        sk = np.asarray(s.sketch)
        assert sk.shape == ink.shape and sk.dtype == np.uint8 and (sk < 128).sum() > 0.2 * (ink < 128).sum()
        assert np.array_equal(np.asarray(s.labels), np.asarray(clean.labels))
        seen[style] = sk
    for style in SKETCH_STYLES[1:]:
        assert not np.array_equal(seen[style], ink), style
    with pytest.raises(ValueError, match="sketch_style"):
        generate_v2(9, sketch_style="crayon")


def test_v2_draws_its_new_features():
    """Across 40 characters: every outfit layer and pose kind occurs, held objects and companions are
    labelled (accessory pixels, a second figure's garment ids)."""
    kinds, arms = set(), set()
    for c in range(40):
        kinds.add(make_outfit(c, 0).kind)
        arms.add(make_pose_v2(c, 0).arms)
    assert {"blazer_open", "cardigan", "vest", "dress_sash"} <= kinds
    assert {"crossed", "book", "bag", "hip", "behind"} <= arms
    duo = next(c for c in range(200) if make_pose_v2(c, 0).companion is not None)
    s = generate_v2(duo, 0, 0, size=96)
    parts = np.asarray(s.parts)
    assert ((parts > PARTS_PER_FIGURE) & (parts != LINE_ID)).any() and ((parts > 0) & (parts <= PARTS_PER_FIGURE)).any()
    book = next(c for c in range(200) if make_pose_v2(c, 0).arms == "book")
    b = generate_v2(book, 0, 0, size=128)
    assert (np.asarray(b.parts) == PART_NAMES.index("book") + 1).sum() > 50


def test_companions_and_check_seeds_stay_apart():
    for c in range(300):
        comp = make_pose_v2(c, 0).companion
        assert comp is None or 500_000 <= comp < HELD_OUT_SEED
    for c in range(HELD_OUT_SEED, HELD_OUT_SEED + 300):
        comp = make_pose_v2(c, 0).companion
        assert comp is None or comp >= HELD_OUT_SEED


def test_source_lists_two_pictures_per_character_in_one_split():
    from train.data.sources import anime_v2

    its = anime_v2.items(None, limit=400)
    assert [i.id for i in its[:4]] == ["anime_v2-000000", "anime_v2_twin-000000", "anime_v2-000001",
                                       "anime_v2_twin-000001"]
    assert len(anime_v2.items(None)) == 2 * anime_v2.DEFAULT_COUNT >= 30_000
    test_ids = splits.load_test_manifest()
    for a, b in zip(its[::2], its[1::2]):
        assert a.group == b.group == a.id
        sa, sb = splits.assign_split(a.id, a.group, test_ids), splits.assign_split(b.id, b.group, test_ids)
        assert sa == sb == splits.hashed_split(a.group)
        assert splits.is_test_id(a.id) == splits.is_test_id(b.id) == (sa == "test")
    assert any(splits.is_test_id(i.id) for i in its)
    held = f"anime_v2_twin-{HELD_OUT_SEED:06d}"
    assert splits.is_test_id(held) and splits.assign_split(held, f"anime_v2-{HELD_OUT_SEED:06d}", test_ids) is None
    with pytest.raises(ValueError, match="held out"):
        anime_v2.items(None, count=HELD_OUT_SEED + 1)
    sketch, color, labels, extra = anime_v2.make(its[1], 64)
    assert (sketch.mode, color.mode, labels.mode, extra["parts"].mode) == ("L", "RGB", "L", "L")
    assert anime_v2.picture_of(its[1].id)[:2] == (0, 1)


def test_build_writes_the_parts_maps(tmp_path):
    from train.data.build import build

    out = tmp_path / "corpus"
    m = build(out=out, size=48, limit=6, sources=["anime_v2"], workers=1)
    assert m["error_count"] == 0 and m["total_pairs"] == 6
    for half in ("sketch", "color", "labels", "parts"):
        assert len(list(out.glob(f"*/{half}/anime_v2*.png"))) == 6, half


def test_command_line_sheet_and_sample(tmp_path):
    from PIL import Image

    from train.data.anime.__main__ import main

    sheet = tmp_path / "sheet.png"
    assert main(["sheet", "--v2", "--n", "2", "--cols", "2", "--size", "48", "--out", str(sheet)]) == 0
    assert Image.open(sheet).size[0] > 2 * 3 * 48
    assert main(["sample", "--v2", "--seed", "3", "--variant", "1", "--outfit", "1", "--size", "48",
                 "--out", str(tmp_path / "s")]) == 0
    parts = np.asarray(Image.open(tmp_path / "s_parts.png"))
    assert np.array_equal(parts, np.asarray(generate_v2(3, 1, 1, size=48).parts))
