"""The anime check set: held-out pictures the colorizer is measured on and never trained on.

``python -m train.data checkset --out DIR [--size 512] [--subsets ardentryst,generator,v2]
[--generator-count 200] [--v2-count 60]`` writes::

    DIR/CHECKSET                                 marker: training code refuses this folder
    DIR/ardentryst/{sketch,color,labels}/<id>.png
    DIR/generator/{sketch,color,labels,reference,reference_labels}/anime_<seed>.png
    DIR/v2/{sketch,color,labels,parts,reference*,reference_outfit*}/v2_<character>.png, pictures.json
    DIR/LICENSES.csv                             subset, id, licence, attribution, source file
    DIR/manifest.json                            versions, counts, how each part was made

Subsets already in ``DIR`` and not named by ``--subsets`` are kept (with their
manifest entries and licence rows), so one subset can be added or rebuilt alone.

**ardentryst** (Debian package ``ardentryst``, artwork CC BY-SA 3.0): the game's
anime NPC face portraits and its two full-body portraits. Each picture is
composited on white, scaled up with a Lanczos resample onto a white square of
``size`` pixels (centred, aspect kept). Its line art is made one of two ways,
chosen per picture in ``checkset_roles.json`` after looking at both:

* ``"ink"`` - the face portraits are drawn with near-black ink lines over cel
  shading, so the ink itself is the cleanest line art: a pixel's darkness is
  how far it is below the brightest value of its neighbourhood (a black
  top-hat of the max-channel value, so dark-brown hair is not ink but black
  strokes inside it are) times how dark it is (:func:`ink_sketch`);
* ``"xdog"`` - the full-body portraits are painted with coloured outlines and
  have no ink: :func:`colorizer.lines.extract_lines` (XDoG), as training does for
  colour-only pictures.

Role labels come from a hand assignment committed in ``checkset_roles.json``:
per picture, cluster centre colours (made once by seeded K-means in CIELAB,
:func:`propose_clusters`, and then frozen in the JSON), each given a role by
a person who looked at every cluster's mask; optional boxes override the role
of some clusters inside a rectangle (eye whites are as white as the paper).
Every source pixel takes the role of its nearest centre (CIE76) at the source
resolution, the map is scaled with nearest-neighbour, the sketch's ink pixels
become ``line`` and pixels whose cluster was ink but whose sketch is paper
take the nearest non-line role. The build is a pure function of the package
files and the JSON.

**generator** and **v2**: held-out characters of the procedural anime
generators v1 and v2, with references of the same characters in another pose
(and, v2, another outfit); see :mod:`train.data.checkset_generated`, which also
checks that a built check set still holds today's generator's pictures.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
from PIL import Image
from scipy import ndimage

from colorizer.roles import IGNORE, LINE, ROLE_INDEX, ROLES
from train.data.checkset_generated import GENERATED, build_generated, save_png, stored_pixels_sha256
from train.data.splits import CHECKSET_MARKER, checkset_paths

__all__ = [
    "MARKER", "ROLES_PATH", "ARDENTRYST_LICENCE", "CheckSetError",
    "find_ardentryst", "load_on_white", "to_square", "ink_sketch", "make_sketch", "lab", "load_roles",
    "propose_clusters", "assign_clusters", "role_map", "finish_labels", "render_ardentryst",
    "build_ardentryst", "build_checkset", "is_checkset", "cluster_sheet", "label_preview",
    "SUBSETS",
]

MARKER = CHECKSET_MARKER
SUBSETS = ("ardentryst",) + tuple(GENERATED)
ROLES_PATH = Path(__file__).with_name("checkset_roles.json")
ARDENTRYST_LICENCE = "CC-BY-SA-3.0"
ARDENTRYST_DIRS = ("/usr/share/games/ardentryst",)


class CheckSetError(RuntimeError):
    """The check set cannot be built (missing package, bad roles file)."""


def is_checkset(path: str | os.PathLike) -> bool:
    """True when ``path`` or one of its parents holds the check-set marker file."""
    return bool(checkset_paths([Path(path).absolute() / "x"]))


# ---- colours ----------------------------------------------------------------------------
def lab(rgb) -> np.ndarray:
    """(..., 3) sRGB 0..255 -> CIELAB (D65), float64: ``colorizer.color`` when present, else scikit-image."""
    rgb = np.asarray(rgb)
    try:
        from colorizer.color import rgb_to_lab
    except ImportError:  # older tree: scikit-image's formulas (agree to about 0.01)
        from skimage.color import rgb2lab

        return rgb2lab(rgb.astype(np.float64) / 255.0)
    return rgb_to_lab(rgb, dtype=np.float64)


# ---- pictures ---------------------------------------------------------------------------
def find_ardentryst() -> Path:
    """The installed game's folder (``.../ardentryst`` with ``Data/``), found with ``dpkg -L``."""
    try:
        listing = subprocess.run(["dpkg", "-L", "ardentryst"], capture_output=True, text=True, timeout=60)
        for line in listing.stdout.splitlines():
            if line.rstrip("/").endswith("/Data/Portrait_Nyx.png"):
                return Path(line).parent.parent
    except (OSError, subprocess.SubprocessError):
        pass
    for d in ARDENTRYST_DIRS:
        if (Path(d) / "Data" / "Portrait_Nyx.png").is_file():
            return Path(d)
    raise CheckSetError("Debian package ardentryst is not installed: run `apt-get install -y ardentryst`")


