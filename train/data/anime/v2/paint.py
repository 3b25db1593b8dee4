"""The painted colour style: cel fills turned into a painting, part by part, labels untouched.

Within each garment region (the parts map), never across two: a second,
darker shadow tone where the cel shadow meets the region's edge (occlusion),
a soft highlight along the edge that faces the light, the cel edges blurred
into soft gradients, a light ramp over the figure, a rim light along the
figure's outline away from the light, and a soft blush on the cheeks. Only the
colour changes; the labels and the parts map stay exact.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

__all__ = ["paint", "backdrop", "LINE_ID"]

LINE_ID = 255  # parts-map value of ink


def _blur(a: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(a, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)


def _shift(mask: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``out[y, x] = mask[y + dy, x + dx]`` (False outside)."""
    h, w = mask.shape
    out = np.zeros_like(mask)
    ys, yd = (slice(dy, h), slice(0, h - dy)) if dy >= 0 else (slice(0, h + dy), slice(-dy, h))
    xs, xd = (slice(dx, w), slice(0, w - dx)) if dx >= 0 else (slice(0, w + dx), slice(-dx, w))
    out[yd, xd] = mask[ys, xs]
    return out


def paint(fills: np.ndarray, parts: np.ndarray, light: int, rng: random.Random,
          cheeks: list[tuple[float, float, float]] = (), skin: np.ndarray | None = None) -> np.ndarray:
    """Painted version of the cel ``fills`` (H, W, 3 uint8) given the ``parts`` map (0 background,
    :data:`LINE_ID` ink, else a garment id). ``light``: -1 light from the left, +1 from the right.
    ``cheeks``: (x, y, radius) in pixels of blush spots, painted on the ``skin`` mask only.
    Returns float32 RGB in [0, 1]."""
    h, w = parts.shape
    k = h / 256.0
    f = fills.astype(np.float32) * np.float32(1 / 255)
    lum = f @ np.array([0.299, 0.587, 0.114], np.float32)
    out = f.copy()
    sigma = k * rng.uniform(1.6, 3.2)
    edge_r = max(1, int(round(k * rng.uniform(2.5, 4.5))))
    dark2 = rng.uniform(0.78, 0.88)
    hl = rng.uniform(0.08, 0.2)
    pad = int(3 * sigma) + edge_r + 2
    ids = np.unique(parts)
    for pid in ids:
        if pid == 0 or pid == LINE_ID:
            continue
        ys, xs = np.nonzero(parts == pid)
        if len(ys) < 4:
            continue
        y0, y1 = max(0, ys.min() - pad), min(h, ys.max() + pad + 1)
        x0, x1 = max(0, xs.min() - pad), min(w, xs.max() + pad + 1)
        m = parts[y0:y1, x0:x1] == pid
        fc = f[y0:y1, x0:x1]
        lc = lum[y0:y1, x0:x1]
        base = np.median(lc[m])
        shadow = m & (lc < base - 0.03)
        c = fc.copy()
        inner = cv2.erode(m.astype(np.uint8), np.ones((2 * edge_r + 1, 2 * edge_r + 1), np.uint8)).astype(bool)
        rim = m & ~inner
        c[shadow & rim] *= dark2  # occlusion: the second, darker shadow tone at the region's edge
        lit_edge = m & ~_shift(m, light * edge_r, -edge_r)  # the edge facing the light (and up)
        c[lit_edge & ~shadow] += (1.0 - c[lit_edge & ~shadow]) * hl
        mf = m.astype(np.float32)
        den = _blur(mf, sigma)
        soft = _blur(c * mf[..., None], sigma) / np.maximum(den, 1e-4)[..., None]
        out[y0:y1, x0:x1][m] = soft[m]
    figure = (parts != 0) & (parts != LINE_ID)
    # light ramp across the figure (brighter towards the light and the top)
    xx = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :] * light
    yy = np.linspace(-1.0, 1.0, h, dtype=np.float32)[:, None]
    ramp = 1.0 + rng.uniform(0.03, 0.08) * xx - rng.uniform(0.02, 0.06) * yy
    out[figure] *= ramp[figure][:, None]
    # rim light along the outline on the side away from the light
    bg = parts == 0
    r_px = max(1, int(round(k * rng.uniform(2.0, 3.5))))
    rim = figure & _shift(bg, -light * r_px, 0)
    if rim.any():
        rim_col = np.array(rng.choice([(1.0, 0.97, 0.9), (0.9, 0.95, 1.0), (1.0, 0.93, 0.96)]), np.float32)
        a = _blur(rim.astype(np.float32), k * 0.8) * rng.uniform(0.35, 0.6)
        a = np.where(figure, a, 0.0)[..., None]
        out = out * (1 - a) + rim_col * a
    # blush: soft pink spots on the cheeks (skin only; the caller gives the spots)
    if cheeks and skin is not None:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        blush = np.zeros((h, w), np.float32)
        for cx, cy, rad in cheeks:
            blush = np.maximum(blush, np.exp(-(((xx - cx) / rad) ** 2 + ((yy - cy) / (0.6 * rad)) ** 2)))
        a = (blush * skin * rng.uniform(0.25, 0.45))[..., None]
        out = out * (1 - a) + np.array([0.98, 0.45, 0.5], np.float32) * a
    return np.clip(out, 0.0, 1.0)


def backdrop(shape: tuple[int, int], base: np.ndarray, rng: random.Random) -> np.ndarray:
    """A painted background (H, W, 3 float32): a soft vertical gradient from ``base`` (RGB in [0, 1])
    to another light tint, with a few blurred light discs (bokeh)."""
    h, w = shape
    other = np.array([rng.uniform(0.75, 1.0) for _ in range(3)], np.float32)
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None] ** rng.uniform(0.6, 1.6)
    img = base[None, None, :].astype(np.float32) * (1 - t) + other * t
    img = np.broadcast_to(img, (h, w, 3)).copy()
    if rng.random() < 0.6:
        discs = np.zeros((h, w), np.float32)
        for _ in range(rng.randint(3, 9)):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.03, 0.12) * w
            cv2.circle(discs, (int(cx), int(cy)), int(r), rng.uniform(0.3, 0.8), -1, cv2.LINE_AA)
        discs = _blur(discs, 0.01 * w + 0.5)[..., None]
        img = img * (1 - discs * 0.5) + discs * 0.5
    return np.clip(img, 0.0, 1.0)
