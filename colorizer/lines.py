"""Line-art extraction: turn a colour drawing into a clean black-on-white sketch.

Two methods are offered by :func:`extract_lines`:

``"xdog"``
    eXtended Difference of Gaussians (Winnemoeller et al. 2012). A DoG of the
    luminance with a strong surround term is passed through a soft threshold,
    which gives pencil-like strokes on painted or shaded art while flat areas
    stay white.

``"outline"``
    For flat cartoon art (clip art, avatars, emoji): the boundaries between
    flat colour regions (morphological gradient, i.e. dilate minus erode of the
    colour image) plus the thin dark outline strokes the artist drew. Large
    dark areas (black hair, a dark coat) contribute only their boundary, not a
    solid black blob.

:func:`adjust_line_width` thickens or thins an existing sketch, which is used
as a line-thickness augmentation.

All functions take and return :class:`PIL.Image.Image`; sketches are mode
``"L"`` with black (0) lines on white (255) and the same size as the input.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

__all__ = ["extract_lines", "xdog", "outline", "adjust_line_width", "to_gray_on_white"]


def _rgb_on_white(image: Image.Image) -> np.ndarray:
    """Return the image as float RGB in [0, 1], transparent parts composited on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0


def to_gray_on_white(image: Image.Image) -> np.ndarray:
    """Luminance in [0, 1] (ITU-R BT.601 weights), transparency composited on white."""
    rgb = _rgb_on_white(image)
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _disk(radius: int) -> np.ndarray:
    """Boolean disk-shaped structuring element of the given radius (radius 0 -> 1 pixel)."""
    r = max(int(radius), 0)
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    return (xx * xx + yy * yy) <= r * r + r  # "+ r" gives rounder small disks


# The filters below run on OpenCV where it measured faster than
# scipy.ndimage, with the same results (tests/test_lines.py checks them against scipy).

