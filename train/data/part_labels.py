"""Exact part-label maps from a vector drawing re-drawn in label colours.

Procedural characters (DiceBear, Big Heads, facesjs) take their part colours as
options. Drawn a second time with every part colour set to a *label colour*
(one flat colour per role of :mod:`colorizer.roles`) and rendered without
anti-aliasing, every pixel's colour names its part: :func:`labels_from_rgb`
turns that render into a label map. :func:`label_svg` prepares such a label
twin: paint that is not a label colour (fixed colours of a component, ink,
shading) is repainted by rule, so nothing outside the label table survives:

* paint already in a label colour stays (it came from a colour option);
* translucent paint (``opacity``, ``fill-opacity``, alpha colours, blend modes)
  is removed, so the part under a shadow or highlight shows through (a shadow
  carries the role of its part);
* dark paint (luminance below ``dark_threshold``), and every stroke when
  ``strokes_are_lines``, becomes the line colour;
* other paint takes the role of the innermost ``<g data-part="NAME">`` around
  it (``part_roles[NAME]``), or :data:`UNKNOWN_HEX` outside parts / for parts
  without a role. A part role may be a pair ``(light_role, other_role)``: paint
  with luminance of at least 0.7 takes the first (eye whites), the rest the
  second (irises); a :class:`Forced` role wins even over label colours (a hat
  drawn in the clothing colours is still an accessory).

Mask and clip-path contents are left alone (they shape, not paint).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import resvg_py
from PIL import Image

from colorizer.roles import IGNORE, LINE, ROLE_INDEX

__all__ = [
    "Forced", "line_layer_svg", "labelled_sample", "role_colours", "generate_twins",
    "ROLE_HEX", "LINE_HEX", "UNKNOWN_HEX", "BACKGROUND_HEX", "role_hex", "parse_colour", "label_svg",
    "render_crisp", "labels_from_rgb", "render_labels", "labels_match_colours",
]

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

# One flat label colour per role (odd values no drawing here uses; checked per item by the callers).
ROLE_HEX: dict[int, str] = {
    ROLE_INDEX["background"]: "#13fb03",
    ROLE_INDEX["skin"]: "#f3a313",
    ROLE_INDEX["hair"]: "#5313a3",
    ROLE_INDEX["eye"]: "#1353f3",
    ROLE_INDEX["eye_white"]: "#a3f3f3",
    ROLE_INDEX["mouth"]: "#f31353",
    ROLE_INDEX["top"]: "#13a353",
    ROLE_INDEX["bottom"]: "#535313",
    ROLE_INDEX["outer"]: "#a35313",
    ROLE_INDEX["accessory"]: "#f313f3",
}
LINE_HEX = "#000000"
UNKNOWN_HEX = "#7b7b7b"  # not in the label table: renders to IGNORE
BACKGROUND_HEX = ROLE_HEX[0]
_WHITE = (255, 255, 255)


def role_hex(role: str | int | None) -> str:
    """Label colour of a role name / index; ``None`` -> :data:`UNKNOWN_HEX`."""
    if role is None:
        return UNKNOWN_HEX
    idx = ROLE_INDEX[role] if isinstance(role, str) else int(role)
    if idx == LINE:
        return LINE_HEX
    if idx not in ROLE_HEX:
        raise ValueError(f"no label colour for role {role!r}")
    return ROLE_HEX[idx]


def _hex_rgb(h: str) -> tuple[int, int, int]:
    return tuple(int(h[i : i + 2], 16) for i in (1, 3, 5))


_TABLE: dict[tuple[int, int, int], int] = {_hex_rgb(h): r for r, h in ROLE_HEX.items()}
_TABLE[_hex_rgb(LINE_HEX)] = LINE
_TABLE[_WHITE] = ROLE_INDEX["background"]  # paper
_LABEL_PAINTS = {h.lower() for h in ROLE_HEX.values()} | {LINE_HEX}
_NAMED = {"black": (0, 0, 0, 1.0), "white": (255, 255, 255, 1.0)}


def parse_colour(value: str) -> tuple[int, int, int, float] | None:
    """``(r, g, b, alpha)`` of a CSS colour (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba(), black/white).

    ``None`` for none / transparent / url() / anything else.
    """
    v = value.strip().lower()
    if v in _NAMED:
        return _NAMED[v]
    if v.startswith("#"):
        h = v[1:]
        if not re.fullmatch(r"[0-9a-f]+", h):
            return None
        if len(h) in (3, 4):
            vals = [int(c * 2, 16) for c in h]
        elif len(h) in (6, 8):
            vals = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
        else:
            return None
        return (vals[0], vals[1], vals[2], vals[3] / 255.0 if len(vals) == 4 else 1.0)
    m = re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+%?)\s*)?\)", v)
    if m:
        a = m.group(4)
        alpha = 1.0 if a is None else (float(a[:-1]) / 100 if a.endswith("%") else float(a))
        return (int(float(m.group(1))), int(float(m.group(2))), int(float(m.group(3))), alpha)
    return None


def _norm_hex(rgb) -> str:
    return "#%02x%02x%02x" % tuple(rgb[:3])


def _luma(rgb) -> float:
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255.0


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _style(el) -> dict[str, str]:
    out = {}
    for decl in el.get("style", "").split(";"):
        if ":" in decl:
            k, v = decl.split(":", 1)
            out[k.strip().lower()] = v.strip()
    return out


def _prop(el, name: str, style: dict[str, str]) -> str | None:
    return style.get(name, el.get(name))


def _set_prop(el, name: str, value: str, style: dict[str, str]) -> None:
    if name in style:
        style[name] = value
        el.set("style", ";".join(f"{k}:{v}" for k, v in style.items()))
    else:
        el.set(name, value)


def _float(v: str | None, default: float = 1.0) -> float:
    if v is None:
        return default
    v = v.strip()
    try:
        return float(v[:-1]) / 100 if v.endswith("%") else float(v)
    except ValueError:
        return default


_URL = re.compile(r"url\(\s*['\"]?#([^)'\"]+)['\"]?\s*\)")
_SKIP = {"mask", "clipPath", "metadata", "title", "desc", "style", "script", "filter", "pattern", "symbol"}
_GRADIENTS = {"linearGradient", "radialGradient"}


class Forced(str):
    """A part role that replaces every non-line paint of the part, label colours included."""


def _pick(role, colour):
    """A part role, or for a ``(light, other)`` pair the one the paint's luminance selects."""
    if isinstance(role, Forced):
        return str(role)
    if isinstance(role, tuple):
        light, other = role
        return light if colour is not None and _luma(colour) >= 0.7 else other
    return role


