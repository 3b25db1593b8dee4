"""The anime check set: hand role assignment, ink line art, the build, and training's refusal."""

import csv
import json
from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image

from colorizer.roles import IGNORE, LINE, ROLE_INDEX
from train.data import checkset
from train.data.checkset import (CheckSetError, build_checkset, finish_labels, ink_sketch, is_checkset, load_roles,
                                 role_map)
from train.data.checkset_generated import build_generated
from train.data.splits import TestDataError, assert_not_test

SKIN, HAIR, EYE, BG = ROLE_INDEX["skin"], ROLE_INDEX["hair"], ROLE_INDEX["eye"], ROLE_INDEX["background"]


def test_role_map_clusters_then_overrides_in_order():
    clusters = np.array([[0, 0, 1, 1],
                         [0, 2, 1, 1],
                         [2, 2, 2, 1]])
    spec = {"centres": [[0, 0, 0]] * 3, "roles": ["skin", "hair", "line"],
            "overrides": [{"box": [0, 0, 2, 2], "clusters": [0], "role": "eye"},       # only cluster 0 in the box
                          {"polygon": [[3, 2], [3, 2]], "role": "ignore"},             # one pixel, any cluster
                          {"box": [0, 1, 1, 3], "role": "mouth"}]}                     # later rules win
    opaque = np.ones((3, 4), bool)
    opaque[0, 3] = False
    out = role_map(clusters, spec, opaque)
    m = ROLE_INDEX["mouth"]
    assert out.tolist() == [[EYE, EYE, HAIR, BG],
                            [m, LINE, HAIR, HAIR],
                            [m, LINE, LINE, IGNORE]]
    with pytest.raises(CheckSetError):
        role_map(clusters, {"centres": [[0, 0, 0]] * 3, "roles": ["skin", "hair", "tail"]})
    with pytest.raises(CheckSetError):
        role_map(clusters, {"centres": [[0, 0, 0]] * 3, "roles": ["skin", "hair"]})


def test_finish_labels_line_is_exactly_the_ink():
    labels = np.array([[SKIN, SKIN, LINE, HAIR, HAIR]] * 3, np.uint8)
    sketch = np.full((3, 5), 255, np.uint8)
    sketch[:, 3] = 0                        # the ink sits one pixel right of the "line" cluster
    out = finish_labels(labels, Image.fromarray(sketch, "L"))
    assert (out[:, 3] == LINE).all()        # ink -> line
    assert (out[:, 2] == SKIN).all()        # stray line pixel -> nearest non-line role (skin, 1 px away)
    assert (out[:, :2] == SKIN).all() and (out[:, 4] == HAIR).all()


def test_ink_sketch_keeps_thin_dark_strokes_not_dark_areas():
    rgb = np.full((40, 60, 3), (250, 225, 210), np.uint8)   # skin
    rgb[5:35, 10] = (10, 10, 10)                            # a thin black stroke on skin
    rgb[5:35, 20:36] = (132, 69, 36)                        # an area of brown hair...
    rgb[5:35, 28] = (15, 10, 8)                             # ...with a black stroke inside
    rgb[5:35, 40:58] = (20, 20, 20)                         # a wide dark area
    sk = np.asarray(ink_sketch(rgb, radius=2))
    assert sk[20, 10] < 60 and sk[20, 28] < 60               # both strokes are ink
    assert sk[20, 23] > 250 and sk[20, 33] > 250             # the brown hair is not
    assert sk[20, 49] > 250                                  # nor the inside of the dark area
    assert sk[20, 5] == 255                                  # paper


def test_committed_roles_file_is_valid_and_complete():
    doc = load_roles()
    images = doc["images"]
    assert len(images) >= 8
    assert sum(e["lines"] == "xdog" for e in images.values()) == 2      # the two painted full-body portraits
    for name, e in images.items():
        assert e["file"].startswith("Data/") and e["file"].endswith(".png")
        assert len(e["roles"]) == len(e["centres"])
        assert "line" in e["roles"] and ("skin" in e["roles"] or any(o["role"] == "skin" for o in e["overrides"]))


def test_load_roles_rejects_bad_files(tmp_path):
    good = {"images": {"a": {"file": "Data/a.png", "centres": [[1, 2, 3]], "roles": ["skin"]}}}
    p = tmp_path / "r.json"
    p.write_text(json.dumps(good))
    assert load_roles(p)["images"]["a"]["roles"] == ["skin"]
    for bad in ({"images": {"a": {**good["images"]["a"], "roles": ["tail"]}}},
                {"images": {"a": {**good["images"]["a"], "centres": [[1, 2, 300]]}}},
                {"images": {"a": {**good["images"]["a"], "overrides": [{"box": [0, 0, 1, 1], "clusters": [4], "role": "eye"}]}}},
                {"images": {"a": {**good["images"]["a"], "overrides": [{"role": "eye"}]}}},
                {"images": {}}):
        p.write_text(json.dumps(bad))
        with pytest.raises(CheckSetError):
            load_roles(p)
    p.write_text("{not json")
    with pytest.raises(CheckSetError):
        load_roles(p)


@dataclass
class _Sample:
    color: Image.Image
    sketch: Image.Image
    labels: Image.Image


