"""Slot metrics: does each part of the figure get the colour of its palette slot?

Pure NumPy (plus SciPy's distance transform) functions over ``(H, W, 3)`` uint8
sRGB pictures and ``(H, W)`` label maps of :data:`colorizer.roles.ROLES` indices.
Colour distances are CIE76 (Euclidean in CIELAB, D65) from :mod:`colorizer.color`
(scikit-image's ``rgb2lab`` where that module is missing; the two agree to about 0.01).

* :func:`figure_mask` - the pixels the metrics are taken over: the figure, not
  background, ink or unknown.
* :func:`slot_accuracy` - share of figure pixels whose nearest palette colour in
  the output is the nearest palette colour of the ground truth there.
* :func:`region_oracle` - the ceiling of a flat colourer that knows the truth:
  every line-enclosed region of the sketch painted its true majority colour.
* :func:`cross_role_accuracy` - with another picture of the character as the
  reference: per role, the share of its pixels coloured nearest to the
  reference's colour for that role.
* :func:`edit_steer_leak` - after changing one swatch: how much of the edited part
  follows the new colour (steer) and how much of the rest moves (leak).
* :func:`hint_points` - one click point deep inside each of the largest regions.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
from scipy import ndimage

from colorizer.roles import IGNORE, LINE, ROLE_INDEX, ROLES

__all__ = [
    "LEAK_DELTA_E", "lab", "figure_mask", "nearest_palette", "slot_accuracy", "region_oracle",
    "role_colors", "cross_role_accuracy", "edit_steer_leak", "hint_points",
]

LEAK_DELTA_E = 10.0  # a figure pixel "moved" when its colour changed by more than this (CIE76)


def lab(rgb) -> np.ndarray:
    """(..., 3) sRGB on the 0..255 scale -> float64 CIELAB (D65)."""
    rgb = np.asarray(rgb)
    try:
        from colorizer.color import rgb_to_lab
    except ImportError:  # pragma: no cover - older library without colorizer.color
        from skimage.color import rgb2lab

        return rgb2lab(rgb.astype(np.float64) / 255.0)
    return rgb_to_lab(rgb, dtype=np.float64)


def _rgb(a, name: str) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"{name} must be an (H, W, 3) RGB array, got shape {a.shape}")
    return a


def _mask(m, shape, name: str) -> np.ndarray:
    m = np.asarray(m)
    if m.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {m.shape}")
    return m.astype(bool)


def _palette(p) -> np.ndarray:
    p = np.asarray(p)
    if p.ndim != 2 or p.shape[1] != 3 or len(p) == 0:
        raise ValueError(f"palette must be a (K, 3) array of RGB colours, got shape {p.shape}")
    return p


def figure_mask(labels) -> np.ndarray:
    """(H, W) bool: pixels of a figure part - every role except ``background`` and
    ``line``, and not unknown (255)."""
    labels = np.asarray(labels)
    if labels.ndim != 2:
        raise ValueError(f"labels must be an (H, W) label map, got shape {labels.shape}")
    return (labels != ROLE_INDEX["background"]) & (labels != LINE) & (labels != IGNORE)


def nearest_palette(rgb, palette_rgb) -> np.ndarray:
    """(...) index of the nearest palette colour (CIE76) of every colour of ``rgb`` (..., 3).
    Of two equal palette colours the first wins."""
    rgb = np.asarray(rgb)
    pal = lab(_palette(palette_rgb))
    px = lab(rgb.reshape(-1, 3))
    d = ((px[:, None, :] - pal[None, :, :]) ** 2).sum(-1)
    return d.argmin(1).reshape(rgb.shape[:-1])


def slot_accuracy(output_rgb, gt_rgb, palette_rgb, mask) -> float:
    """Share of ``mask`` pixels whose nearest palette colour (CIE76 in Lab) in
    ``output_rgb`` is the nearest palette colour of ``gt_rgb`` at that pixel.

    ``palette_rgb`` (K, 3): the palette the picture was coloured with (for a
    self-reference run, the K-means palette of the ground truth). An empty mask
    gives NaN (nothing to measure).
    """
    out = _rgb(output_rgb, "output_rgb")
    gt = _rgb(gt_rgb, "gt_rgb")
    if out.shape != gt.shape:
        raise ValueError(f"output {out.shape} and ground truth {gt.shape} differ in size")
    m = _mask(mask, out.shape[:2], "mask")
    if not m.any():
        return float("nan")
    pal = _palette(palette_rgb)
    return float(np.mean(nearest_palette(out[m], pal) == nearest_palette(gt[m], pal)))


def sketch_regions(sketch_l, threshold: float = 0.5, seal: int | None = None, neck: int | None = None) -> np.ndarray:
    """(H, W) int labels of the regions the sketch's lines enclose (0 = ink / seal band), as the
    pipeline's flat colouring finds them (line darkness > ``threshold``, the default seal and neck)."""
    from PIL import Image

    from colorizer.processing import line_mask
    from colorizer.regions import flat_neck, flat_seal, region_labels

    s = np.asarray(sketch_l)
    if s.ndim == 3:
        s = s[..., :3].mean(-1)
    if s.ndim != 2:
        raise ValueError(f"sketch must be an (H, W) grey image, got shape {s.shape}")
    darkness = line_mask(Image.fromarray(np.clip(s, 0, 255).astype(np.uint8), "L"))
    if seal is None:
        seal = flat_seal(*s.shape)
    if neck is None:
        neck = flat_neck(*s.shape)
    labels, _ = region_labels(darkness > threshold, seal, neck)
    return labels