def label_svg(
    svg: str,
    part_roles: dict[str, str | int | tuple | None] | None = None,
    dark_threshold: float = 0.12,
    strokes_are_lines: bool = False,
    default_role: str | int | None = None,
) -> str:
    """Repaint an SVG so every visible paint is a label colour (see the module docstring).

    ``svg`` already carries label colours where its part colours were options.
    ``default_role`` is the role of opaque, light fixed paint outside any part
    (``None``: unknown). Raises ``ValueError`` on markup that is not XML.
    """
    part_roles = part_roles or {}
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise ValueError(f"not valid SVG/XML: {exc}") from exc
    if _local(root.tag) != "svg":
        raise ValueError("root element is not <svg>")
    gradients = {}
    for el in root.iter():
        if _local(el.tag) in _GRADIENTS and el.get("id"):
            stops = [_prop(s, "stop-color", _style(s)) or "#000" for s in el.iter() if _local(s.tag) == "stop"]
            gradients[el.get("id")] = stops

    def paint_for(prop: str, value: str, part: str | None, alpha: float) -> str:
        v = value.strip()
        if v.lower() in ("none", "transparent", "inherit", "currentcolor", ""):
            return v
        fixed_role = part_roles.get(part, default_role) if part else default_role
        m = _URL.match(v)
        if m:  # gradients are shading of a part; a label colour among the stops names the part
            if alpha < 0.5:
                return "none"
            stops = [parse_colour(s) for s in gradients.get(m.group(1), [])]
            labelled = [_norm_hex(s) for s in stops if s is not None and _norm_hex(s) in _LABEL_PAINTS - {LINE_HEX}]
            if labelled and not isinstance(fixed_role, Forced):
                return labelled[0]
            return role_hex(_pick(fixed_role, None))
        c = parse_colour(v)
        if c is not None:
            alpha *= c[3]
        if alpha < 0.5:
            return "none"  # shading or a highlight: the part underneath shows through
        if c is not None and _norm_hex(c) == LINE_HEX:
            return LINE_HEX
        if c is not None and _norm_hex(c) in _LABEL_PAINTS and not isinstance(fixed_role, Forced):
            return _norm_hex(c)
        if prop == "stroke" and strokes_are_lines:
            return LINE_HEX
        if c is not None and _luma(c) < dark_threshold:
            return LINE_HEX
        if c is not None and alpha < 0.999:
            return "none"  # light translucent paint over a part: keep the part
        return role_hex(_pick(fixed_role, c))

    def visit(el, part: str | None, alpha: float, inherited: dict[str, float]) -> None:
        name = _local(el.tag)
        if name in _SKIP or name in _GRADIENTS:
            return  # gradients are read through url() paints, never painted directly
        part = el.get("data-part", part)
        style = _style(el)
        blend = (_prop(el, "mix-blend-mode", style) or "normal").strip().lower()
        if blend not in ("normal", ""):
            alpha = 0.0  # blended overlays are shading
        alpha *= _float(_prop(el, "opacity", style))
        if alpha < 0.5:
            _set_prop(el, "opacity", "0", style)
            return
        for key in ("opacity", "mix-blend-mode"):
            if _prop(el, key, style) is not None:
                _set_prop(el, key, "1" if key == "opacity" else "normal", style)
        if _prop(el, "shape-rendering", style) is not None:
            _set_prop(el, "shape-rendering", "crispEdges", style)
        inherited = dict(inherited)
        for prop in ("fill", "stroke"):
            own = _prop(el, f"{prop}-opacity", style)
            if own is not None:
                inherited[prop] = _float(own)
                _set_prop(el, f"{prop}-opacity", "1", style)
            value = _prop(el, prop, style)
            a = alpha * inherited[prop]
            if value is not None:
                _set_prop(el, prop, paint_for(prop, value, part, a), style)
            elif own is not None and a < 0.5:  # inherited paint drawn faintly here
                _set_prop(el, prop, "none", style)
        for child in el:
            visit(child, part, alpha, inherited)

    visit(root, None, 1.0, {"fill": 1.0, "stroke": 1.0})
    root.set("shape-rendering", "crispEdges")
    return ET.tostring(root, encoding="unicode")


