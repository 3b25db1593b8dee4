"""Dataset, per-cluster recolouring, sampler, and the test-split guard."""

import numpy as np
import pytest

from _train_helpers import make_pairs, tiny_config
from train.augment import lab_to_rgb, recolor_clusters, rgb_to_lab
from train.dataset import ColorizationDataset, StepSampler, TestDataError, build_dataset, discover


def _shaded_blocks():
    """Three shaded colour blocks on a white background, and their palette."""
    base = np.array([[200, 60, 60], [60, 160, 80], [70, 90, 200]], dtype=np.float64)
    img = np.full((30, 40, 3), 255.0)
    for i, c in enumerate(base):
        shade = np.linspace(-12, 12, 10)[None, :, None]
        img[5:25, 2 + 12 * i:12 + 12 * i] = c + shade
    palette = np.vstack([[255, 255, 255], base]).astype(np.uint8)
    return np.round(img).astype(np.uint8), palette


def test_lab_round_trip():
    rgb = np.random.default_rng(0).integers(0, 256, (50, 3))
    assert np.abs(lab_to_rgb(rgb_to_lab(rgb)) - rgb).max() < 1e-6 * 255 + 1e-6


def test_recolour_moves_clusters_and_keeps_shading():
    img, pal = _shaded_blocks()
    out, new_pal = recolor_clusters(img, pal, np.random.default_rng(3), cluster_prob=1.0,
                                    hue_max=180, chroma_range=(0.8, 1.0), lightness_max=5, neutral_prob=0.0)
    assert (new_pal[0] == pal[0]).all()                      # white background untouched
    assert (out[0, 0] == img[0, 0]).all()
    assert (new_pal[1:] != pal[1:]).any(axis=1).all()        # every colour cluster moved
    for i in range(3):
        region_in = rgb_to_lab(img[5:25, 2 + 12 * i:12 + 12 * i].reshape(-1, 3))
        region_out = rgb_to_lab(out[5:25, 2 + 12 * i:12 + 12 * i].reshape(-1, 3))
        # The region follows its swatch ...
        assert np.abs(region_out.mean(0) - rgb_to_lab(new_pal[i + 1])).max() < 4
        # ... and keeps its shading (Lab residual from the centre).
        res_in = region_in - region_in.mean(0)
        res_out = region_out - region_out.mean(0)
        assert np.abs(res_in[:, 0] - res_out[:, 0]).max() < 2.5


def test_recolour_with_zero_probability_is_identity():
    img, pal = _shaded_blocks()
    out, new_pal = recolor_clusters(img, pal, np.random.default_rng(0), cluster_prob=0.0, neutral_prob=0.0)
    assert (out == img).all() and (new_pal == pal).all()


def test_dataset_items(tmp_path):
    cfg = tiny_config(make_pairs(tmp_path / "train", 3, 48), {"augment.scale_max": 1.5,
                                                              "augment.line_width_prob": 1.0})
    ds = build_dataset(cfg, "train")
    item = ds[(0, 123)]
    assert item["sketch"].shape == (3, 32, 32) and item["target"].shape == (3, 32, 32)
    assert item["palette"].shape == (27,)
    assert -1 <= float(item["target"].min()) and float(item["target"].max()) <= 1
    again = ds[(0, 123)]  # same seed, same sample
    assert (again["target"] == item["target"]).all() and (again["palette"] == item["palette"]).all()
    plain = ColorizationDataset(ds.pairs, cfg, augment=False)[0]
    assert plain["target"].shape == (3, 32, 32)
    assert "pair000" in ds.palettes.memory  # palette cached per id


def test_palette_disk_cache(tmp_path):
    cfg = tiny_config(make_pairs(tmp_path / "train", 2, 40), {"data.palette_cache": str(tmp_path / "pal")})
    build_dataset(cfg)[(1, 0)]
    assert (tmp_path / "pal" / "pair001.json").is_file()


def test_sampler_is_deterministic_and_shards():
    a = list(StepSampler(10, 2, 6, seed=1))
    b = list(StepSampler(10, 2, 6, seed=1, start_step=3))
    assert a[3:] == b
    r0 = list(StepSampler(10, 2, 3, seed=1, rank=0, world_size=2))
    r1 = list(StepSampler(10, 2, 3, seed=1, rank=1, world_size=2))
    for x, y in zip(r0, r1):
        assert not {i for i, _ in x} & {i for i, _ in y}


def test_refuses_test_split(tmp_path):
    with pytest.raises(TestDataError):
        discover(make_pairs(tmp_path / "test", 1, 32))
    from train.data.splits import load_test_manifest
    test_id = sorted(load_test_manifest())[0]
    root = make_pairs(tmp_path / "mixed", 1, 32)
    for d in ("sketch", "color"):
        (root / d / "pair000.png").rename(root / d / f"{test_id}.png")
    with pytest.raises(TestDataError):
        discover(root)


# -- hint swaps: hints that move a whole part to another slot --------------------------------

