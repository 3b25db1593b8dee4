"""The check set's generated subsets: the v2 subset (held-out characters, references in another pose and
another outfit, exact labels and parts maps), builds that keep the other subsets, and the pixel
fingerprint that says whether today's generator still draws the stored pictures."""

import csv
import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from colorizer.roles import ROLE_INDEX
from train.data.__main__ import main as data_main
from train.data.anime.v2 import COLOR_STYLES, SKETCH_STYLES, generate_v2
from train.data.checkset import CheckSetError, build_checkset
from train.data.checkset_generated import (GENERATED, V2_SEED0, V2_SEED_END, build_generated,
                                           check_generated, drawn_pixels_sha256, stored_pixels_sha256, v2_styles, v2_views)
from train.data.sources.anime import HELD_OUT_SEED

V2_FOLDERS = ("sketch", "color", "labels", "parts", "reference", "reference_labels", "reference_parts",
              "reference_outfit", "reference_outfit_labels", "reference_outfit_parts")


def _arr(path):
    return np.asarray(Image.open(path))


def test_v2_references_show_the_character_alone():
    from train.data.anime.v2 import make_pose_v2

    duo = [c for c in range(V2_SEED0, V2_SEED0 + 60) if make_pose_v2(c, 0).companion is not None]
    assert duo                                   # some pictures are duos (the generator draws them)...
    for c in duo[:3]:                            # ...their references never
        v = v2_views(c)
        assert all(make_pose_v2(c, v[k][0]).companion is None for k in ("reference_", "reference_outfit_"))


def test_v2_styles_take_every_pairing_in_turn():
    n = len(COLOR_STYLES) * len(SKETCH_STYLES)
    pairs = [v2_styles(i) for i in range(n)]
    assert len(set(pairs)) == n                                  # every colour x sketch style once
    assert [v2_styles(i + n) for i in range(n)] == pairs
    assert v2_styles(0) == ("cel", "clean") and v2_styles(1) == ("painted", "clean")


def test_v2_subset_is_the_generator_v2_pictures_with_two_references(tmp_path):
    rows, entry = build_generated(tmp_path, "v2", size=64, count=3, progress=False)
    ids = [f"v2_{c}" for c in range(V2_SEED0, V2_SEED0 + 3)]
    assert V2_SEED0 >= HELD_OUT_SEED and [r["id"] for r in rows] == ids
    assert all(r["licence"] == "CC0-1.0" and "generate_v2" in r["source"] for r in rows)
    for folder in V2_FOLDERS:
        assert sorted(p.stem for p in (tmp_path / "v2" / folder).glob("*.png")) == ids, folder
    assert entry["references"] == {"pose": "reference", "outfit": "reference_outfit"}
    info = json.loads((tmp_path / "v2" / "pictures.json").read_text())
    d = tmp_path / "v2"
    for k, pid in enumerate(ids):
        c = V2_SEED0 + k
        colour, sketch = v2_styles(k)
        pic = generate_v2(c, 0, 0, 64, color_style=colour, sketch_style=sketch)
        views = v2_views(c)
        assert views[""] == (0, 0) and views["reference_"][1] == 0 and views["reference_outfit_"][1] == 1
        p1, p2 = views["reference_"][0], views["reference_outfit_"][0]
        assert 0 < p1 < p2
        pose, outfit = generate_v2(c, p1, 0, 64), generate_v2(c, p2, 1, 64)
        assert pose.pose.companion is None and outfit.pose.companion is None   # the character alone
        for folder, img in (("sketch", pic.sketch), ("color", pic.color), ("labels", pic.labels),
                            ("parts", pic.parts), ("reference", pose.color), ("reference_labels", pose.labels),
                            ("reference_parts", pose.parts), ("reference_outfit", outfit.color),
                            ("reference_outfit_labels", outfit.labels), ("reference_outfit_parts", outfit.parts)):
            assert (_arr(d / folder / f"{pid}.png") == np.asarray(img)).all(), (pid, folder)
        assert info[pid]["picture"] == {"pose": 0, "outfit": 0, "color_style": colour, "sketch_style": sketch}
        assert info[pid]["reference"] == {"pose": p1, "outfit": 0, "color_style": pose.color_style}
        assert info[pid]["reference_outfit"] == {"pose": p2, "outfit": 1, "color_style": outfit.color_style}
    # the outfit reference wears other clothes: its clothing colours differ from the picture's
    for c in range(V2_SEED0, V2_SEED0 + 3):
        assert generate_v2(c, 0, 0, 64).outfit != generate_v2(c, v2_views(c)["reference_outfit_"][0], 1, 64).outfit
    # labels are exact: ink is "line" in the labels and 255 in the parts map, in every picture
    lab, parts = _arr(d / "labels" / f"{ids[0]}.png"), _arr(d / "parts" / f"{ids[0]}.png")
    assert ((lab == ROLE_INDEX["line"]) == (parts == 255)).all()
    assert entry["pixels_sha256"] == stored_pixels_sha256(tmp_path, "v2")


