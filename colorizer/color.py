"""Colour spaces for the library and training: sRGB <-> CIELAB (D65) and colour differences.

One set of formulas for everything that measures or moves colours (flat fill,
colour augmentation, evaluation metrics):

* sRGB values are on the **0..255 scale** for integer and float input alike
  (IEC 61966-2-1 transfer curve; floats may be fractional or slightly out of range).
* XYZ uses the sRGB primaries with the D65 white (0.95047, 1, 1.08883), the
  matrix of B. Lindbloom; CIELAB uses the exact CIE constants
  (epsilon = 216/24389, kappa = 24389/27). White maps to L* = 100, a* = b* = 0.
  ``skimage.color.rgb2lab`` uses a slightly older rounding of the same matrix and
  constants; the two agree to about 0.01 in L*a*b* (tests/test_color.py).
* Colour differences: CIE76 (Euclidean distance in Lab) and CIEDE2000
  (Sharma, Wu and Dalal 2005, kL = kC = kH = 1). Both broadcast like NumPy
  arithmetic over the leading axes, so ``(N, 1, 3)`` against ``(1, K, 3)`` gives
  every pairwise distance.

Precision: float32 input gives float32 results (fast, e.g. for whole pictures);
integer and float64 input give float64 unless ``dtype`` says otherwise. Integer
input goes through a 256-entry lookup table for the transfer curve.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["WHITE_D65", "RGB_TO_XYZ", "rgb_to_lab", "lab_to_rgb", "delta_e_cie76", "delta_e_ciede2000"]

WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
RGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                       [0.2126729, 0.7151522, 0.0721750],
                       [0.0193339, 0.1191920, 0.9503041]])
_XYZ_TO_RGB = np.linalg.inv(RGB_TO_XYZ)
# XYZ normalised by the white point, folded into the matrices.
_RGB_TO_XYZN = RGB_TO_XYZ / WHITE_D65[:, None]
_XYZN_TO_RGB = _XYZ_TO_RGB * WHITE_D65[None, :]

_EPS = 216 / 24389      # (6/29)^3: below it, f(t) is linear
_KAPPA = 24389 / 27     # (29/3)^3


def _srgb_to_linear(c):
    """sRGB transfer curve, ``c`` in [0, 1] -> linear light."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(lin):
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * np.maximum(lin, 0.0031308) ** (1 / 2.4) - 0.055)


_LINEAR_LUT64 = _srgb_to_linear(np.arange(256) / 255.0)
_LINEAR_LUT32 = _LINEAR_LUT64.astype(np.float32)


def _out_dtype(arr: np.ndarray, dtype) -> np.dtype:
    if dtype is not None:
        dt = np.dtype(dtype)
        if dt not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, not {dt}")
        return dt
    return np.dtype(np.float32) if arr.dtype == np.float32 else np.dtype(np.float64)


def _check_last_axis(arr: np.ndarray, what: str) -> None:
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise ValueError(f"{what} must have shape (..., 3), got {arr.shape}")


def rgb_to_lab(rgb, dtype=None) -> np.ndarray:
    """(..., 3) sRGB on the 0..255 scale (integer or float) -> (..., 3) CIELAB (D65).

    ``dtype`` (float32 or float64) sets the working and result precision; by
    default float32 input stays float32 and everything else is float64.
    """
    arr = np.asarray(rgb)
    _check_last_axis(arr, "rgb")
    dt = _out_dtype(arr, dtype)
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        lut = _LINEAR_LUT32 if dt == np.float32 else _LINEAR_LUT64
        lin = lut[np.clip(arr, 0, 255).astype(np.intp, copy=False)]
    else:
        if not np.issubdtype(arr.dtype, np.floating):
            raise ValueError(f"rgb must be integer or float, not {arr.dtype}")
        lin = _srgb_to_linear(arr.astype(dt, copy=False) * dt.type(1 / 255.0)).astype(dt, copy=False)
    xyz = lin @ _RGB_TO_XYZN.T.astype(dt)
    f = np.where(xyz > _EPS, np.cbrt(xyz), (dt.type(_KAPPA) * xyz + 16) / 116)
    out = np.empty(f.shape, dtype=dt)
    out[..., 0] = 116 * f[..., 1] - 16
    out[..., 1] = 500 * (f[..., 0] - f[..., 1])
    out[..., 2] = 200 * (f[..., 1] - f[..., 2])
    return out


