"""The check set's generated subsets: held-out characters of the procedural anime generator.

Two subsets, each a folder of the check set (``python -m train.data checkset``):

* ``generator`` - generator v1 (:func:`train.data.anime.generate`), character seeds
  :data:`GENERATOR_SEED0` ``..``; the picture is variant 0, ``reference/`` variant 1
  (the same character in another pose or framing)::

      generator/{sketch,color,labels,reference,reference_labels}/anime_<seed>.png

* ``v2`` - generator v2 (:func:`train.data.anime.v2.generate_v2`), characters
  :data:`V2_SEED0` ``..``; the picture is pose 0 in outfit 0, its colour and sketch
  styles in rotation over the pictures (:func:`v2_styles`: cel and painted in turn,
  each sketch style in turn), so a small subset holds every pairing; it may show a
  companion beside the character (the generator's duo poses). Two references of the
  character alone (:func:`v2_views`: the first poses after 0 without a companion, so
  a reference's part colours are the character's own), each in the generator's own
  colour style for that picture: ``reference/`` (outfit 0: the same clothes in
  another pose) and ``reference_outfit/`` (outfit 1, in the next such pose: another
  outfit, as a user's picture of the character in other clothes would be). Every picture has its
  exact part labels (``*labels``) and parts map (``*parts``: each garment piece its
  own id, :data:`train.data.anime.v2.PART_NAMES`)::

      v2/{sketch,color,labels,parts}/v2_<character>.png
      v2/{reference,reference_labels,reference_parts}/v2_<character>.png
      v2/{reference_outfit,reference_outfit_labels,reference_outfit_parts}/v2_<character>.png
      v2/pictures.json        per id: character, (pose, outfit) and styles of each picture

Training lists no character seed from :data:`train.data.sources.anime.HELD_OUT_SEED`
up; v2 companions of check-set characters come from 1,500,000 up, so the v2
characters stay below that.

**Fingerprint.** A subset's manifest entry holds ``pixels_sha256``: the SHA-256 of
the pixel arrays of its first :data:`FINGERPRINT_COUNT` pictures (every file of each,
in :attr:`GeneratedSubset.folders` order). :func:`check_generated` draws those
pictures again with today's generator and compares them with the files on disk, so
it says whether the *pictures* changed, whatever happened to the generator's source
files (a check set built before the fingerprint existed is checked the same way).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from train.data.sources.anime import HELD_OUT_SEED

__all__ = ["GENERATOR_SEED0", "V2_SEED0", "V2_SEED_END", "FINGERPRINT_COUNT", "REFERENCES", "GENERATOR_LICENCE", "v2_views",
           "GeneratedSubset", "GENERATED", "v2_styles", "generator_pictures", "v2_pictures", "build_generated",
           "stored_pixels_sha256", "drawn_pixels_sha256", "SubsetCheck", "check_generated", "save_png"]

GENERATOR_SEED0 = HELD_OUT_SEED
V2_SEED0 = 1_100_000  # apart from the v1 subset's characters (1,000,000..), so the subsets are other people
V2_SEED_END = 1_500_000  # check-set companions of v2 start here
FINGERPRINT_COUNT = 2
GENERATOR_LICENCE = "CC0-1.0"
# The reference kinds of the generated subsets: name -> folder (labels in <folder>_labels).
REFERENCES = {"pose": "reference", "outfit": "reference_outfit"}

Pictures = dict[str, Image.Image]


def _check_error():
    """:class:`train.data.checkset.CheckSetError` (imported late: that module imports this one)."""
    from train.data.checkset import CheckSetError

    return CheckSetError


def save_png(img: Image.Image, path: Path) -> None:
    """Write ``img`` to ``path`` (folders made) through a temporary file, so no half-written PNG is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.png")
    img.save(tmp, optimize=False)
    os.replace(tmp, path)


# ---- the two subsets ----------------------------------------------------------------------
def _generate_v1() -> Callable:
    try:
        from train.data.anime import generate
    except ImportError as e:
        raise _check_error()(f"the procedural anime generator train.data.anime is not available: {e}") from None
    return generate