def region_oracle(gt_rgb, sketch_l, palette_rgb=None, threshold: float = 0.5,
                  seal: int | None = None, neck: int | None = None) -> np.ndarray:
    """The ceiling image of flat colouring: every region enclosed by the sketch's lines
    (found as :func:`colorizer.regions.flat_fill` finds them: darkness above
    ``threshold``, gaps sealed by ``seal`` steps, default one per 256 px, cut at necks
    narrower than about ``2 * neck``, default 16 px at 512 px) painted with
    the ground truth's majority colour inside it.

    With ``palette_rgb`` the majority is taken over palette slots (each ground-truth
    pixel counts for its nearest palette colour, the region gets the winning palette
    colour); without, over the exact RGB values. Ink and the sealed band take the
    colour of the nearest region. Returns (H, W, 3) uint8; score it with
    :func:`slot_accuracy`.
    """
    gt = _rgb(gt_rgb, "gt_rgb")
    regions = sketch_regions(sketch_l, threshold, seal, neck)
    if regions.shape != gt.shape[:2]:
        raise ValueError(f"sketch {regions.shape} and ground truth {gt.shape[:2]} differ in size")
    if regions.max() == 0:
        return gt.copy()  # all ink: no region to fill
    flat = regions.ravel()
    inside = flat > 0
    if palette_rgb is not None:
        pal = _palette(palette_rgb).astype(np.uint8)
        keys = nearest_palette(gt.reshape(-1, 3)[inside], pal)
        colours = pal
    else:
        packed = gt.reshape(-1, 3).astype(np.int64) @ np.array([65536, 256, 1])
        colours_packed, keys = np.unique(packed[inside], return_inverse=True)
        colours = np.stack([(colours_packed >> 16) & 255, (colours_packed >> 8) & 255, colours_packed & 255], 1)
    k = len(colours)
    n = int(regions.max())
    votes = np.bincount((flat[inside] - 1).astype(np.int64) * k + keys, minlength=n * k).reshape(n, k)
    winner = colours[votes.argmax(1)].astype(np.uint8)
    out = np.zeros((flat.size, 3), dtype=np.uint8)
    out[inside] = winner[flat[inside] - 1]
    _, (iy, ix) = ndimage.distance_transform_edt(regions == 0, return_indices=True)
    near = (iy * regions.shape[1] + ix).ravel()
    out[~inside] = out[near[~inside]]
    return out.reshape(gt.shape)


def _role_index(role) -> int:
    if isinstance(role, (int, np.integer)):
        if not 0 <= int(role) < len(ROLES):
            raise ValueError(f"role index {role} out of range 0..{len(ROLES) - 1}")
        return int(role)
    if role not in ROLE_INDEX:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return ROLE_INDEX[role]


def role_colors(rgb, labels, roles: Iterable | None = None, min_pixels: int = 1) -> dict[str, tuple[int, int, int]]:
    """Colour of each role in a (reference) picture: the per-channel median of its pixels.

    ``roles``: names to report (default: every role but background and line present
    with at least ``min_pixels`` pixels). Returns ``{role name: (r, g, b)}``.
    """
    img = _rgb(rgb, "rgb")
    labels = np.asarray(labels)
    if labels.shape != img.shape[:2]:
        raise ValueError(f"labels {labels.shape} and picture {img.shape[:2]} differ in size")
    if roles is None:
        roles = [r for r in ROLES if r not in ("background", "line")]
    out = {}
    for r in roles:
        sel = labels == _role_index(r)
        if int(sel.sum()) >= max(1, min_pixels):
            out[ROLES[_role_index(r)]] = tuple(int(v) for v in np.median(img[sel], axis=0).round())
    return out


