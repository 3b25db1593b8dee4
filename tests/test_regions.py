"""Flat fill (colorizer.regions): one colour per line-enclosed region."""

import numpy as np
import pytest
from PIL import Image

from colorizer import Colorizer, preset
from colorizer.processing import line_mask
from colorizer.regions import flat_fill, flat_seal, flatten_image, region_labels
from colorizer.settings import RenderSettings


def two_boxes_sketch(size: int = 64, gap: int = 0) -> np.ndarray:
    """White paper with a black frame split by a vertical line into two boxes;
    ``gap`` pixels are left open in the dividing line."""
    g = np.full((size, size), 255, np.uint8)
    g[8, 8:56] = g[55, 8:56] = 0
    g[8:56, 8] = g[8:56, 55] = 0
    g[8:56, 31:33] = 0
    if gap:
        g[30:30 + gap, 31:33] = 255
    return g


def test_regions_of_a_closed_drawing():
    ink = two_boxes_sketch() < 128
    labels, n = region_labels(ink, seal=0)
    assert n == 3  # outside, left box, right box
    assert labels[20, 20] != labels[20, 45] and labels[20, 20] > 0 and labels[20, 45] > 0
    # a 2 px gap joins the boxes without sealing, and is closed by one sealing step
    ink = two_boxes_sketch(gap=2) < 128
    assert region_labels(ink, seal=0)[1] == 2
    assert region_labels(ink, seal=1)[1] == 3


def test_blotch_is_absorbed_and_lines_keep_the_network_pixels():
    sk = two_boxes_sketch()
    dark = line_mask(Image.fromarray(sk))
    color = np.full((64, 64, 3), 250, np.uint8)
    color[9:55, 9:31] = (200, 60, 40)     # left box red
    color[9:55, 33:55] = (40, 80, 200)    # right box blue
    color[12:17, 12:17] = (255, 255, 255)  # a small white blotch in the red box (25 of ~1000 px)
    rng = np.random.default_rng(0)
    noisy = np.clip(color + rng.normal(0, 6, color.shape), 0, 255).astype(np.uint8)
    noisy[sk < 128] = 10                   # the network draws the lines dark
    out, stats = flat_fill(noisy, dark, seal=1)
    assert stats.regions == 3
    left = out[12:50, 12:28].reshape(-1, 3)
    assert np.abs(left.astype(int) - (200, 60, 40)).max() <= 3   # blotch gone, noise gone
    right = out[12:50, 36:52].reshape(-1, 3)
    assert np.ptp(right, axis=0).max() == 0 and np.abs(right.astype(int) - (40, 80, 200)).max() <= 3
    assert out[8, 20].max() <= 12         # ink pixels are the network's own (dark) pixels


def test_leak_keeps_two_large_colours():
    # the dividing line has a gap too wide to seal: one region, painted in two
    # clearly different halves by the network -> both halves keep their colour
    sk = two_boxes_sketch(gap=8)
    dark = line_mask(Image.fromarray(sk))
    color = np.full((64, 64, 3), 250, np.uint8)
    color[9:55, 9:32] = (200, 60, 40)
    color[9:55, 32:55] = (40, 80, 200)
    out, stats = flat_fill(color, dark, seal=1)
    assert stats.split >= 1
    assert tuple(out[20, 20]) == (200, 60, 40) and tuple(out[20, 45]) == (40, 80, 200)


def test_bad_shapes_raise():
    with pytest.raises(ValueError):
        flat_fill(np.zeros((8, 8, 3), np.uint8), np.zeros((8, 9), np.float32))
    with pytest.raises(ValueError):
        flat_fill(np.zeros((8, 8), np.uint8), np.zeros((8, 8), np.float32))


def test_all_ink_and_blank_pictures():
    out, stats = flat_fill(np.full((8, 8, 3), 7, np.uint8), np.ones((8, 8), np.float32))
    assert stats.regions == 0 and (out == 7).all()
    blank = np.random.default_rng(1).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    out, stats = flat_fill(blank, np.zeros((16, 16), np.float32))
    assert stats.regions == 1 and stats.flat_fraction == 1.0


def test_flatten_image_sizes_and_seal():
    assert flat_seal(256, 100) == 1 and flat_seal(512, 512) == 2 and flat_seal(10, 10) == 1
    sketch = Image.fromarray(two_boxes_sketch(128)).convert("L")
    color = Image.new("RGB", (32, 32), (120, 130, 140))
    out = flatten_image(color, sketch)
    assert out.size == (128, 128) and out.mode == "RGB"
    small = flatten_image(color, sketch, RenderSettings(flat_max_side=64))  # worked at 64 px, returned at 128
    assert small.size == (128, 128)


def test_pipeline_flat_option(sketch_image):
    c = Colorizer.from_random(preset("tiny"), seed=0, device="cpu", backend="torch")
    raw = c(sketch_image, size=64, seed=3, flat=False)
    flat = c(sketch_image, size=64, seed=3)   # flat colours are the library's default
    assert flat.options.flat and not raw.options.flat
    assert np.array_equal(np.asarray(flat.image), np.asarray(c(sketch_image, size=64, seed=3, flat=True).image))
    assert flat.image.size == raw.image.size
    a, b = np.asarray(raw.image), np.asarray(flat.image)
    assert not np.array_equal(a, b)
    # flat output has far fewer distinct colours off the lines than the raw network
    paper = line_mask(sketch_image) < 0.05
    assert len(np.unique(b[paper], axis=0)) < len(np.unique(a[paper], axis=0))