_PAINT_CSS = re.compile(r"\b(fill|stroke)\s*:\s*([^;\"'}]+)")


def line_layer_svg(labelled_svg: str) -> str:
    """The ink of a :func:`label_svg` result: line paint black, every other paint white, anti-aliased.

    Paints of a labelled SVG are only label colours or none, so this is the
    drawing's own line layer (a true pair with its colour render).
    """

    def sub(m: re.Match, sep: str) -> str:
        v = m.group(2).strip().lower()
        if v in ("none", "transparent", "inherit", "currentcolor", ""):
            return m.group(0)
        new = "#000000" if v == LINE_HEX else "#ffffff"
        return f'{m.group(1)}="{new}"' if sep == "=" else f"{m.group(1)}:{new}"

    root = ET.fromstring(labelled_svg)
    for el in root.iter():
        if _local(el.tag) in ("mask", "clipPath"):
            for inner in el.iter():
                inner.set("data-keep", "1")
    for el in root.iter():
        if el.get("data-keep"):
            del el.attrib["data-keep"]
            continue
        for prop in ("fill", "stroke"):
            if prop in el.attrib:
                v = el.get(prop).strip().lower()
                if v not in ("none", "transparent", "inherit", "currentcolor", ""):
                    el.set(prop, "#000000" if v == LINE_HEX else "#ffffff")
        if "style" in el.attrib:
            el.set("style", _PAINT_CSS.sub(lambda m: sub(m, ":"), el.get("style")))
        if el.get("shape-rendering") == "crispEdges":
            del el.attrib["shape-rendering"]
    return ET.tostring(root, encoding="unicode")