def gaussian(plane: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a float32 (H, W) plane, as ``scipy.ndimage.gaussian_filter(plane, sigma)``
    (kernel radius ``int(4 * sigma + 0.5)``, mirrored border ``d c b a | a b c d``)."""
    radius = int(4.0 * float(sigma) + 0.5)
    if radius < 1:
        return np.array(plane, dtype=np.float32)
    k = 2 * radius + 1
    return cv2.GaussianBlur(np.ascontiguousarray(plane, dtype=np.float32), (k, k), float(sigma),
                            sigmaY=float(sigma), borderType=cv2.BORDER_REFLECT)


def grey_dilate(a: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Maximum filter over a symmetric boolean ``footprint`` (scipy's ``grey_dilation``; for
    a disk or a box the mirrored border scipy uses changes nothing)."""
    return cv2.dilate(np.ascontiguousarray(a), footprint.astype(np.uint8))


def grey_erode(a: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Minimum filter over a symmetric boolean ``footprint`` (scipy's ``grey_erosion``)."""
    return cv2.erode(np.ascontiguousarray(a), footprint.astype(np.uint8))


def binary_open(mask: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Binary opening with the outside counted as background (scipy's ``binary_opening``)."""
    m = np.ascontiguousarray(mask, dtype=bool).view(np.uint8)
    out = cv2.morphologyEx(m, cv2.MORPH_OPEN, footprint.astype(np.uint8),
                           borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return out.astype(bool)


def binary_dilate(mask: np.ndarray, footprint: np.ndarray) -> np.ndarray:
    """Binary dilation (scipy's ``binary_dilation``)."""
    m = np.ascontiguousarray(mask, dtype=bool).view(np.uint8)
    return cv2.dilate(m, footprint.astype(np.uint8)).astype(bool)


def _to_image(lines: np.ndarray) -> Image.Image:
    """Float array in [0, 1] (1 = white paper) to an 8-bit mode "L" image."""
    return Image.fromarray(np.clip(np.rint(lines * 255.0), 0, 255).astype(np.uint8), mode="L")


def xdog(
    image: Image.Image,
    sigma: float = 0.6,
    k: float = 3.0,
    tau: float = 0.97,
    epsilon: float = -0.02,
    phi: float = 40.0,
    channels: str = "luma",
) -> Image.Image:
    """XDoG sketch of ``image``.

    ``D = G_sigma - tau * G_{k*sigma}`` of the luminance is ``(1 - tau) * L >= 0``
    on flat areas and dips below zero on the dark side of every edge; the soft
    threshold ``1 if D >= epsilon else 1 + tanh(phi * (D - epsilon))`` turns those
    dips into strokes while flat areas of any colour stay white. ``sigma`` sets
    line width, ``k`` the surround scale, ``tau`` the edge emphasis (close to 1),
    ``epsilon`` (<= 0) how deep a dip must be to draw and ``phi`` the hardness.
    ``channels="rgb"`` runs the filter on R, G and B and keeps the darkest
    result, which also finds edges between colours of equal luminance (a
    yellow petal on white paper); ``"luma"`` uses the luminance only.
    """
    if channels == "luma":
        planes = [to_gray_on_white(image)]
    elif channels == "rgb":
        rgb = _rgb_on_white(image)
        planes = [rgb[..., c] for c in range(3)]
    else:
        raise ValueError(f"channels must be 'luma' or 'rgb', not {channels!r}")
    lines = np.ones(planes[0].shape, dtype=np.float32)
    for plane in planes:
        g1 = gaussian(plane, sigma)
        g2 = gaussian(plane, sigma * k)
        dog = g1 - tau * g2
        np.minimum(lines, np.where(dog >= epsilon, 1.0, 1.0 + np.tanh(phi * (dog - epsilon))), out=lines)
    return _to_image(np.clip(lines, 0.0, 1.0))


def outline(
    image: Image.Image,
    edge_threshold: float = 0.08,
    dark_threshold: float = 0.30,
    max_stroke_px: int = 4,
    edge_radius: int = 1,
) -> Image.Image:
    """Outline sketch of flat (cartoon) art.

    * Region boundaries: per-channel ``dilate - erode`` over a disk of
      ``edge_radius``; a pixel is a line where the largest channel difference
      exceeds ``edge_threshold`` (colours in [0, 1]).
    * Dark strokes: pixels with luminance below ``dark_threshold`` that belong
      to a dark shape no wider than about ``2 * max_stroke_px`` pixels. Wider
      dark shapes are filled areas; only their boundary is kept.
    """
    rgb = _rgb_on_white(image)
    footprint = _disk(edge_radius)
    gradient = np.zeros(rgb.shape[:2], dtype=np.float32)
    for c in range(3):
        channel = rgb[..., c]
        grad = grey_dilate(channel, footprint) - grey_erode(channel, footprint)
        np.maximum(gradient, grad, out=gradient)
    boundary = gradient > edge_threshold

    gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    dark = gray < dark_threshold
    if max_stroke_px > 0 and dark.any():
        # Opening keeps only dark shapes too wide for the disk to miss: filled areas.
        filled = binary_open(dark, _disk(max_stroke_px))
        strokes = dark & ~filled
    else:
        strokes = dark
    # Region boundaries right beside a dark stroke are that stroke's own edge:
    # drop them so the outline keeps its drawn width.
    near_stroke = binary_dilate(strokes, footprint)
    lines = strokes | (boundary & ~near_stroke)
    return _to_image(np.where(lines, 0.0, 1.0))


_METHODS = {"xdog": xdog, "outline": outline}


def extract_lines(image: Image.Image, method: str = "xdog", **params) -> Image.Image:
    """Extract a black-on-white line sketch (mode "L", same size) from a colour drawing.

    ``method`` is ``"xdog"`` (painted or shaded art) or ``"outline"`` (flat
    cartoon art); ``params`` go to :func:`xdog` or :func:`outline`.
    """
    try:
        fn = _METHODS[method]
    except KeyError:
        raise ValueError(f"unknown line method {method!r}; choose from {sorted(_METHODS)}") from None
    return fn(image, **params)


def adjust_line_width(sketch: Image.Image, delta_px: int) -> Image.Image:
    """Thicken (``delta_px > 0``) or thin (``delta_px < 0``) the dark lines of a sketch.

    Thickening is a grey erosion (minimum filter) over a disk of radius
    ``delta_px``. Thinning is a grey dilation (maximum filter) of radius
    ``-delta_px``, except that the one-pixel centre line (skeleton) of every
    stroke is kept, so thin strokes get thinner but never vanish.
    Returns mode "L", same size.
    """
    gray = np.asarray(sketch.convert("L"))
    delta = int(round(delta_px))
    if delta == 0:
        return Image.fromarray(gray.copy(), mode="L")
    if delta > 0:
        return Image.fromarray(grey_erode(gray, _disk(delta)), mode="L")
    from skimage.morphology import skeletonize  # local import: only thinning needs it

    thinned = grey_dilate(gray, _disk(-delta))
    skeleton = skeletonize(gray < 128)
    out = np.where(skeleton, np.minimum(gray, thinned), thinned)
    return Image.fromarray(out.astype(np.uint8), mode="L")
