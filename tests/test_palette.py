import numpy as np
import pytest
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

from colorizer.errors import PaletteError
from colorizer.palette import Palette, PaletteWarning, extract_palette, hex_to_rgb, palette_vector, rgb_to_hex
from colorizer.roles import DEFAULT_SLOT_COLORS


def _lab(c):
    return rgb2lab(np.asarray(c, np.float64).reshape(-1, 1, 3) / 255.0).reshape(-1, 3)


def test_kmeans_recovers_nine_blocks_within_delta_e_2(block_image):
    img, colors = block_image
    # A little noise so that K-means has real work to do.
    a = np.asarray(img).astype(np.int16)
    rng = np.random.default_rng(0)
    a = np.clip(a + rng.integers(-3, 4, a.shape), 0, 255).astype(np.uint8)
    pal = extract_palette(Image.fromarray(a), seed=0)
    assert len(pal) == 9
    found = _lab(pal.colors)
    for c in _lab(colors):
        assert deltaE_ciede2000(np.repeat(c[None], 9, 0), found).min() < 2.0
    assert abs(pal.shares.sum() - 1) < 1e-9


def test_extraction_is_deterministic_and_canonically_ordered(block_image):
    img, _ = block_image
    a = np.asarray(img).copy()
    a[:30] = [230, 30, 40]  # red now covers most of the picture
    p1, p2 = extract_palette(Image.fromarray(a), seed=1), extract_palette(Image.fromarray(a), seed=1)
    assert np.array_equal(p1.colors, p2.colors)
    assert tuple(p1.colors[0]) == (230, 30, 40)
    assert np.all(np.diff(p1.shares) <= 1e-12)


def test_transparent_pixels_are_ignored():
    a = np.zeros((20, 20, 4), np.uint8)
    a[:10] = [255, 0, 0, 255]
    a[10:] = [0, 255, 0, 0]  # transparent green: must not appear
    pal = extract_palette(Image.fromarray(a, "RGBA"))
    assert all(tuple(c) == (255, 0, 0) for c in pal.colors)


def test_fewer_colours_than_clusters():
    a = np.zeros((10, 10, 3), np.uint8)
    a[:, 5:] = [0, 0, 255]
    pal = extract_palette(Image.fromarray(a))
    assert len(pal) == 9
    assert {tuple(c) for c in pal.colors} == {(0, 0, 0), (0, 0, 255)}
    assert pal.shares[:2].sum() == pytest.approx(1.0) and pal.shares[2:].sum() == 0


def test_hex_round_trip_and_errors():
    assert hex_to_rgb("#1a2B3c") == (26, 43, 60)
    assert hex_to_rgb("abc") == (170, 187, 204)
    assert hex_to_rgb("rgba(10, 20, 30, 1)") == (10, 20, 30)
    assert rgb_to_hex((26, 43, 60)) == "#1a2b3c"
    for bad in ["#12345", "red", "#gggggg", "", "#1234567"]:
        with pytest.raises(PaletteError):
            hex_to_rgb(bad)
    with pytest.warns(PaletteWarning, match="hair, eyes, top, bottom, outer, accessory, details keep their default"):
        pal = Palette.from_hex("#ff0000, #00ff00")
    assert pal.to_hex() == ["#ff0000", "#00ff00", *DEFAULT_SLOT_COLORS[2:]]   # the rest: the slots' defaults
    assert pal.defaults.tolist() == [False, False] + [True] * 7
    with pytest.raises(PaletteError, match="needs 4 colours, got 2"):
        Palette.from_hex("#ff0000, #00ff00", 4)                  # no slot defaults for other sizes
    with pytest.raises(PaletteError, match="at most 1024 characters"):
        Palette.from_hex("#ff0000," * 1000)
    with pytest.raises(PaletteError):
        Palette.from_hex(",".join(["#000000"] * 10))
    with pytest.raises(PaletteError):
        Palette.from_hex("")


def test_replace_swatch():
    pal = Palette.from_hex(["#000000"] * 9)
    new = pal.replace(4, "#ffffff")
    assert new.to_hex()[4] == "#ffffff" and pal.to_hex()[4] == "#000000"
    with pytest.raises(PaletteError):
        pal.replace(9, "#ffffff")


def test_palette_vector_is_scaled_to_the_network_range():
    pal = Palette.from_hex("#ff0000,#000000")
    v = palette_vector(pal)
    assert v.shape == (27,)
    assert v[0] == 1.0 and v[1] == -1.0 and v[3] == -1.0
