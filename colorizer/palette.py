"""Reference palettes: K-means extraction, hex strings, and input planes.

A palette is ``K`` RGB colours (uint8) with their pixel shares in the reference.
The canonical order, which the network relies on, is by share (largest first),
ties broken by luminance (darker first), then by RGB value. A palette coming
from hex strings keeps the user's order.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .errors import PaletteError, shown
from .roles import DEFAULT_SLOT_COLORS, NUM_SLOTS

PALETTE_SIZE = 9
# A palette given as text: at most this many characters (9 'rgba(255, 255, 255, 1)' fit easily).
MAX_PALETTE_TEXT = 1024


class PaletteWarning(UserWarning):
    """A palette was completed: slots it left out keep their default colours."""

_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


@dataclass(frozen=True)
class Palette:
    """``colors``: (K, 3) uint8 RGB; ``shares``: (K,) float, summing to 1 (or all 0);
    ``defaults``: (K,) bool, True where a semantic slot was filled with a default
    colour because the reference had no pixels of that role (None: not known)."""

    colors: np.ndarray
    shares: np.ndarray
    defaults: np.ndarray | None = None

    def __post_init__(self):
        c = np.asarray(self.colors)
        if c.ndim != 2 or c.shape[1] != 3:
            raise PaletteError(f"palette colours must have shape (K, 3), got {c.shape}")
        object.__setattr__(self, "colors", c.astype(np.uint8))
        s = np.asarray(self.shares, dtype=np.float64)
        if s.shape != (c.shape[0],):
            raise PaletteError("palette shares must have one entry per colour")
        object.__setattr__(self, "shares", s)
        if self.defaults is not None:
            d = np.asarray(self.defaults, dtype=bool)
            if d.shape != (c.shape[0],):
                raise PaletteError("palette defaults must have one entry per colour")
            object.__setattr__(self, "defaults", d)

    def __len__(self) -> int:
        return len(self.colors)

    def to_hex(self) -> list[str]:
        return [rgb_to_hex(c) for c in self.colors]

    @classmethod
    def from_hex(cls, colors: str | list[str], size: int = PALETTE_SIZE) -> "Palette":
        """Parse ``'#rrggbb,#rrggbb,...'`` or a list of colours, in slot order.

        A palette of the 9 part slots (``size`` 9) with fewer colours keeps the default colour
        of every slot it leaves out (:data:`colorizer.roles.DEFAULT_SLOT_COLORS`), marks them in
        ``defaults`` and warns (:class:`PaletteWarning`); other sizes need all ``size`` colours."""
        if isinstance(colors, str):
            if len(colors) > MAX_PALETTE_TEXT:
                raise PaletteError(f"a palette is at most {MAX_PALETTE_TEXT} characters of text, got {len(colors)}")
            # Split on commas, but not inside 'rgba(r, g, b, a)' (which the colour picker sends).
            items = [c.strip() for c in re.findall(r"rgba?\([^)]*\)|[^,]+", colors) if c.strip()]
        elif isinstance(colors, (list, tuple, np.ndarray)):
            if len(colors) > size:
                raise PaletteError(f"a palette has at most {size} colours, got {len(colors)}")
            items = [c.strip() if isinstance(c, str) else c for c in colors]
        else:
            raise PaletteError(f"a palette is comma-separated text or a list of colours, got {shown(colors)}")
        if not items:
            raise PaletteError("a palette needs at least one colour, e.g. '#ff0000,#00ff00'")
        if len(items) > size:
            raise PaletteError(f"a palette has at most {size} colours, got {len(items)}")
        rgb = np.array([hex_to_rgb(c) for c in items], dtype=np.uint8)
        n = len(rgb)
        shares = np.where(np.arange(size) < n, 1.0 / n, 0.0)
        if n == size:
            return cls(rgb, shares)
        if size != NUM_SLOTS:
            raise PaletteError(f"this palette needs {size} colours, got {n}")
        from .roles import SLOTS

        colors_all = np.array([hex_to_rgb(c) for c in DEFAULT_SLOT_COLORS], dtype=np.uint8)
        colors_all[:n] = rgb
        defaults = np.arange(size) >= n
        warnings.warn(f"a palette of {n} colour(s) for {size} slots: {', '.join(SLOTS[n:])} keep their default "
                      f"colours", PaletteWarning, stacklevel=2)
        return cls(colors_all, shares, defaults=defaults)

    def replace(self, index: int, color: str | tuple[int, int, int]) -> "Palette":
        """A copy with swatch ``index`` set to ``color`` (hex or RGB)."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < len(self):
            raise PaletteError(f"swatch index {shown(index)} is out of range 0..{len(self) - 1}")
        if isinstance(color, str):
            rgb = hex_to_rgb(color)
        else:
            try:
                rgb = tuple(int(v) for v in color)
            except (TypeError, ValueError, OverflowError):
                rgb = ()
            if len(rgb) != 3 or not all(0 <= v <= 255 for v in rgb):
                raise PaletteError(f"a colour is a hex string or three numbers 0..255, got {shown(color)}")
        colors = self.colors.copy()
        colors[index] = rgb
        defaults = None
        if self.defaults is not None:
            defaults = self.defaults.copy()
            defaults[index] = False
        return Palette(colors, self.shares.copy(), defaults)