def _fake_generate(calls):
    def generate(seed, size, variant):
        calls.append((seed, size, variant))
        v = (seed * 7 + variant * 50) % 256
        return _Sample(Image.new("RGB", (size, size), (v, 100, 200)), Image.new("L", (size, size), 255),
                       Image.new("L", (size, size), SKIN))
    return generate


def test_build_generator_writes_held_out_seeds_and_references(tmp_path):
    calls = []
    rows, entry = build_generated(tmp_path, "generator", size=32, count=3, generate=_fake_generate(calls),
                                  progress=False)
    assert calls == [(s, 32, v) for s in (1_000_000, 1_000_001, 1_000_002) for v in (0, 1)]
    assert [r["id"] for r in rows] == ["anime_1000000", "anime_1000001", "anime_1000002"]
    assert all(r["licence"] == "CC0-1.0" for r in rows)
    assert entry["seeds"] == [1_000_000, 1_000_002] and entry["pixels_sha256"] == "custom"
    g = tmp_path / "generator"
    for sub in ("sketch", "color", "labels", "reference", "reference_labels"):
        assert sorted(p.name for p in (g / sub).iterdir()) == [f"anime_{s}.png" for s in range(1_000_000, 1_000_003)]
    # the reference is variant 1, the picture variant 0
    c = np.asarray(Image.open(g / "color" / "anime_1000000.png"))
    r = np.asarray(Image.open(g / "reference" / "anime_1000000.png"))
    assert c[0, 0, 0] == (1_000_000 * 7) % 256 and r[0, 0, 0] == (1_000_000 * 7 + 50) % 256
    with pytest.raises(CheckSetError):
        build_generated(tmp_path, "generator", size=32, count=1, seed0=999_999, generate=_fake_generate([]))
    # a smaller rebuild leaves no picture of the larger one behind
    build_generated(tmp_path, "generator", size=32, count=2, generate=_fake_generate([]), progress=False)
    for sub in ("sketch", "color", "reference_labels"):
        assert sorted(p.name for p in (g / sub).iterdir()) == ["anime_1000000.png", "anime_1000001.png"]


def test_checkset_folder_is_refused_by_training(tmp_path):
    from train.data.__main__ import main
    from train.dataset import discover

    out = tmp_path / "cs"   # two small pictures of the real generator
    assert main(["checkset", "--out", str(out), "--size", "64", "--generator-count", "2",
                 "--subsets", "generator"]) == 0
    assert (out / "CHECKSET").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["subsets"]["generator"]["count"] == 2 and manifest["size"] == 64
    with open(out / "LICENSES.csv") as f:
        assert [r["licence"] for r in csv.DictReader(f)] == ["CC0-1.0", "CC0-1.0"]
    assert is_checkset(out / "generator" / "color")
    assert not is_checkset(tmp_path)
    # The generator subset is a folders layout (sketch/ + color/): training must refuse it...
    with pytest.raises(TestDataError, match="check set"):
        discover(out / "generator")
    with pytest.raises(TestDataError):
        assert_not_test([out / "generator" / "color" / "anime_1000000.png"])
    # ...while the same files outside a marked folder are fine.
    (out / "CHECKSET").unlink()
    assert len(discover(out / "generator")) == 2


def test_build_checkset_rejects_bad_arguments(tmp_path):
    with pytest.raises(CheckSetError):
        build_checkset(tmp_path, size=10)
    with pytest.raises(CheckSetError):
        build_checkset(tmp_path, subsets=["kaggle"])


def _ardentryst_or_skip():
    try:
        return checkset.find_ardentryst()
    except CheckSetError:
        pytest.skip("Debian package ardentryst is not installed")


def test_ardentryst_picture_renders_deterministically_with_its_roles():
    root = _ardentryst_or_skip()
    entry = load_roles()["images"]["nyx_face_2"]
    sketch, color, labels = checkset.render_ardentryst(root, entry, 128)
    assert sketch.mode == "L" and color.mode == "RGB" and labels.mode == "L"
    assert sketch.size == color.size == labels.size == (128, 128)
    lab = np.asarray(labels)
    for role in ("skin", "hair", "eye", "eye_white", "mouth", "line", "accessory"):
        assert (lab == ROLE_INDEX[role]).any(), role
    assert ((np.asarray(sketch) < 128) == (lab == LINE)).all()
    # the centre of the face is skin, the top-left corner hair
    assert lab[80, 64] in (SKIN, LINE) and lab[2, 2] == HAIR
    again = checkset.render_ardentryst(root, entry, 128)
    assert all((np.asarray(a) == np.asarray(b)).all() for a, b in zip((sketch, color, labels), again))


@pytest.mark.slow
def test_ardentryst_subset_builds(tmp_path):
    _ardentryst_or_skip()
    manifest = build_checkset(tmp_path, size=128, subsets=["ardentryst"])
    n = manifest["subsets"]["ardentryst"]["count"]
    for sub in ("sketch", "color", "labels"):
        assert len(list((tmp_path / "ardentryst" / sub).glob("*.png"))) == n
    with open(tmp_path / "LICENSES.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == n and all(r["licence"] == "CC-BY-SA-3.0" and "Trudgett" in r["attribution"] for r in rows)