def test_v2_seeds_stay_held_out_and_below_the_companions(tmp_path):
    for seed0, count in ((V2_SEED0 - 1, 1), (V2_SEED_END - 1, 2), (HELD_OUT_SEED - 5, 1)):
        with pytest.raises(CheckSetError, match="seeds"):
            build_generated(tmp_path, "v2", size=64, count=count, seed0=seed0, progress=False)
    with pytest.raises(CheckSetError, match="count"):
        build_generated(tmp_path, "v2", size=64, count=0, progress=False)
    assert GENERATED["generator"].seed_end <= V2_SEED0   # the two subsets hold other characters


def _fake_v1(seed, size, variant):
    col = Image.new("RGB", (size, size), ((seed + 40 * variant) % 256, 90, 200))
    return SimpleNamespace(color=col, sketch=Image.new("L", (size, size), 255),
                           labels=Image.new("L", (size, size), ROLE_INDEX["skin"]))


def test_a_subset_is_added_beside_the_others_and_kept_when_another_is_built(tmp_path):
    out = tmp_path / "cs"
    build_checkset(out, size=64, generator_count=2, subsets=["generator"], generate=_fake_v1, progress=False)
    m = build_checkset(out, size=64, subsets=["v2"], v2_count=1, progress=False)
    assert list(m["subsets"]) == ["generator", "v2"] and m["count"] == 3
    assert m["subsets"]["generator"]["count"] == 2 and m["subsets"]["generator"]["generator"] == "custom"
    with open(out / "LICENSES.csv") as f:
        assert [r["id"] for r in csv.DictReader(f)] == ["anime_1000000", "anime_1000001", "v2_1100000"]
    assert json.loads((out / "manifest.json").read_text()) == m
    # rebuilding the generator subset keeps v2
    m = build_checkset(out, size=64, generator_count=1, subsets=["generator"], generate=_fake_v1, progress=False)
    assert m["subsets"]["v2"]["count"] == 1 and m["count"] == 2
    assert len(list((out / "generator" / "color").glob("*.png"))) == 1
    # another size would mix sizes in one check set
    with pytest.raises(CheckSetError, match="64 px"):
        build_checkset(out, size=96, subsets=["generator"], generate=_fake_v1, progress=False)


def test_the_fingerprint_says_whether_the_pictures_changed(tmp_path):
    out = tmp_path / "cs"
    assert data_main(["checkset", "--out", str(out), "--size", "64", "--subsets", "generator,v2",
                      "--generator-count", "3", "--v2-count", "2"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    for subset in ("generator", "v2"):
        fp = m["subsets"][subset]["pixels_sha256"]
        assert len(fp) == 64 and fp == stored_pixels_sha256(out, subset) == drawn_pixels_sha256(out, subset, 64)
    assert [(c.subset, c.status) for c in check_generated(out)] == [("generator", "ok"), ("v2", "ok")]
    assert data_main(["checkset", "--out", str(out), "--check"]) == 0

    # a check set built before pixel fingerprints (source-file hash only) is checked by its pictures,
    # and a later build of another subset writes the fingerprint of its files into its entry
    old = json.loads((out / "manifest.json").read_text())
    old["subsets"]["generator"].pop("pixels_sha256")
    old["subsets"]["generator"]["generator_sha256"] = "a4773692" * 8
    (out / "manifest.json").write_text(json.dumps(old))
    assert check_generated(out, ["generator"])[0].status == "ok"
    build_checkset(out, size=64, subsets=["v2"], v2_count=2, progress=False)
    entry = json.loads((out / "manifest.json").read_text())["subsets"]["generator"]
    assert entry["pixels_sha256"] == m["subsets"]["generator"]["pixels_sha256"] and "generator_sha256" not in entry

    # one changed pixel in the first picture: stale, with the command that rebuilds it
    path = out / "generator" / "color" / "anime_1000000.png"
    a = _arr(path).copy()
    a[0, 0, 0] ^= 1
    Image.fromarray(a).save(path)
    (check,) = check_generated(out, ["generator"])
    assert check.status == "stale"
    assert f"python -m train.data checkset --out {out} --subsets generator --size 64" in check.message
    assert data_main(["checkset", "--out", str(out), "--check"]) == 1


def test_what_cannot_be_checked_is_said(tmp_path):
    out = tmp_path / "cs"
    build_checkset(out, size=64, generator_count=1, subsets=["generator"], generate=_fake_v1, progress=False)
    assert check_generated(out)[0].status == "unchecked"          # custom generator
    (out / "manifest.json").unlink()
    (check,) = check_generated(out)
    assert check.status == "unchecked" and "no manifest" in check.message
    assert check_generated(tmp_path / "nothing") == []