def test_output_size_caps_the_result(sketch_image):
    c = Colorizer.from_random(preset("tiny"), seed=0, device="cpu", backend="torch")
    big = sketch_image.resize((192, 160))
    r = c(big, size=64, seed=0, flat=True, output_size=96)
    assert r.image.size == (96, 80) and r.color.size == (96, 80)
    assert c(big, size=64, seed=0, output_size=400).image.size == (192, 160)  # never enlarged


def test_open_figure_keeps_its_colour():
    # a figure drawn open to the background (no closed outline at all): one region with
    # a small coloured part - more than min_picture_share of the picture - keeps its colour
    g = np.full((100, 100), 255, np.uint8)
    g[20:80, 40] = g[20:80, 60] = 0          # two parallel strokes, open at both ends
    dark = line_mask(Image.fromarray(g))
    color = np.full((100, 100, 3), 255, np.uint8)
    color[22:78, 42:59] = (220, 140, 60)     # the network paints between the strokes (~10%)
    out, stats = flat_fill(color, dark, seal=1)
    assert stats.regions == 1
    assert tuple(out[50, 50]) == (220, 140, 60) and tuple(out[5, 5]) == (255, 255, 255)
    # with the picture-share rule off, the part is under min_share of the region: absorbed
    out2, _ = flat_fill(color, dark, seal=1, min_picture_share=1.0)
    assert tuple(out2[50, 50]) == (255, 255, 255)


def test_region_labels_match_scipy():
    """region_labels runs on OpenCV; the labels are those of scipy.ndimage (same numbering)."""
    from scipy import ndimage

    rng = np.random.default_rng(0)
    for p in (0.2, 0.45, 0.6):
        ink = rng.random((57, 43)) < p
        for seal in (0, 1, 3):
            sealed = ndimage.binary_dilation(ink, structure=ndimage.generate_binary_structure(2, 1),
                                             iterations=seal) if seal else ink
            ref, n_ref = ndimage.label(~sealed)
            labels, n = region_labels(ink, seal)
            assert n == n_ref and np.array_equal(labels, ref)
    assert region_labels(np.zeros((0, 5), bool))[1] == 0
    with pytest.raises(ValueError):
        region_labels(np.zeros((4, 4, 3), bool))


def necked_boxes(neck_width: int = 4) -> np.ndarray:
    """Ink everywhere but two 40 x 50 boxes of paper joined by a short corridor ``neck_width`` high:
    what a gap in the line between hair and face looks like after sealing."""
    ink = np.ones((60, 100), bool)
    ink[5:55, 5:45] = False
    ink[5:55, 55:95] = False
    ink[28:28 + neck_width, 45:55] = False
    return ink


def test_split_necks_cuts_a_corridor_and_keeps_every_paper_pixel():
    from colorizer.regions import flat_neck

    ink = necked_boxes()
    labels, n = region_labels(ink, seal=0)
    assert n == 1
    cut, m = region_labels(ink, seal=0, neck=4)
    assert m == 2
    left, right = np.unique(cut[5:55, 5:45]), np.unique(cut[5:55, 55:95])
    assert len(left) == 1 and len(right) == 1 and left[0] != right[0] and 0 not in (left[0], right[0])
    assert (cut[~ink] > 0).all() and (cut[ink] == 0).all()
    # a corridor wider than 2 * neck is not a neck
    assert region_labels(necked_boxes(12), seal=0, neck=4)[1] == 1
    # a region thinner than 2 * neck everywhere stays one region
    thin = np.ones((20, 40), bool)
    thin[5:8, 2:38] = False
    assert region_labels(thin, seal=0, neck=4)[1] == 1
    assert flat_neck(512, 512) == 8 and flat_neck(256, 100) == 4 and flat_neck(10, 10) == 1


def test_split_necks_only_subdivides():
    """Every cut region lies inside one line-enclosed region, the paper stays paper, and the
    numbering is dense (1..n)."""
    rng = np.random.default_rng(1)
    for p in (0.02, 0.05, 0.1):
        import cv2

        ink = cv2.dilate((rng.random((120, 90)) < p).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        base, _ = region_labels(ink, seal=1)
        cut, m = region_labels(ink, seal=1, neck=3)
        assert np.array_equal(cut > 0, base > 0)
        assert set(np.unique(cut[cut > 0])) == set(range(1, m + 1))
        pairs = np.unique(np.stack([cut[cut > 0], base[cut > 0]], 1), axis=0)
        assert len(np.unique(pairs[:, 0])) == len(pairs)  # each cut region has one home
        assert m >= base.max()


def test_render_roles_cuts_hair_from_face_through_a_gap():
    """A gap in the line joins two parts; the network says the left box is hair and the right
    box skin: with necks cut each box takes its own slot, without, both take one."""
    from colorizer.render import render_roles

    ink = necked_boxes()
    dark = ink.astype(np.float32)
    h, w = ink.shape
    probs = np.zeros((9, h, w), np.float32)
    probs[2, :, :50] = 1.0    # hair on the left
    probs[1, :, 50:] = 1.0    # skin on the right
    palette = np.zeros((9, 3), np.uint8)
    palette[1], palette[2] = (240, 200, 180), (120, 60, 30)
    color = np.full((h, w, 3), 200, np.uint8)
    whole = render_roles(color, dark, probs, palette, seal=0, neck=0, cel_shading=False)
    assert whole.slots[30, 20] == whole.slots[30, 80]
    cut = render_roles(color, dark, probs, palette, seal=0, neck=4, cel_shading=False)
    assert cut.slots[30, 20] == 2 and cut.slots[30, 80] == 1
    assert tuple(cut.base[30, 20]) == (120, 60, 30) and tuple(cut.base[30, 80]) == (240, 200, 180)