def labelled_sample(color_svg: str, label_twin_svg: str, size: int, pad_frac: float = 0.0, **label_opts):
    """``(sketch L, colour RGB, labels L)`` of a drawing and its label twin (both as files).

    The colour is the drawing rendered as usual, the labels come from the twin
    (:func:`render_labels`) and the sketch is the twin's ink (:func:`line_layer_svg`).
    """
    from train.data.render import render_svg

    colour = render_svg(path=color_svg, size=size, pad_frac=pad_frac)
    with open(label_twin_svg, encoding="utf-8") as f:
        labelled = label_svg(f.read(), **label_opts)
    labels = labels_from_rgb(render_crisp(labelled, size, pad_frac=pad_frac))
    sketch = render_svg(svg=line_layer_svg(labelled), size=size, pad_frac=pad_frac).convert("L")
    return sketch, colour, labels


def render_crisp(svg: str, size: int, pad_frac: float = 0.0) -> np.ndarray:
    """Render an SVG like :func:`train.data.render.render_svg` (same fit and centring), without resampling.

    Returns an ``(size, size, 3)`` uint8 array; transparent pixels are white,
    partly covered pixels take the colour drawn (no blending with the paper).
    """
    inner = max(1, round(size * (1.0 - 2.0 * pad_frac)))
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=inner))
    img = Image.open(io.BytesIO(png))
    if img.height > inner:
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg, height=inner))
        img = Image.open(io.BytesIO(png))
    rgba = img.convert("RGBA")
    scale = inner / max(rgba.size)
    if abs(scale - 1.0) > 1e-6:
        rgba = rgba.resize((max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale))), Image.NEAREST)
    a = np.asarray(rgba)
    out = np.full((size, size, 3), 255, np.uint8)
    y0, x0 = (size - a.shape[0]) // 2, (size - a.shape[1]) // 2
    region = out[y0 : y0 + a.shape[0], x0 : x0 + a.shape[1]]
    covered = a[..., 3] >= 128
    region[covered] = a[..., :3][covered]
    return out


def labels_from_rgb(rgb: np.ndarray, table: dict[tuple[int, int, int], int] | None = None) -> Image.Image:
    """Mode-L label map from a crisp label render: exact label colours -> roles, anything else IGNORE."""
    table = _TABLE if table is None else table
    a = np.asarray(rgb, dtype=np.uint8)[..., :3]
    key = (a[..., 0].astype(np.uint32) << 16) | (a[..., 1].astype(np.uint32) << 8) | a[..., 2]
    out = np.full(key.shape, IGNORE, np.uint8)
    for (r, g, b), role in table.items():
        out[key == ((r << 16) | (g << 8) | b)] = role
    return Image.fromarray(out, mode="L")


def render_labels(svg: str, size: int, pad_frac: float = 0.0, **label_opts) -> Image.Image:
    """:func:`label_svg` then :func:`render_crisp` then :func:`labels_from_rgb`."""
    return labels_from_rgb(render_crisp(label_svg(svg, **label_opts), size, pad_frac=pad_frac))