def hex_to_rgb(s: str) -> tuple[int, int, int]:
    if not isinstance(s, str):
        raise PaletteError(f"a colour must be a hex string like '#1a2b3c', got {shown(s)}")
    if len(s) > 64:
        raise PaletteError(f"{shown(s)} is not a colour; use hex like '#1a2b3c' or '#abc'")
    s = s.strip()
    # Gradio's colour picker may hand back 'rgba(r, g, b, a)'.
    m = re.match(r"^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)$", s)
    if m:
        vals = [round(float(v)) for v in m.groups()]
        if all(0 <= v <= 255 for v in vals):
            return tuple(vals)  # type: ignore[return-value]
    m = _HEX.match(s)
    if not m:
        raise PaletteError(f"{shown(s)} is not a colour; use hex like '#1a2b3c' or '#abc'")
    h = m.group(1)
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def rgb_to_hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _pixels(image: Image.Image | np.ndarray, max_side: int) -> np.ndarray:
    """Opaque pixels of a downsampled copy as an (N, 3) uint8 array."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    if max(image.size) > max_side:
        factor = max(1, int(max(image.size) // max_side))
        if factor > 1:
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
            if factor > 8:
                # Box-averaging every pixel of a photo-sized reference costs ~60 ms:
                # sample a 4x larger grid (nearest) first, then average 4x4 blocks.
                w, h = image.size
                image = image.resize((max(1, w // factor) * 4, max(1, h // factor) * 4), Image.NEAREST)
                factor = 4
            image = image.reduce(factor)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("LA", "PA"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        arr = np.asarray(image)
        arr = arr[arr[..., 3] >= 128][:, :3]
    else:
        arr = np.asarray(image.convert("RGB")).reshape(-1, 3)
    return arr


def _merge_similar(packed: np.ndarray, colors: np.ndarray, counts: np.ndarray, bits: int = 5,
                   min_points: int = 72, max_points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Merge the distinct colours of a photo-like reference into small RGB bins.

    Each bin becomes one point at the exact weighted mean of its colours, with
    their summed count, so cluster means stay exact while K-means sees a few
    thousand points instead of ~10^4. Few colours (<= ``max_points``) or too few
    bins (< ``min_points``) are returned unchanged.
    """
    if len(colors) <= max_points:
        return colors, counts
    shift = 8 - bits
    c = packed
    key = (((c >> (16 + shift)) & 255) << (2 * bits)) | (((c >> (8 + shift)) & 255) << bits) | ((c & 255) >> shift)
    bins, inv = np.unique(key, return_inverse=True)
    if len(bins) < min_points:
        return colors, counts
    w = np.bincount(inv, weights=counts)
    pts = np.stack([np.bincount(inv, weights=counts * colors[:, d]) for d in range(3)], axis=1) / w[:, None]
    return pts, w


def canonical_order(colors: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Indices sorting by share (desc), then luminance (asc), then RGB value."""
    c = colors.astype(np.float64)
    lum = 0.299 * c[:, 0] + 0.587 * c[:, 1] + 0.114 * c[:, 2]
    packed = c[:, 0] * 65536 + c[:, 1] * 256 + c[:, 2]
    return np.lexsort((packed, lum, -np.round(shares, 6)))


def extract_palette(image: Image.Image | np.ndarray, size: int = PALETTE_SIZE, seed: int = 0,
                    max_side: int = 128) -> Palette:
    """K-means (``size`` clusters) on a downsampled copy of ``image``.

    Transparent pixels (alpha < 128) are ignored. With fewer distinct colours
    than ``size`` every distinct colour is returned and the rest is filled by
    repeating colours in canonical order with share 0. Deterministic for a seed.
    """
    from sklearn.cluster import KMeans

    px = _pixels(image, max_side)
    if len(px) == 0:
        raise PaletteError("the reference has no opaque pixels to take colours from")
    packed = (px[:, 0].astype(np.int64) << 16) | (px[:, 1].astype(np.int64) << 8) | px[:, 2]
    uniq, counts = np.unique(packed, return_counts=True)
    ucol = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1).astype(np.float64)
    k = min(size, len(uniq))
    if k == len(uniq):
        centers, weights = ucol, counts.astype(np.float64)
    else:
        pts, w = _merge_similar(uniq, ucol, counts.astype(np.float64), min_points=8 * k)
        # scikit-learn's K-means on a few thousand weighted points: ~20 ms.
        km = KMeans(n_clusters=k, n_init=3, random_state=seed, max_iter=100)
        labels = km.fit_predict(pts, sample_weight=w)
        weights = np.bincount(labels, weights=w, minlength=k).astype(np.float64)
        # The weighted mean of each cluster, rounded: the colour users see.
        centers = np.zeros((k, 3))
        np.add.at(centers, labels, pts * w[:, None])
        centers /= np.maximum(weights[:, None], 1)
    centers = np.clip(np.round(centers), 0, 255).astype(np.uint8)
    shares = weights / weights.sum()
    order = canonical_order(centers, shares)
    centers, shares = centers[order], shares[order]
    if k < size:
        idx = np.arange(size) % k
        centers = centers[idx]
        shares = np.where(np.arange(size) < k, shares[idx], 0.0)
    return Palette(centers, shares)


def palette_vector(palette: Palette) -> torch.Tensor:
    """(3K,) float tensor in [-1, 1]: colour 0's RGB, colour 1's RGB, ..."""
    return torch.from_numpy(palette.colors.astype(np.float32).reshape(-1) / 127.5 - 1.0)

