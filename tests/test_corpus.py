"""train.data corpus pieces that run without npm: splits, test guard, SVG line twins, rendering, packs."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from train.data import splits
from train.data.build import make_pair
from train.data.pack import _OVERHEAD as OVERHEAD
from train.data.pack import pack
from train.data.packed import open_pack
from train.data.render import render_svg
from train.data.sources import Item
from train.data.svg_lines import line_twin

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="40" fill="#e0a070" stroke="#222222" stroke-width="4"/>'
    '<rect x="40" y="40" width="20" height="20" fill="#000"/>'
    '<path d="M20 80 L80 80" stroke="#3366ff" stroke-width="3"/>'
    "</svg>"
)


def test_test_manifest_is_intact_and_nonempty():
    ids = splits.load_test_manifest()
    assert len(ids) > 100
    dicebear = [i for i in ids if i.startswith("dicebear-")]  # their group is the id itself
    assert dicebear and all(splits.hashed_split(i) == "test" for i in dicebear)


def test_tampered_manifest_is_rejected(tmp_path):
    p = tmp_path / "m.json"
    splits.write_test_manifest(["a", "b"], path=p)
    data = json.loads(p.read_text())
    data["ids"].append("c")
    p.write_text(json.dumps(data))
    with pytest.raises(ValueError):
        splits.load_test_manifest(p)


def test_split_is_by_group_and_deterministic():
    groups = [f"g{i}" for i in range(2000)]
    first = [splits.hashed_split(g) for g in groups]
    assert first == [splits.hashed_split(g) for g in groups]
    share = {s: first.count(s) / len(first) for s in ("train", "val", "test")}
    assert 0.85 < share["train"] < 0.95 and 0.02 < share["val"] < 0.08 and 0.02 < share["test"] < 0.08
    # every variant of a group gets the group's split; test only if frozen in the manifest
    g = next(g for g in groups if splits.hashed_split(g) == "test")
    assert splits.assign_split("x1", g, frozenset({"x1"})) == "test"
    assert splits.assign_split("x2", g, frozenset({"x1"})) is None  # reserved, never train


def test_assert_not_test_refuses_test_data():
    tid = sorted(splits.load_test_manifest())[0]
    with pytest.raises(splits.TestDataError):
        splits.assert_not_test([f"/data/train/color/{tid}.png"])
    with pytest.raises(splits.TestDataError):
        splits.assert_not_test(["data/test/color/whatever.png"])
    splits.assert_not_test(["data/train/color/not-a-test-id.png", "data/val/sketch/x.png"])


def test_line_twin_keeps_dark_paint_and_strokes_only():
    twin = line_twin(SVG, dark_threshold=0.3)
    assert 'fill="#ffffff"' in twin and 'fill="#000000"' in twin
    assert "#e0a070" not in twin and "#3366ff" not in twin
    im = np.asarray(render_svg(svg=twin, size=100).convert("L"))
    assert im[50, 50] == 0  # dark square stays
    assert im[30, 30] == 255  # skin fill whitened
    assert im[50, 10] < 128  # outline stroke


def test_render_svg_square_on_white():
    im = render_svg(svg='<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                    '<rect width="40" height="20" fill="red"/></svg>', size=32)
    assert im.size == (32, 32) and im.mode == "RGB"
    assert im.getpixel((16, 16)) == (255, 0, 0) and im.getpixel((16, 1)) == (255, 255, 255)


@pytest.mark.parametrize("mode", ["twin", "extract", "svg"])
def test_make_pair_modes(tmp_path, mode):
    svg = tmp_path / "c.svg"
    svg.write_text(SVG)
    item = Item(id="t", group="t", source="x", licence="CC0", attribution="", url="",
                color_svg=str(svg), line_mode=mode, line_svg=str(svg) if mode == "svg" else None)
    sketch, color = make_pair(item, 64)
    assert sketch.mode == "L" and color.mode == "RGB" and sketch.size == color.size == (64, 64)
    assert (np.asarray(sketch) < 128).any() and np.asarray(sketch)[0, 0] == 255


def _tiny_corpus(root, n_train=6, n_val=2):
    for split, n in (("train", n_train), ("val", n_val)):
        for half in ("sketch", "color"):
            (root / split / half).mkdir(parents=True)
        for i in range(n):
            c = Image.new("RGB", (48, 48), "white")
            ImageDraw.Draw(c).ellipse((4, 4, 40, 40), fill=(30 * i, 90, 200), outline="black", width=2)
            c.save(root / split / "color" / f"{split}{i}.png")
            c.convert("L").point(lambda v: 0 if v < 50 else 255).save(root / split / "sketch" / f"{split}{i}.png")


def test_pack_roundtrip_and_budget(tmp_path):
    _tiny_corpus(tmp_path / "d")
    meta = pack(tmp_path / "d", tmp_path / "p.npz", max_mib=1.0, workers=1)
    assert meta["counts"] == {"train": 6, "val": 2} and not meta["truncated"]
    train, val = open_pack(tmp_path / "p.npz", "train"), open_pack(tmp_path / "p.npz", "val")
    assert len(train) == 6 and len(val) == 2 and {p.id for p in val} == {"val0", "val1"}
    sketch, color = train[0].load()
    assert sketch.size == color.size == (48, 48) and color.mode == "RGB"
    original = Image.open(tmp_path / "d" / "train" / "color" / f"{train[0].id}.png").convert("RGB")
    assert np.array_equal(np.asarray(original), np.asarray(color))  # colour is lossless
    budget = (OVERHEAD + meta["image_bytes"] / 2) / 2**20  # room for about half of the pairs
    small = pack(tmp_path / "d", tmp_path / "s.npz", max_mib=budget, workers=1)
    assert small["truncated"] and 0 < sum(small["counts"].values()) < 8
    assert small["counts"]["val"] == 2, "val pairs go in first"
    assert (tmp_path / "s.npz").stat().st_size <= budget * 2**20


def test_pack_of_a_corpus_in_two_folders(tmp_path):
    _tiny_corpus(tmp_path / "a", n_train=3, n_val=1)
    _tiny_corpus(tmp_path / "b", n_train=2, n_val=1)
    for split in ("train", "val"):   # other ids in the second folder
        for half in ("sketch", "color"):
            for f in (tmp_path / "b" / split / half).glob("*.png"):
                f.rename(f.with_name("b" + f.name))
    meta = pack(f"{tmp_path / 'a'},{tmp_path / 'b'}", tmp_path / "p.npz", max_mib=1.0, workers=1)
    assert meta["counts"] == {"train": 5, "val": 2}
    assert {p.id for p in open_pack(tmp_path / "p.npz", "train")} == {"train0", "train1", "train2",
                                                                      "btrain0", "btrain1"}
    assert len(meta["corpus"]["folders"]) == 2
    with pytest.raises(ValueError, match="two corpus folders"):   # one folder twice
        pack([tmp_path / "a", tmp_path / "a"], tmp_path / "q.npz", max_mib=1.0, workers=1)


def test_render_accepts_absolute_unit_sizes():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="30.000pt" height="15pt">'
           '<rect x="0" y="0" width="40" height="20" fill="#00ff00"/></svg>')
    im = render_svg(svg=svg, size=32)
    assert im.getpixel((16, 16)) == (0, 255, 0)


def test_fit_content_crops_to_the_drawing():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
           '<rect x="45" y="45" width="10" height="10" fill="#0000ff"/></svg>')
    im = np.asarray(render_svg(svg=svg, size=40, fit_content=True))
    assert (im[2:38, 2:38] == [0, 0, 255]).all(axis=-1).mean() > 0.9


def test_pairs_from_reads_folder_or_pack_and_refuses_test(tmp_path):
    from train.data.packed import pairs_from

    _tiny_corpus(tmp_path / "d")
    pack(tmp_path / "d", tmp_path / "p.npz", max_mib=1.0, workers=1)
    assert [p.id for p in pairs_from(tmp_path / "d", "val")] == ["val0", "val1"]
    assert sorted(p.id for p in pairs_from(tmp_path / "p.npz", "val")) == ["val0", "val1"]
    with pytest.raises(splits.TestDataError):
        pairs_from(tmp_path / "d", "test")
    (tmp_path / "d" / "test" / "color").mkdir(parents=True)
    (tmp_path / "d" / "test" / "sketch").mkdir(parents=True)
    with pytest.raises(splits.TestDataError):
        pairs_from(tmp_path / "d" / "test", "train")  # a test folder passed directly


def test_pack_carries_part_labels_for_semantic_runs(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from _train_helpers import make_labelled_pairs, tiny_config

    from train.dataset import build_dataset

    root = tmp_path / "d"
    make_labelled_pairs(root / "train", n=4)
    make_labelled_pairs(root / "val", n=2, seed=1)
    # one train map mostly unknown (255), one train pair with no map at all
    Image.new("L", (48, 48), 255).save(root / "train" / "labels" / "pair001.png")
    (root / "train" / "labels" / "pair002.png").unlink()
    meta = pack(root, tmp_path / "all.npz", max_mib=1.0, workers=1)
    assert meta["labelled"] == 5 and meta["counts"] == {"train": 4, "val": 2}
    pairs = {p.id: p for p in open_pack(tmp_path / "all.npz", "train")}
    assert pairs["pair002"].load_labels() is None and pairs["pair001"].labels_coverage == 0.0
    want = np.asarray(Image.open(root / "train" / "labels" / "pair000.png"))
    assert np.array_equal(np.asarray(pairs["pair000"].load_labels()), want)  # labels are exact
    assert pairs["pair000"].labels_coverage == 1.0
    meta = pack(root, tmp_path / "sem.npz", max_mib=1.0, workers=1, min_label_coverage=0.9)
    assert meta["counts"] == {"train": 2, "val": 2}
    assert sorted(p.id for p in open_pack(tmp_path / "sem.npz", "train")) == ["pair000", "pair003"]
    # a semantic-slot dataset reads the pack's labels and coverage (no label files needed)
    cfg = tiny_config(tmp_path / "all.npz", {"data.layout": "packed", "data.palette_mode": "slots",
                                              "model.generator_overrides": {"hints": True, "num_roles": 11}})
    ds = build_dataset(cfg)
    assert len(ds) == 2 and ds.dropped_unlabelled == 2
    item = ds[(0, 0)]
    assert item["labels"].shape == (32, 32) and int(item["labels"].max()) <= 10
    assert pack(root, tmp_path / "v.npz", max_mib=1.0, workers=1, max_val=1)["counts"] == {"train": 4, "val": 1}