def ardentryst_version() -> str:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "ardentryst"], capture_output=True,
                             text=True, timeout=60)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def load_on_white(path: str | os.PathLike, alpha_min: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """``(rgb uint8 (H, W, 3), opaque bool (H, W))``: transparency composited on white;
    opaque = alpha >= ``alpha_min`` (a translucent part drawn on purpose needs a low one)."""
    with Image.open(path) as im:
        rgba = im.convert("RGBA")
    canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    canvas.alpha_composite(rgba)
    return np.asarray(canvas.convert("RGB")), np.asarray(rgba)[..., 3] >= int(alpha_min)


def _square_geometry(w: int, h: int, size: int) -> tuple[int, int, int, int]:
    s = size / max(w, h)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    return nw, nh, (size - nw) // 2, (size - nh) // 2


def to_square(img: Image.Image, size: int, resample: int, fill) -> Image.Image:
    """Scale ``img`` so its longer side is ``size`` and centre it on a ``size`` square of ``fill``."""
    nw, nh, x, y = _square_geometry(img.width, img.height, size)
    out = Image.new(img.mode, (size, size), fill)
    out.paste(img.resize((nw, nh), resample), (x, y))
    return out


def ink_sketch(rgb: np.ndarray, radius: int, contrast: tuple[float, float] = (25.0, 55.0),
               value: tuple[float, float] = (100.0, 150.0)) -> Image.Image:
    """Line art of inked art: ``darkness = ramp(tophat, contrast) * ramp(-V, value)``.

    ``V`` is the max channel (so saturated dark colours are not ink); ``tophat`` is
    the grey closing of ``V`` over a ``2 * radius + 1`` square minus ``V``: how
    much darker a pixel is than its surroundings (a thin stroke, not a dark area).
    A pixel is fully ink when its top-hat is above ``contrast[1]`` and its value
    below ``value[0]``; ramps are linear. Returns mode L, black on white.
    """
    v = np.asarray(rgb, dtype=np.float32).max(axis=2)
    hat = ndimage.grey_closing(v, footprint=np.ones((2 * radius + 1,) * 2, dtype=bool)) - v
    a = np.clip((hat - contrast[0]) / (contrast[1] - contrast[0]), 0.0, 1.0)
    b = np.clip((value[1] - v) / (value[1] - value[0]), 0.0, 1.0)
    return Image.fromarray(np.rint(255.0 * (1.0 - a * b)).astype(np.uint8), "L")


def _extract_lines():
    from colorizer.lines import extract_lines

    return extract_lines


def make_sketch(color: Image.Image, method: str, scale: float) -> Image.Image:
    """Sketch of the square colour picture: ``"ink"`` (:func:`ink_sketch`, radius 1.5 source pixels) or ``"xdog"``."""
    if method == "ink":
        return ink_sketch(np.asarray(color), radius=max(1, round(1.5 * scale)))
    if method == "xdog":
        return _extract_lines()(color, "xdog")
    raise CheckSetError(f"unknown line method {method!r} (ink or xdog)")


# ---- clusters and roles -----------------------------------------------------------------
def propose_clusters(rgb: np.ndarray, k: int, opaque: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """(k, 3) uint8 cluster centres of the opaque pixels: scikit-learn K-means in CIELAB,
    ``random_state=seed``, 4 starts; sorted by pixel count, largest first. Run once per
    picture to write ``checkset_roles.json``; the build only uses the frozen centres."""
    from sklearn.cluster import KMeans

    px = np.asarray(rgb).reshape(-1, 3)
    if opaque is not None:
        px = px[np.asarray(opaque).reshape(-1)]
    uniq, counts = np.unique(px, axis=0, return_counts=True)
    k = min(k, len(uniq))
    km = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(lab(uniq), sample_weight=counts)
    idx = km.labels_
    weight = np.bincount(idx, weights=counts, minlength=k)
    centres = np.stack([np.average(uniq[idx == j], axis=0, weights=counts[idx == j]) for j in range(k)])
    order = np.argsort(-weight, kind="stable")
    return np.clip(np.rint(centres[order]), 0, 255).astype(np.uint8)


def assign_clusters(rgb: np.ndarray, centres) -> np.ndarray:
    """(H, W) index of the nearest centre (CIE76 in Lab) of every pixel."""
    c = lab(np.asarray(centres, dtype=np.uint8))
    px = lab(np.asarray(rgb, dtype=np.uint8).reshape(-1, 3))
    d = (px * px).sum(1)[:, None] - 2.0 * px @ c.T + (c * c).sum(1)[None, :]
    return d.argmin(1).reshape(np.asarray(rgb).shape[:2])


def _role_value(name: str) -> int:
    if name == "ignore":
        return IGNORE
    if name not in ROLE_INDEX:
        raise CheckSetError(f"unknown role {name!r}; roles are {', '.join(ROLES)} or ignore")
    return ROLE_INDEX[name]


def _override_mask(shape: tuple[int, int], rule: dict) -> np.ndarray:
    """Boolean mask of one override rule's area: ``box`` [x0, y0, x1, y1] (x1, y1 exclusive)
    or ``polygon`` [[x, y], ...] (filled, outline included), in source pixels."""
    sel = np.zeros(shape, dtype=bool)
    if "box" in rule:
        x0, y0, x1, y1 = (int(v) for v in rule["box"])
        sel[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = True
    elif "polygon" in rule:
        from PIL import ImageDraw

        im = Image.new("L", (shape[1], shape[0]), 0)
        ImageDraw.Draw(im).polygon([tuple(map(float, p)) for p in rule["polygon"]], fill=1, outline=1)
        sel = np.asarray(im, dtype=bool)
    else:
        raise CheckSetError(f"an override needs a box or a polygon: {rule}")
    return sel


def role_map(clusters: np.ndarray, spec: dict, opaque: np.ndarray | None = None) -> np.ndarray:
    """(H, W) uint8 role indices at the source resolution from a cluster map and a roles entry.

    ``spec["roles"][j]`` is the role of cluster ``j`` (a name of :data:`colorizer.roles.ROLES`,
    or ``"ignore"`` for 255). Each rule of ``spec.get("overrides", [])`` then sets ``role``
    on the pixels of its ``box`` or ``polygon`` whose cluster is in ``clusters`` (all when
    omitted), in order, later rules winning. Transparent pixels are background.
    """
    roles = spec["roles"]
    if len(roles) != len(spec["centres"]):
        raise CheckSetError(f"{len(spec['centres'])} centres but {len(roles)} roles")
    lut = np.array([_role_value(r) for r in roles], dtype=np.uint8)
    out = lut[clusters]
    for rule in spec.get("overrides", []):
        sel = _override_mask(out.shape, rule)
        if "clusters" in rule:
            sel &= np.isin(clusters, rule["clusters"])
        out[sel] = _role_value(rule["role"])
    if opaque is not None:
        out[~opaque] = ROLE_INDEX["background"]
    return out


def finish_labels(labels: np.ndarray, sketch: Image.Image, ink_threshold: int = 128) -> np.ndarray:
    """Make ``line`` exactly the sketch's ink: ink pixels (grey < ``ink_threshold``) -> line;
    line pixels that are paper in the sketch -> the nearest non-line, known role."""
    labels = np.array(labels, dtype=np.uint8)
    ink = np.asarray(sketch.convert("L")) < ink_threshold
    labels[ink] = LINE
    stray = labels == LINE
    stray &= ~ink
    if stray.any():
        donor = (labels != LINE)
        if donor.any():
            _, (iy, ix) = ndimage.distance_transform_edt(~donor, return_indices=True)
            labels[stray] = labels[iy[stray], ix[stray]]
    return labels


def render_ardentryst(root: Path, entry: dict, size: int) -> tuple[Image.Image, Image.Image, Image.Image]:
    """``(sketch L, colour RGB, labels L)`` of one picture of the roles file, at ``size`` square."""
    path = root / entry["file"]
    if not path.is_file():
        raise CheckSetError(f"{path} is missing from the ardentryst package")
    rgb, opaque = load_on_white(path, entry.get("alpha_min", 128))
    centres = np.asarray(entry["centres"], dtype=np.uint8)
    src_labels = role_map(assign_clusters(rgb, centres), entry, opaque)
    scale = size / max(rgb.shape[:2])
    color = to_square(Image.fromarray(rgb, "RGB"), size, Image.LANCZOS, (255, 255, 255))
    sketch = make_sketch(color, entry.get("lines", "ink"), scale)
    labels = to_square(Image.fromarray(src_labels, "L"), size, Image.NEAREST, ROLE_INDEX["background"])
    labels = finish_labels(np.asarray(labels), sketch)
    return sketch, color, Image.fromarray(labels, "L")


def load_roles(path: str | os.PathLike = ROLES_PATH) -> dict:
    """The hand assignment, checked: every picture has a file, centres (K, 3) in 0..255,
    K known role names and well-formed overrides."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CheckSetError(f"cannot read the roles file {path}: {e}") from None
    images = doc.get("images")
    if not isinstance(images, dict) or not images:
        raise CheckSetError(f"{path}: no 'images'")
    for name, e in images.items():
        where = f"{path}: {name}"
        c = np.asarray(e.get("centres", []))
        if c.ndim != 2 or c.shape[1] != 3 or c.min() < 0 or c.max() > 255:
            raise CheckSetError(f"{where}: centres must be a (K, 3) list of 0..255 colours")
        if not isinstance(e.get("file"), str):
            raise CheckSetError(f"{where}: no source 'file'")
        if len(e.get("roles", [])) != len(c):
            raise CheckSetError(f"{where}: {len(c)} centres but {len(e.get('roles', []))} roles")
        for r in list(e["roles"]) + [o.get("role", "?") for o in e.get("overrides", [])]:
            _role_value(r)
        for o in e.get("overrides", []):
            if ("box" in o) == ("polygon" in o):
                raise CheckSetError(f"{where}: each override needs exactly one of box / polygon: {o}")
            if any(not 0 <= int(j) < len(c) for j in o.get("clusters", [])):
                raise CheckSetError(f"{where}: override names a cluster that does not exist: {o}")
        if e.get("lines", "ink") not in ("ink", "xdog"):
            raise CheckSetError(f"{where}: lines must be ink or xdog")
    return doc


# ---- writing ----------------------------------------------------------------------------
def _copyright_holders(root: Path) -> str:
    """The copyright line(s) of the ``Files: Data/*`` stanza of the package's copyright file."""
    doc = Path("/usr/share/doc/ardentryst/copyright")
    fallback = "2007-2009 Jordan Trudgett; Amy Dunwoodie; Isaac Nixon; Kanami Watabe"
    try:
        text = doc.read_text(encoding="utf-8")
    except OSError:
        return fallback
    for stanza in text.split("\n\n"):
        if stanza.startswith("Files: Data/*"):
            lines, on = [], False
            for line in stanza.splitlines():
                if line.startswith("Copyright:"):
                    on = True
                    lines.append(line.split(":", 1)[1].strip())
                elif on and line.startswith((" ", "\t")):
                    lines.append(line.strip())
                else:
                    on = False
            if lines:
                return "; ".join(lines)
    return fallback


def build_ardentryst(out: str | os.PathLike, size: int = 512, roles: dict | None = None,
                      root: Path | None = None) -> list[dict]:
    """Write ``out/ardentryst/{sketch,color,labels}/<id>.png``; returns one licence row per picture."""
    roles = roles or load_roles()
    root = root or find_ardentryst()
    holders = _copyright_holders(root)
    rows = []
    for pid, entry in roles["images"].items():
        sketch, color, labels = render_ardentryst(root, entry, size)
        base = Path(out) / "ardentryst"
        save_png(sketch, base / "sketch" / f"{pid}.png")
        save_png(color, base / "color" / f"{pid}.png")
        save_png(labels, base / "labels" / f"{pid}.png")
        rows.append({"subset": "ardentryst", "id": pid, "licence": ARDENTRYST_LICENCE,
                     "attribution": f"Copyright {holders} (Debian package ardentryst, Data/*)",
                     "source": f"ardentryst:{entry['file']}"})
    return rows


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("numpy", "pillow", "scipy", "scikit-learn", "scikit-image", "resvg-py", "opencv-python-headless"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def _kept(out: Path, size: int, rebuilt: tuple[str, ...]) -> tuple[dict, list[dict]]:
    """The manifest entries and licence rows of the subsets already in ``out`` that this build
    keeps (every subset on disk not rebuilt); refuses a folder built at another size."""
    try:
        old = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, []
    kept = {k: v for k, v in old.get("subsets", {}).items()
            if k not in rebuilt and (out / k / "color").is_dir()}
    if kept and old.get("size") != size:
        raise CheckSetError(f"{out} holds a check set at {old.get('size')} px ({', '.join(kept)}): build at "
                            f"--size {old.get('size')}, or into another folder")
    for k, entry in kept.items():  # a check set built before pixel fingerprints: take them from its files
        if k in GENERATED and "pixels_sha256" not in entry and entry.get("generator") != "custom":
            fp = stored_pixels_sha256(out, k)
            if fp:
                entry.pop("generator_sha256", None)
                entry["pixels_sha256"] = fp
    try:
        with open(out / "LICENSES.csv", newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r.get("subset") in kept]
    except OSError:
        rows = []
    return kept, rows


def build_checkset(out: str | os.PathLike, size: int = 512, generator_count: int = 200,
                   subsets: Iterable[str] = SUBSETS, generate: Callable | None = None, v2_count: int = 60,
                   generate_v2: Callable | None = None, progress: bool = True) -> dict:
    """Build the ``subsets`` of the check set into ``out`` (see the module doc); the subsets
    already there and not named are kept, with their manifest entries and licence rows.
    ``generate`` / ``generate_v2`` replace the generators (tests). Returns the manifest."""
    import hashlib

    if not isinstance(size, int) or not 64 <= size <= 2048:
        raise CheckSetError(f"size must be an integer in 64..2048, got {size!r}")
    subsets = tuple(subsets)
    unknown = set(subsets) - set(SUBSETS)
    if unknown:
        raise CheckSetError(f"unknown subsets {sorted(unknown)}; choose from {', '.join(SUBSETS)}")
    out = Path(out)
    kept, rows = _kept(out, size, subsets)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Anime check set of the colorizer: measure on it, never train on it.\n"
                              "train.data.splits.assert_not_test refuses every path below this folder.\n")
    manifest = {"size": size, "subsets": kept, "versions": _versions()}
    if "ardentryst" in subsets:
        roles = load_roles()
        rows += build_ardentryst(out, size, roles)
        manifest["subsets"]["ardentryst"] = {
            "count": len(roles["images"]), "package_version": ardentryst_version(),
            "roles_sha256": hashlib.sha256(ROLES_PATH.read_bytes()).hexdigest(),
            "colour": "composited on white, Lanczos resample onto a white square (aspect kept, centred)",
            "lines": {k: e.get("lines", "ink") for k, e in roles["images"].items()},
            "labels": "hand-assigned colour clusters (checkset_roles.json), nearest-neighbour scaled; "
                      "sketch ink (< 128) = line"}
    for name, count, gen in (("generator", generator_count, generate), ("v2", v2_count, generate_v2)):
        if name in subsets:
            new_rows, manifest["subsets"][name] = build_generated(out, name, size, count, generate=gen,
                                                                  progress=progress)
            rows += new_rows
    order = {k: i for i, k in enumerate(SUBSETS)}
    manifest["subsets"] = dict(sorted(manifest["subsets"].items(), key=lambda kv: order.get(kv[0], len(order))))
    rows.sort(key=lambda r: order.get(r["subset"], len(order)))
    with open(out / "LICENSES.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["subset", "id", "licence", "attribution", "source"])
        w.writeheader()
        w.writerows(rows)
    manifest["count"] = len(rows)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def cluster_sheet(rgb: np.ndarray, centres, path: str | os.PathLike, zoom: int = 3,
                  opaque: np.ndarray | None = None) -> None:
    """Review picture for assigning roles by eye: the source with a 10-pixel grid (every
    50 px darker), then each cluster's pixels in place on a blue-grey backdrop, captioned
    with the cluster number, centre colour and pixel share."""
    from PIL import ImageDraw

    clusters = assign_clusters(rgb, centres)
    if opaque is not None:
        clusters[~opaque] = -1
    h, w = clusters.shape
    grid = rgb.copy()
    for g in range(0, max(h, w), 10):
        shade = (255, 0, 0) if g % 50 == 0 else (0, 160, 255)
        if g < h:
            grid[g, ::2] = shade
        if g < w:
            grid[::2, g] = shade
    tiles = [grid]
    for j in range(len(centres)):
        t = np.empty_like(rgb)
        t[:] = (110, 120, 150)
        t[clusters == j] = rgb[clusters == j]
        tiles.append(t)
    cols = 4
    rows = -(-len(tiles) // cols)
    sheet = Image.new("RGB", (cols * w * zoom, rows * (h * zoom + 14)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for i, t in enumerate(tiles):
        x, y = (i % cols) * w * zoom, (i // cols) * (h * zoom + 14)
        sheet.paste(Image.fromarray(t).resize((w * zoom, h * zoom), Image.NEAREST), (x, y + 14))
        label = ("source (grid 10 px, red every 50)" if i == 0 else
                 f"{i - 1}: {tuple(int(v) for v in centres[i - 1])} {np.mean(clusters == i - 1):.1%}")
        draw.text((x + 2, y + 1), label, fill=(0, 0, 0))
    sheet.save(path)


# Colours of the roles in review pictures (background white, line black, unknown grey).
PREVIEW_COLORS = np.array([
    (255, 255, 255), (250, 200, 170), (150, 60, 20), (0, 160, 220), (255, 255, 150), (230, 40, 90),
    (60, 180, 75), (40, 60, 200), (140, 80, 200), (255, 150, 0), (0, 0, 0)], dtype=np.uint8)


def label_preview(labels: np.ndarray) -> Image.Image:
    """A label map in false colours (``PREVIEW_COLORS``; unknown 255 is mid grey), for looking at."""
    lut = np.full((256, 3), 128, dtype=np.uint8)
    lut[:len(PREVIEW_COLORS)] = PREVIEW_COLORS
    return Image.fromarray(lut[np.asarray(labels, dtype=np.uint8)], "RGB")


def _review(argv: list[str] | None = None) -> int:
    """``python -m train.data.checkset propose FILE --k 12 --out sheet.png`` (K-means centres of a
    package picture, printed as JSON, and its cluster sheet) or ``preview ID --out p.png`` (a
    picture of the roles file: colour, sketch, label map, overlay) - the tools the hand
    assignment was made with."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m train.data.checkset", description=_review.__doc__)
    ap.add_argument("command", choices=("propose", "preview"))
    ap.add_argument("name", help="propose: file under the package folder (Data/...); preview: picture id")
    ap.add_argument("--k", type=int, default=12)
    ap.add_argument("--alpha-min", type=int, default=128)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    root = find_ardentryst()
    if args.command == "propose":
        rgb, opaque = load_on_white(root / args.name, args.alpha_min)
        centres = propose_clusters(rgb, args.k, opaque)
        cluster_sheet(rgb, centres, args.out, zoom=3 if max(rgb.shape) <= 200 else 1, opaque=opaque)
        print(json.dumps(centres.tolist()))
    else:
        entry = load_roles()["images"][args.name]
        sketch, color, labels = render_ardentryst(root, entry, args.size)
        pv = label_preview(np.asarray(labels))
        sheet = Image.new("RGB", (4 * args.size, args.size), "white")
        for k, im in enumerate((color, sketch.convert("RGB"), pv, Image.blend(color, pv, 0.6))):
            sheet.paste(im, (k * args.size, 0))
        sheet.save(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(_review())
