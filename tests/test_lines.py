"""colorizer.lines (line extraction: training sketches and the views of a reference the role head segments) on small synthetic drawings."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer.lines import adjust_line_width, extract_lines


def _circle(size=96, fill=(220, 60, 60), outline=(0, 0, 0), width=3, mode="RGB"):
    im = Image.new(mode, (size, size), "white")
    ImageDraw.Draw(im).ellipse((16, 16, size - 16, size - 16), fill=fill, outline=outline, width=width)
    return im


def _ring_mask(size=96, inner=3, outer=3, width=3):
    """Pixels within ``outer`` px outside / ``inner`` px inside of the drawn outline ring."""
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(xx - (size - 1) / 2, yy - (size - 1) / 2)
    radius = (size - 32) / 2
    return (r <= radius + outer) & (r >= radius - width - inner)


@pytest.mark.parametrize("method", ["xdog", "outline"])
def test_lines_on_outline_not_in_flat_interior(method):
    sk = extract_lines(_circle(), method=method)
    assert sk.mode == "L" and sk.size == (96, 96)
    a = np.asarray(sk)
    dark = a < 128
    ring = _ring_mask()
    assert dark[ring].mean() > 0.25, "the black outline must be found"
    assert not dark[~ring].any(), "no lines in the flat interior or on the paper"
    assert a[48, 48] == 255 and a[2, 2] == 255


@pytest.mark.parametrize("method", ["xdog", "outline"])
def test_white_image_gives_white_sketch(method):
    sk = extract_lines(Image.new("RGB", (40, 30), "white"), method=method)
    assert sk.size == (40, 30) and sk.mode == "L"
    assert np.asarray(sk).min() == 255


def test_outline_finds_colour_boundary_without_drawn_outline():
    im = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(im).rectangle((0, 0, 31, 63), fill=(40, 90, 220))  # left half blue, no outline
    a = np.asarray(extract_lines(im, method="outline"))
    assert (a[:, 29:34] < 128).any(axis=1).all(), "a line runs along the whole colour boundary"
    assert (a[:, :28] == 255).all() and (a[:, 36:] == 255).all()


def test_outline_keeps_only_boundary_of_large_dark_area():
    im = Image.new("RGB", (80, 80), "white")
    ImageDraw.Draw(im).rectangle((20, 20, 59, 59), fill=(10, 10, 10))  # black hair-like block
    a = np.asarray(extract_lines(im, method="outline"))
    assert a[40, 40] == 255, "inside of a filled dark area is not a line"
    assert (a[40, 17:23] < 128).any(), "its boundary is"


def test_transparent_input_is_composited_on_white():
    im = _circle(mode="RGBA", fill=(0, 0, 0, 0), outline=(0, 0, 0, 255))
    transparent_bg = Image.new("RGBA", im.size, (0, 0, 0, 0))
    transparent_bg.alpha_composite(im)
    a = np.asarray(extract_lines(transparent_bg, method="outline"))
    assert a[2, 2] == 255 and a[48, 48] == 255 and (a < 128).any()


def test_unknown_method_raises():
    with pytest.raises(ValueError):
        extract_lines(Image.new("RGB", (8, 8)), method="nope")


def test_adjust_line_width_thickens_and_thins():
    sk = Image.new("L", (64, 64), 255)
    d = ImageDraw.Draw(sk)
    d.line((8, 20, 56, 20), fill=0, width=5)  # thick stroke
    d.line((8, 44, 56, 44), fill=0, width=1)  # hairline
    base = (np.asarray(sk) < 128).sum()
    thick = adjust_line_width(sk, 2)
    thin = adjust_line_width(sk, -1)
    assert thick.mode == thin.mode == "L" and thick.size == thin.size == (64, 64)
    assert (np.asarray(thick) < 128).sum() > base
    t = np.asarray(thin) < 128
    assert t.sum() < base
    assert t[44, 12:52].all(), "a hairline survives thinning (skeleton kept)"
    assert t[18:23, 32].sum() < 5, "thick stroke got thinner"
    assert np.array_equal(np.asarray(adjust_line_width(sk, 0)), np.asarray(sk))


def test_xdog_rgb_finds_light_colour_on_white():
    im = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(im).ellipse((12, 12, 52, 52), fill=(255, 235, 0))  # yellow, nearly white in luminance
    luma = np.asarray(extract_lines(im, "xdog")) < 128
    rgb = np.asarray(extract_lines(im, "xdog", channels="rgb")) < 128
    assert rgb.sum() > 3 * max(luma.sum(), 10)
    assert not rgb[28:36, 28:36].any()


# -- the OpenCV filters match the scipy.ndimage ones they replaced -----------------------------

def _random_planes():
    rng = np.random.default_rng(0)
    yield rng.random((37, 53), dtype=np.float32)
    yield (rng.random((64, 48)) > 0.7).astype(np.float32)  # hard edges, touching the border
    yield np.asarray(extract_lines(_circle(), "xdog"), dtype=np.float32) / 255.0


@pytest.mark.parametrize("sigma", [0.2, 0.6, 1.0, 1.8, 3.0])
def test_gaussian_matches_scipy(sigma):
    from scipy import ndimage

    from colorizer.lines import gaussian

    for plane in _random_planes():
        out = gaussian(plane, sigma)
        assert out.dtype == np.float32 and out.shape == plane.shape
        assert np.abs(out - ndimage.gaussian_filter(plane, sigma)).max() < 1e-5


@pytest.mark.parametrize("radius", [0, 1, 2, 4])
def test_morphology_matches_scipy(radius):
    from scipy import ndimage

    from colorizer.lines import _disk, binary_dilate, binary_open, grey_dilate, grey_erode

    rng = np.random.default_rng(radius)
    fp = _disk(radius)
    for a in (rng.random((41, 29), dtype=np.float32), rng.integers(0, 256, (30, 50)).astype(np.uint8)):
        assert np.array_equal(grey_dilate(a, fp), ndimage.grey_dilation(a, footprint=fp))
        assert np.array_equal(grey_erode(a, fp), ndimage.grey_erosion(a, footprint=fp))
    for p in (0.5, 0.9):  # sparse and dense masks; shapes touch the border
        m = rng.random((45, 38)) < p
        assert np.array_equal(binary_dilate(m, fp), ndimage.binary_dilation(m, structure=fp))
        assert np.array_equal(binary_open(m, fp), ndimage.binary_opening(m, structure=fp))