def _generate_v2() -> Callable:
    try:
        from train.data.anime.v2 import generate_v2
    except ImportError as e:
        raise _check_error()(f"generator v2 train.data.anime.v2 is not available: {e}") from None
    return generate_v2


def generator_pictures(seed: int, size: int, generate: Callable | None = None) -> tuple[Pictures, dict]:
    """The v1 subset's files of character ``seed``: variant 0 and, as ``reference``, variant 1."""
    generate = generate or _generate_v1()
    s, r = generate(seed, size, 0), generate(seed, size, 1)
    files = {"sketch": s.sketch.convert("L"), "color": s.color.convert("RGB"), "labels": s.labels.convert("L"),
             "reference": r.color.convert("RGB"), "reference_labels": r.labels.convert("L")}
    return files, {"source": f"train.data.anime.generate(seed={seed}, variant=0; reference variant=1)"}


def v2_styles(index: int) -> tuple[str, str]:
    """``(colour style, sketch style)`` of the ``index``-th picture of the v2 subset: the colour
    styles in turn, each sketch style in turn over every pair of pictures."""
    from train.data.anime.v2 import COLOR_STYLES, SKETCH_STYLES

    return COLOR_STYLES[index % len(COLOR_STYLES)], SKETCH_STYLES[(index // len(COLOR_STYLES)) % len(SKETCH_STYLES)]


def v2_views(character: int) -> dict[str, tuple[int, int]]:
    """File prefix -> ``(pose, outfit)`` of the v2 subset's pictures of ``character``: the picture
    is pose 0 in outfit 0; ``reference_`` the first pose after it without a companion, outfit 0;
    ``reference_outfit_`` the next pose without a companion, outfit 1."""
    from train.data.anime.v2 import make_pose_v2

    solo, k = [], 1
    while len(solo) < 2:
        if make_pose_v2(character, k).companion is None:
            solo.append(k)
        k += 1
    return {"": (0, 0), "reference_": (solo[0], 0), "reference_outfit_": (solo[1], 1)}


def v2_pictures(character: int, size: int, generate_v2: Callable | None = None) -> tuple[Pictures, dict]:
    """The v2 subset's files of ``character`` (:func:`v2_views`): the picture in the styles of
    :func:`v2_styles`, the references in the generator's own styles; and what was drawn."""
    generate_v2 = generate_v2 or _generate_v2()
    colour, sketch = v2_styles(character - V2_SEED0)
    files, info = {}, {"character": character}
    views = v2_views(character)
    for prefix, (pose, outfit) in views.items():
        if prefix:  # a reference: its colour picture is the folder named after the kind
            s = generate_v2(character, pose, outfit, size)
            files[prefix.rstrip("_")] = s.color.convert("RGB")
            info[prefix.rstrip("_")] = {"pose": pose, "outfit": outfit, "color_style": s.color_style}
        else:
            s = generate_v2(character, pose, outfit, size, color_style=colour, sketch_style=sketch)
            files["sketch"], files["color"] = s.sketch.convert("L"), s.color.convert("RGB")
            info["picture"] = {"pose": pose, "outfit": outfit, "color_style": colour, "sketch_style": sketch}
        files[prefix + "labels"] = s.labels.convert("L")
        files[prefix + "parts"] = s.parts.convert("L")
    info["source"] = (f"train.data.anime.v2.generate_v2(character={character}, pose=0, outfit=0, color_style="
                      f"{colour!r}, sketch_style={sketch!r}; reference pose {views['reference_'][0]} outfit 0; "
                      f"reference_outfit pose {views['reference_outfit_'][0]} outfit 1)")
    return files, info


@dataclass(frozen=True)
class GeneratedSubset:
    """A check-set subset drawn by a generator: its folder, first seed, id prefix, the files of a
    picture (in fingerprint order), the reference kinds it has and how a picture is drawn."""

    name: str
    seed0: int
    seed_end: int  # first seed not allowed
    prefix: str
    folders: tuple[str, ...]
    references: tuple[str, ...]
    draw: Callable[[int, int, Callable | None], tuple[Pictures, dict]]
    attribution: str
    description: str

    def pid(self, seed: int) -> str:
        return f"{self.prefix}{seed}"

    def seed(self, pid: str) -> int:
        if not pid.startswith(self.prefix) or not pid[len(self.prefix):].isdigit():
            raise _check_error()(f"{pid!r} is not a picture id of the {self.name} subset ({self.prefix}<seed>)")
        return int(pid[len(self.prefix):])


GENERATED = {
    "generator": GeneratedSubset(
        "generator", GENERATOR_SEED0, V2_SEED0, "anime_",
        ("sketch", "color", "labels", "reference", "reference_labels"), ("pose",), generator_pictures,
        "procedural character of train.data.anime (this project)",
        "variant 1 of the same seed (reference/, reference_labels/)"),
    "v2": GeneratedSubset(
        "v2", V2_SEED0, V2_SEED_END, "v2_",
        ("sketch", "color", "labels", "parts", "reference", "reference_labels", "reference_parts",
         "reference_outfit", "reference_outfit_labels", "reference_outfit_parts"), ("pose", "outfit"), v2_pictures,
        "procedural character of train.data.anime.v2 (this project)",
        "pose 0 outfit 0 in rotating colour / sketch styles; reference/ the first pose after 0 without a "
        "companion, outfit 0; reference_outfit/ the next pose without a companion, outfit 1 (generator's own "
        "colour style; poses in pictures.json); labels and parts maps of all three"),
}


# ---- building ---------------------------------------------------------------------------
def _pixels(files: Pictures, folders) -> bytes:
    return b"".join(np.ascontiguousarray(np.asarray(files[f], dtype=np.uint8)).tobytes() for f in folders)


def build_generated(out: str | os.PathLike, subset: str, size: int = 512, count: int = 200,
                    seed0: int | None = None, generate: Callable | None = None, progress: bool = True) -> tuple[list[dict], dict]:
    """Write ``count`` pictures of a generated subset (``"generator"`` or ``"v2"``) into
    ``out/<subset>/``; returns the licence rows and the manifest entry. ``generate`` replaces
    the generator (tests); the entry then says ``"generator": "custom"``."""
    from tqdm import tqdm

    g = GENERATED[subset]
    seed0 = g.seed0 if seed0 is None else seed0
    if not isinstance(count, int) or count < 1:
        raise _check_error()(f"{subset}: count must be a positive integer, got {count!r}")
    if seed0 < g.seed0 or seed0 + count > g.seed_end:
        raise _check_error()(f"{subset} check-set seeds must lie in {g.seed0:,}..{g.seed_end - 1:,} (lower seeds are "
                             "training data or another subset's)")
    base = Path(out) / subset
    rows, info, h = [], {}, hashlib.sha256()
    for k, seed in enumerate(tqdm(range(seed0, seed0 + count), desc=f"check set: {subset}", disable=not progress)):
        pid = g.pid(seed)
        files, meta = g.draw(seed, size, generate)
        for folder in g.folders:
            save_png(files[folder], base / folder / f"{pid}.png")
        if k < FINGERPRINT_COUNT:
            h.update(_pixels(files, g.folders))
        source = meta.pop("source")
        if meta:
            info[pid] = meta
        rows.append({"subset": subset, "id": pid, "licence": GENERATOR_LICENCE, "attribution": g.attribution,
                     "source": source})
    written = {g.pid(seed) for seed in range(seed0, seed0 + count)}
    for folder in g.folders:  # pictures of an earlier, larger build of this subset
        for f in (base / folder).glob(f"{g.prefix}*.png"):
            if f.stem not in written:
                f.unlink()
    if info:
        (base / "pictures.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    entry = {"count": count, "seeds": [seed0, seed0 + count - 1], "reference": g.description,
             "references": {k: REFERENCES[k] for k in g.references},
             "pixels_sha256": h.hexdigest() if generate is None else "custom",
             "fingerprint": f"sha256 of the pixel arrays of the first {FINGERPRINT_COUNT} pictures "
                            f"({', '.join(g.folders)})"}
    if generate is not None:
        entry["generator"] = "custom"
    return rows, entry


# ---- checking ---------------------------------------------------------------------------
def _first_ids(root: Path, subset: str, n: int) -> list[str]:
    g = GENERATED[subset]
    folder = root / subset / "color"
    ids = [p.stem for p in folder.glob(f"{g.prefix}*.png")] if folder.is_dir() else []
    ok = sorted((g.seed(i), i) for i in ids if i[len(g.prefix):].isdigit())
    return [i for _, i in ok[:n]]


def stored_pixels_sha256(root: str | os.PathLike, subset: str, n: int = FINGERPRINT_COUNT) -> str | None:
    """The fingerprint of the first ``n`` pictures of ``root/subset`` as stored (None: no picture
    or a file missing)."""
    g, root = GENERATED[subset], Path(root)
    ids = _first_ids(root, subset, n)
    if not ids:
        return None
    h = hashlib.sha256()
    for pid in ids:
        try:
            files = {f: Image.open(root / subset / f / f"{pid}.png") for f in g.folders}
        except OSError:
            return None
        h.update(_pixels(files, g.folders))
    return h.hexdigest()


def drawn_pixels_sha256(root: str | os.PathLike, subset: str, size: int, n: int = FINGERPRINT_COUNT,
                        generate: Callable | None = None) -> str | None:
    """The fingerprint of the same pictures as :func:`stored_pixels_sha256`, drawn again at
    ``size`` by today's generator."""
    g = GENERATED[subset]
    ids = _first_ids(Path(root), subset, n)
    if not ids:
        return None
    h = hashlib.sha256()
    for pid in ids:
        h.update(_pixels(g.draw(g.seed(pid), size, generate)[0], g.folders))
    return h.hexdigest()


@dataclass(frozen=True)
class SubsetCheck:
    """What :func:`check_generated` found for one subset: ``status`` is ``"ok"`` (the files are
    today's generator's pictures), ``"stale"`` (they are not: ``message`` says how to rebuild) or
    ``"unchecked"`` (no manifest entry, a custom generator, ids that are not seeds)."""

    subset: str
    status: str
    message: str


def check_generated(root: str | os.PathLike, subsets=None, n: int = FINGERPRINT_COUNT,
                    generate: Callable | None = None) -> list[SubsetCheck]:
    """Whether the generated subsets of the check set at ``root`` still hold today's generator's
    pictures: their first ``n`` pictures are drawn again at the manifest's size and compared with
    the files (:func:`drawn_pixels_sha256`, :func:`stored_pixels_sha256`). One
    :class:`SubsetCheck` per generated subset on disk (of ``subsets``, default all).
    ``generate`` replaces the subsets' generator (tests)."""
    root = Path(root)
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    out = []
    for subset in subsets if subsets is not None else GENERATED:
        if subset not in GENERATED or not (root / subset / "color").is_dir():
            continue
        g = GENERATED[subset]
        entry = manifest.get("subsets", {}).get(subset)
        stored = stored_pixels_sha256(root, subset, n)
        if entry is None or "size" not in manifest:
            out.append(SubsetCheck(subset, "unchecked", f"{root}/{subset}: not checked against today's generator "
                                   "(no manifest entry)"))
        elif entry.get("generator") == "custom":
            out.append(SubsetCheck(subset, "unchecked", f"{root}/{subset}: not checked (built with a custom "
                                   "generator)"))
        elif stored is None:
            out.append(SubsetCheck(subset, "unchecked", f"{root}/{subset}: not checked (no picture named "
                                   f"{g.prefix}<seed> with all of {', '.join(g.folders)})"))
        elif drawn_pixels_sha256(root, subset, int(manifest["size"]), n, generate) != stored:
            size = int(manifest["size"])
            out.append(SubsetCheck(subset, "stale", f"{root}/{subset} was drawn by an older generator: today's "
                                   f"generator draws its pictures differently. Rebuild it with `python -m train.data "
                                   f"checkset --out {root} --subsets {subset} --size {size}` (the other subsets "
                                   "are kept)"))
        else:
            out.append(SubsetCheck(subset, "ok", f"{root}/{subset}: today's generator's pictures"))
    return out
