"""colorizer.color against scikit-image's reference implementations, on random colours."""

import numpy as np
import pytest
from skimage import color as skc

from colorizer.color import delta_e_cie76, delta_e_ciede2000, lab_to_rgb, rgb_to_lab


def _random_rgb(n=5000, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 3)).astype(np.uint8)


def _sk_lab(rgb):
    return skc.rgb2lab(np.asarray(rgb, np.float64).reshape(-1, 1, 3) / 255.0).reshape(-1, 3)


def test_rgb_to_lab_matches_skimage():
    rgb = _random_rgb()
    lab = rgb_to_lab(rgb)
    assert lab.dtype == np.float64 and lab.shape == rgb.shape
    # skimage rounds the sRGB matrix and the CIE constants a little differently.
    assert np.abs(lab - _sk_lab(rgb)).max() < 0.01
    # float input on the same 0..255 scale gives the same values, any leading shape
    img = rgb.reshape(50, 100, 3)
    assert np.allclose(rgb_to_lab(img.astype(np.float64)), lab.reshape(50, 100, 3), atol=1e-9)


def test_float32_stays_float32_and_close():
    rgb = _random_rgb(seed=1)
    ref = rgb_to_lab(rgb)
    for lab32 in (rgb_to_lab(rgb.astype(np.float32)), rgb_to_lab(rgb, dtype=np.float32)):
        assert lab32.dtype == np.float32
        assert np.abs(lab32 - ref).max() < 1e-3


def test_white_black_and_primaries():
    lab = rgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], np.uint8))
    assert np.allclose(lab[0], [100, 0, 0], atol=1e-4)
    assert np.allclose(lab[1], [0, 0, 0], atol=1e-9)
    assert np.allclose(lab[2], [53.24, 80.09, 67.20], atol=0.01)  # published sRGB red


def test_round_trip_rgb_lab_rgb():
    rgb = _random_rgb(seed=2)
    assert np.abs(lab_to_rgb(rgb_to_lab(rgb)) - rgb).max() < 1e-9
    rgb32 = lab_to_rgb(rgb_to_lab(rgb, dtype=np.float32))
    assert rgb32.dtype == np.float32 and np.abs(rgb32 - rgb).max() < 0.01


def test_lab_to_rgb_matches_skimage_and_clips():
    rng = np.random.default_rng(3)
    lab = np.column_stack([rng.uniform(0, 100, 4000), rng.uniform(-100, 100, 4000), rng.uniform(-100, 100, 4000)])
    # skimage zeroes a negative z before the matrix; compare where that does not happen
    ok = (lab[:, 0] + 16) / 116 - lab[:, 2] / 200 >= 0
    with np.testing.suppress_warnings() as sup:
        sup.filter(UserWarning)
        ref = skc.lab2rgb(lab[ok].reshape(-1, 1, 3)).reshape(-1, 3) * 255.0
    out = lab_to_rgb(lab)
    assert out.min() >= 0.0 and out.max() <= 255.0
    assert np.abs(out[ok] - ref).max() < 0.05


def test_delta_e_matches_skimage():
    lab1 = _sk_lab(_random_rgb(seed=4))
    lab2 = _sk_lab(_random_rgb(seed=5))
    near = lab1 + np.random.default_rng(6).normal(0, 2, lab1.shape)
    for other in (lab2, near):
        assert np.allclose(delta_e_cie76(lab1, other), skc.deltaE_cie76(lab1, other), atol=1e-9)
        assert np.allclose(delta_e_ciede2000(lab1, other), skc.deltaE_ciede2000(lab1, other), atol=1e-8)
    greys = np.column_stack([np.linspace(0, 100, 30), np.zeros(30), np.zeros(30)])  # zero chroma
    assert np.allclose(delta_e_ciede2000(greys, greys[::-1]), skc.deltaE_ciede2000(greys, greys[::-1]), atol=1e-9)


def test_ciede2000_published_pairs():
    # Sharma, Wu and Dalal (2005), test data pairs 1, 2, 3, 7 and 17.
    a = np.array([[50, 2.6772, -79.7751], [50, 3.1571, -77.2803], [50, 2.8361, -74.0200],
                  [50, 0, 0], [50, 2.5, 0]])
    b = np.array([[50, 0, -82.7485], [50, 0, -82.7485], [50, 0, -82.7485],
                  [50, -1, 2], [73, 25, -18]])
    assert np.allclose(delta_e_ciede2000(a, b), [2.0425, 2.8615, 3.4412, 2.3669, 27.1492], atol=1e-4)
    assert np.allclose(delta_e_ciede2000(b, a), delta_e_ciede2000(a, b), atol=1e-9)  # symmetric


def test_delta_e_broadcasts_pairwise_and_float32():
    px = _sk_lab(_random_rgb(40, seed=7))
    pal = _sk_lab(_random_rgb(9, seed=8))
    d = delta_e_ciede2000(px[:, None, :], pal[None, :, :])
    assert d.shape == (40, 9)
    assert np.allclose(d[5, 3], delta_e_ciede2000(px[5], pal[3]))
    d32 = delta_e_ciede2000(px.astype(np.float32)[:, None], pal.astype(np.float32)[None])
    assert d32.dtype == np.float32 and np.abs(d32 - d).max() < 1e-3
    assert delta_e_cie76(px[:, None], pal[None]).shape == (40, 9)


def test_bad_shapes_raise():
    with pytest.raises(ValueError):
        rgb_to_lab(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError):
        lab_to_rgb(np.zeros((4, 2)))
    with pytest.raises(ValueError):
        delta_e_ciede2000(np.zeros((3, 3)), np.zeros((3, 4)))
    with pytest.raises(ValueError):
        rgb_to_lab(np.zeros((2, 3), np.uint8), dtype=np.int32)