def labels_match_colours(labels: Image.Image, colour: Image.Image, role: int, allowed: list[tuple[int, int, int]],
                         tol: int = 24, erode: int = 1) -> float:
    """Share of the (eroded) pixels labelled ``role`` whose colour is within ``tol`` of one of ``allowed``.

    A check for tests and the build's sanity report: pixels of a part away from
    its edges must show one of the part's colours.
    """
    from scipy import ndimage

    mask = np.asarray(labels) == role
    if erode:
        mask = ndimage.binary_erosion(mask, iterations=erode)
    if not mask.any():
        return float("nan")
    px = np.asarray(colour.convert("RGB"), dtype=np.int16)[mask]
    ok = np.zeros(len(px), bool)
    for c in allowed:
        ok |= np.abs(px - np.asarray(c, np.int16)).max(axis=1) <= tol
    return float(ok.mean())



def generate_twins(script, modules, out_dir, colours: dict[str, str], seeds: list[str], tag: str) -> list[str]:
    """Run a twin-making node script (``bigheads.mjs``, ``facesjs.mjs``) for the seeds still missing.

    The script writes ``<out_dir>/color/<seed>.svg`` and ``<out_dir>/label/<seed>.svg``;
    returns the seeds present afterwards (both files), in the given order.
    """
    import json
    from pathlib import Path

    from train.data.npm import run_node_batches

    out_dir = Path(out_dir)

    def ok(seed: str) -> bool:
        return (out_dir / "color" / f"{seed}.svg").is_file() and (out_dir / "label" / f"{seed}.svg").is_file()

    missing = [s for s in seeds if not ok(s)]
    if missing:
        run_node_batches(Path(script), [str(modules), str(out_dir), json.dumps(colours)], missing, tag=tag)
    return [s for s in seeds if ok(s)]


_HEX_TOKEN = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
_WRAP_OPEN = re.compile(r'<g data-part="[A-Za-z0-9_-]*">')


def role_colours(colour_svg: str, twin_svg: str) -> dict[int, set[tuple[int, int, int]]]:
    """The real colours behind each label colour: role -> colours of the drawing painted in it.

    A twin differs from its drawing only in colours (the node scripts check
    that), so the n-th colour of one is the n-th of the other. Part wrappers
    present in only one of them (DiceBear's) are ignored. Raises ``ValueError``
    when the two do not line up.
    """
    if "data-part" not in colour_svg:
        twin_svg = _WRAP_OPEN.sub("", twin_svg).replace("</g><!--part-->", "")
    a, b = _HEX_TOKEN.findall(colour_svg), _HEX_TOKEN.findall(twin_svg)
    if len(a) != len(b):
        raise ValueError(f"drawing and twin differ: {len(a)} vs {len(b)} colours")
    lookup = {h: r for r, h in ROLE_HEX.items()}
    out: dict[int, set[tuple[int, int, int]]] = {}
    for real, lab in zip(a, b):
        role = lookup.get(_norm_hex(parse_colour(lab)))
        if role is not None:
            out.setdefault(role, set()).add(tuple(parse_colour(real)[:3]))
    return out


def twin_items(name: str, script, cache_dir, colours: dict[str, str], n: int, licence: str,
               attribution: str, url: str, maker: str, twin_version: int) -> list:
    """Generate (cached) colour + label-twin SVG pairs for seeds ``<name>-00000`` .. and list them
    as corpus items rendered by ``maker``; ``attribution`` is formatted with ``seed``."""
    from pathlib import Path

    from train.data.npm import ensure_node_modules
    from train.data.sources import Item

    modules = ensure_node_modules(cache_dir)
    out = Path(cache_dir).resolve() / name / f"v{twin_version}"
    names = [f"{name}-{i:05d}" for i in range(n)]
    made = generate_twins(script, modules, out, colours, names, tag=name)
    return [Item(id=seed, group=seed, source=name, licence=licence, attribution=attribution.format(seed=seed),
                 url=url, color_svg=str(out / "color" / f"{seed}.svg"), line_mode="maker", maker=maker,
                 seed=int(seed.rsplit("-", 1)[1]))
            for seed in made]