def cross_role_accuracy(output_rgb, labels, ref_role_colors: Mapping) -> tuple[dict[str, float], float]:
    """Per role of ``ref_role_colors`` (``{role: rgb}``, the reference's colour of each
    role): the share of the sketch's pixels of that role (``labels``) whose output
    colour is nearest (CIE76) to the reference's colour for that role among all the
    reference's role colours (ties count as right). Roles absent from ``labels`` are
    left out. Returns ``(per_role, mean)``, ``mean`` weighted by pixel count (NaN when
    no role of the reference is in the picture).
    """
    out = _rgb(output_rgb, "output_rgb")
    labels = np.asarray(labels)
    if labels.shape != out.shape[:2]:
        raise ValueError(f"labels {labels.shape} and output {out.shape[:2]} differ in size")
    if not ref_role_colors:
        raise ValueError("ref_role_colors is empty")
    names = [ROLES[_role_index(r)] for r in ref_role_colors]
    cols = lab(np.array([ref_role_colors[r] for r in ref_role_colors], dtype=np.float64).reshape(-1, 3))
    per_role, right, total = {}, 0, 0
    for j, name in enumerate(names):
        sel = labels == ROLE_INDEX[name]
        n = int(sel.sum())
        if n == 0:
            continue
        d = np.sqrt(((lab(out[sel])[:, None, :] - cols[None, :, :]) ** 2).sum(-1))
        ok = d[:, j] <= d.min(1) + 1e-9
        per_role[name] = float(ok.mean())
        right += int(ok.sum())
        total += n
    return per_role, (right / total if total else float("nan"))


def edit_steer_leak(before_rgb, after_rgb, region_mask, figure_mask, new_rgb, old_rgb,
                    leak_delta_e: float = LEAK_DELTA_E) -> tuple[float, float]:
    """Effect of editing one swatch from ``old_rgb`` to ``new_rgb``.

    * steer: share of ``region_mask`` (the edited role's pixels) whose colour after
      the edit is nearer (CIE76) to ``new_rgb`` than to ``old_rgb``;
    * leak: share of the rest of the figure (``figure_mask`` and not ``region_mask``)
      whose colour moved by more than ``leak_delta_e`` (default 10) between
      ``before_rgb`` and ``after_rgb``.

    Either is NaN when its set of pixels is empty.
    """
    before = _rgb(before_rgb, "before_rgb")
    after = _rgb(after_rgb, "after_rgb")
    if before.shape != after.shape:
        raise ValueError(f"before {before.shape} and after {after.shape} differ in size")
    region = _mask(region_mask, after.shape[:2], "region_mask")
    figure = _mask(figure_mask, after.shape[:2], "figure_mask")
    new_l, old_l = lab(np.asarray(new_rgb, dtype=np.float64).reshape(3)), lab(np.asarray(old_rgb, dtype=np.float64).reshape(3))
    if region.any():
        a = lab(after[region])
        steer = float(np.mean(((a - new_l) ** 2).sum(-1) < ((a - old_l) ** 2).sum(-1)))
    else:
        steer = float("nan")
    rest = figure & ~region
    if rest.any():
        moved = np.sqrt(((lab(after[rest]) - lab(before[rest])) ** 2).sum(-1)) > leak_delta_e
        leak = float(moved.mean())
    else:
        leak = float("nan")
    return steer, leak


def hint_points(labels_or_regions, n: int, exclude: Iterable[int] = (0,)) -> np.ndarray:
    """Click points for the ``n`` largest regions, largest first: ``(k, 2)`` int array of
    ``(row, col)``, ``k = min(n, number of regions)``.

    A region is a 4-connected area of one value of ``labels_or_regions`` (a region map
    from :func:`colorizer.regions.region_labels`, where 0 is ink, or a role label map:
    then pass ``exclude=(0, LINE, IGNORE)`` to skip background, ink and unknown; the two
    eyes are two regions). Values in ``exclude`` are not regions. The point is the
    pixel deepest inside the region (the maximum of its Euclidean distance transform,
    the picture's edge counting as a boundary; first in raster order on ties). Equal
    areas keep raster order of their first pixel.
    """
    lab_map = np.asarray(labels_or_regions)
    if lab_map.ndim != 2:
        raise ValueError(f"expected an (H, W) label or region map, got shape {lab_map.shape}")
    if int(n) < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    excluded = np.isin(lab_map, list(exclude))
    comps = np.zeros(lab_map.shape, dtype=np.int64)
    count = 0
    four = ndimage.generate_binary_structure(2, 1)
    for v in np.unique(lab_map[~excluded]):
        c, k = ndimage.label(lab_map == v, structure=four)
        comps[c > 0] = c[c > 0] + count
        count += k
    if count == 0 or n == 0:
        return np.zeros((0, 2), dtype=np.int64)
    flat = comps.ravel()
    areas = np.bincount(flat, minlength=count + 1)[1:]
    first = np.full(count + 1, flat.size, dtype=np.int64)
    np.minimum.at(first, flat, np.arange(flat.size))
    order = np.lexsort((first[1:], -areas))[: int(n)]
    boxes = ndimage.find_objects(comps)
    points = []
    for i in order:
        sl = boxes[i]
        sub = np.pad(comps[sl] == i + 1, 1)
        dist = ndimage.distance_transform_edt(sub)
        r, c = np.unravel_index(int(np.argmax(dist)), dist.shape)
        points.append((sl[0].start + r - 1, sl[1].start + c - 1))
    return np.array(points, dtype=np.int64).reshape(-1, 2)