def lab_to_rgb(lab, dtype=None) -> np.ndarray:
    """(..., 3) CIELAB (D65) -> (..., 3) float sRGB on the 0..255 scale.

    Colours outside the sRGB gamut are clipped in linear light (each channel
    to [0, 1]), so the result always lies in [0, 255]. Not rounded.
    """
    arr = np.asarray(lab)
    _check_last_axis(arr, "lab")
    dt = _out_dtype(arr, dtype)
    arr = arr.astype(dt, copy=False)
    fy = (arr[..., 0] + 16) / 116
    f = np.stack([fy + arr[..., 1] / 500, fy, fy - arr[..., 2] / 200], -1)
    f3 = f * f * f
    xyz = np.where(f3 > _EPS, f3, (116 * f - 16) / dt.type(_KAPPA))
    lin = np.clip(xyz @ _XYZN_TO_RGB.T.astype(dt), 0.0, 1.0)
    return np.clip(_linear_to_srgb(lin) * 255.0, 0.0, 255.0).astype(dt, copy=False)


def _pair(lab1, lab2):
    a, b = np.asarray(lab1), np.asarray(lab2)
    _check_last_axis(a, "lab1")
    _check_last_axis(b, "lab2")
    dt = np.result_type(a.dtype, b.dtype, np.float32)
    if not np.issubdtype(dt, np.floating):
        dt = np.dtype(np.float64)
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


def delta_e_cie76(lab1, lab2) -> np.ndarray:
    """CIE76 colour difference: Euclidean distance of Lab colours (broadcasting, last axis 3)."""
    a, b = _pair(lab1, lab2)
    d = a - b
    return np.sqrt((d * d).sum(-1))


def delta_e_ciede2000(lab1, lab2) -> np.ndarray:
    """CIEDE2000 colour difference (kL = kC = kH = 1) of Lab colours, broadcasting over
    the leading axes (last axis 3). Formulas of Sharma, Wu and Dalal (2005)."""
    a, b = _pair(lab1, lab2)
    L1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    L2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    c7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c7 / (c7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    two_pi = 2 * np.pi
    h1p = np.arctan2(b1, a1p) % two_pi
    h2p = np.arctan2(b2, a2p) % two_pi
    chromatic = (c1p * c2p) != 0

    dl = L2 - L1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > np.pi, dh - two_pi, np.where(dh < -np.pi, dh + two_pi, dh))
    dh = np.where(chromatic, dh, 0.0)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(dh / 2)

    lbar = (L1 + L2) / 2
    cbar = (c1p + c2p) / 2
    hsum = h1p + h2p
    far = np.abs(h1p - h2p) > np.pi
    hbar = np.where(far, np.where(hsum < two_pi, hsum + two_pi, hsum - two_pi), hsum) / 2
    hbar = np.where(chromatic, hbar, hsum)

    t = (1 - 0.17 * np.cos(hbar - math.radians(30)) + 0.24 * np.cos(2 * hbar)
         + 0.32 * np.cos(3 * hbar + math.radians(6)) - 0.20 * np.cos(4 * hbar - math.radians(63)))
    dtheta = math.radians(30) * np.exp(-(((hbar * (180 / math.pi) - 275) / 25) ** 2))
    cbar7 = cbar ** 7
    rc = 2 * np.sqrt(cbar7 / (cbar7 + 25.0 ** 7))
    l50 = (lbar - 50) ** 2
    sl = 1 + 0.015 * l50 / np.sqrt(20 + l50)
    sc = 1 + 0.045 * cbar
    sh = 1 + 0.015 * cbar * t
    rt = -np.sin(2 * dtheta) * rc
    tl, tc, th = dl / sl, dc / sc, dhh / sh
    return np.sqrt(np.maximum(tl * tl + tc * tc + th * th + rt * tc * th, 0.0))