def test_swap_part_hints_moves_one_whole_part_to_an_absent_slot():
    from colorizer.roles import ROLE_INDEX, labels_to_slots
    from train.dataset import SLOT_ROLE, swap_part_hints

    labels = np.zeros((40, 40), np.uint8)
    labels[5:20, 5:35] = ROLE_INDEX["hair"]
    labels[20:35, 10:30] = ROLE_INDEX["skin"]
    labels[19, :] = ROLE_INDEX["line"]
    slots = labels_to_slots(labels)
    for seed in range(20):
        rng = np.random.default_rng(seed)
        slots2, labels2, hints = swap_part_hints(slots, labels, rng, max_points=3)
        a = int(slots[hints[0][1], hints[0][0]])                # the part the hints fall on
        b = hints[0][2]
        assert a in (1, 2) and b not in (0, 1, 2) and 1 <= len(hints) <= 3
        assert all(h[2] == b and slots[h[1], h[0]] == a for h in hints)
        part = slots == a
        assert (slots2[part] == b).all() and (slots2[~part] == slots[~part]).all()
        assert (labels2[part] == SLOT_ROLE[b]).all() and (labels2[~part] == labels[~part]).all()
        assert labels_to_slots(labels2)[part].tolist() == slots2[part].tolist()
    # nothing to swap: no part big enough, or no absent slot
    assert swap_part_hints(np.zeros((40, 40), np.uint8), labels, np.random.default_rng(0), 3) is None
    full = np.repeat(np.arange(1, 9, dtype=np.uint8), 200).reshape(40, 40)   # every slot but paper
    assert swap_part_hints(full, full, np.random.default_rng(0), 3) is None


def test_dataset_hint_swaps_keep_target_and_palette_and_move_labels_and_hints(tmp_path):
    import torch

    from _train_helpers import make_labelled_pairs
    from train.dataset import SLOT_ROLE

    make_labelled_pairs(tmp_path / "train", n=3, size=48)
    over = {"model.generator_overrides": {"hints": True, "num_roles": 11}, "data.palette_mode": "slots",
            "augment.hint_prob": 1.0, "augment.reference_input_prob": 0.0, "augment.recolor_prob": 0.0,
            "augment.hue_shift_prob": 0.0, "augment.flip": False}
    plain = build_dataset(tiny_config(tmp_path / "train", over))
    swap = build_dataset(tiny_config(tmp_path / "train", {"augment.hint_swap_prob": 1.0, **over}))
    moved = 0
    for i in range(3):
        for seed in range(4):
            a, b = plain[(i, seed)], swap[(i, seed)]
            assert torch.equal(a["target"], b["target"])        # the picture is never repainted
            assert torch.equal(a["palette"], b["palette"])      # nor the palette: only the hints tell
            planes = b["hints"].numpy()
            hinted = planes.reshape(9, -1).max(axis=1) > 0
            if not torch.equal(a["labels"], b["labels"]):
                moved += 1
                new_slot = int(np.flatnonzero(hinted)[0])
                assert hinted.sum() == 1 and new_slot not in (0, 1, 2)   # only skin and hair exist
                lab = b["labels"].numpy()
                ys, xs = np.nonzero(planes[new_slot] >= planes[new_slot].max())
                assert (lab[ys, xs] == SLOT_ROLE[new_slot]).mean() > 0.5   # the hinted part carries the new role
    assert moved >= 6


def test_data_source_repeat_lists_a_source_more_often(tmp_path):
    root = make_pairs(tmp_path / "train", 3, 40)
    for half in ("sketch", "color"):  # two sources by id prefix: "small-..." and "pair000..."
        (root / half / "pair002.png").rename(root / half / "small-002.png")
    once = build_dataset(tiny_config(root))
    twice = build_dataset(tiny_config(root, {"data.source_repeat": {"small": 3}}))
    assert sorted(p.id for p in once.pairs) == ["pair000", "pair001", "small-002"]
    assert sorted(p.id for p in twice.pairs) == ["pair000", "pair001"] + ["small-002"] * 3
    for bad in ({"small": 0}, {"small": 1.5}, ["small"]):
        with pytest.raises(ValueError, match="source_repeat"):
            tiny_config(root, {"data.source_repeat": bad})


def test_zoomed_crops_are_close_ups_of_the_figure(tmp_path):
    from _train_helpers import make_labelled_pairs

    root = make_labelled_pairs(tmp_path / "train", n=3, size=96)
    over = {"data.crop_size": 32, "augment.scale_min": 0.5, "augment.scale_max": 0.75,
            "model.generator_overrides": {"hints": True, "num_roles": 11}, "data.palette_mode": "slots",
            "augment.recolor_prob": 0.0, "augment.hue_shift_prob": 0.0}
    plain = build_dataset(tiny_config(root, over))
    zoom = build_dataset(tiny_config(root, {"augment.zoom_prob": 1.0, "augment.zoom_max": 4.0, **over}))

    def figure_share(ds):
        shares = []
        for seed in range(24):
            lab = ds[(seed % 3, seed)]["labels"].numpy()
            shares.append(float(((lab != 0) & (lab != 10) & (lab != 255)).mean()))
        return np.mean(shares)

    assert figure_share(zoom) > figure_share(plain) + 0.2
    a, b = zoom[(1, 5)], zoom[(1, 5)]
    assert (a["sketch"] == b["sketch"]).all()  # still a function of the seed
    with pytest.raises(ValueError, match="zoom"):
        tiny_config(root, {"augment.zoom_prob": 1.5})
    with pytest.raises(ValueError, match="zoom"):
        tiny_config(root, {"augment.scale_max": 2.0, "augment.zoom_max": 1.5})
