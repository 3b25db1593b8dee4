"""Build the (sketch, colour) training corpus from openly licensed drawings.

Output layout (one folder per split, identical file names in both halves)::

    <out>/train/sketch/<id>.png   mode L, black lines on white
    <out>/train/color/<id>.png    RGB on white
    <out>/train/labels/<id>.png   mode L part labels (colorizer.roles indices, 255 = unknown),
                                  only for sources that know their parts
    <out>/val/...  <out>/test/...
    <out>/LICENSES.csv            split, source, item id, licence, attribution, url
    <out>/manifest.json           counts per split and source, versions, timings
    <out>/.cache/                 npm packages and generated SVGs (reused)

Existing outputs are skipped, so an interrupted build resumes where it
stopped; files are written atomically (temporary name, then rename).

Builds are incremental: ``LICENSES.csv`` holds a row for every item on disk,
the current call's and those of earlier builds whose pictures are still there
(merged by ``(split, item_id)``, sorted), and ``manifest.json`` has the current
call's ``counts`` beside ``counts_on_disk`` (every colour picture, per split and
source). :func:`rebuild_licences` (``python -m train.data licences``) rewrites
``LICENSES.csv`` for what is on disk from the sources' listings, without rendering.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import time
from collections import Counter
from importlib import metadata
from multiprocessing import Pool
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from train.data import splits
from train.data.render import render_svg
from train.data.sources import Item
from train.data.svg_lines import line_twin
from colorizer.lines import extract_lines

__all__ = ["DEFAULT_SOURCES", "ALL_SOURCES", "list_items", "render_pair", "build", "rebuild_licences",
           "read_licences", "files_on_disk", "counts_on_disk"]

DEFAULT_SOURCES = ("openmoji", "dicebear")
ALL_SOURCES = ("openmoji", "dicebear", "openclipart", "bigheads", "facesjs", "wesnoth", "anime", "anime_fantasy",
               "anime_v2")


def _source_module(name: str):
    if name == "openmoji":
        from train.data.sources import openmoji as mod
    elif name == "dicebear":
        from train.data.sources import dicebear as mod
    elif name == "openclipart":
        from train.data.sources import openclipart as mod
    elif name == "bigheads":
        from train.data.sources import bigheads as mod
    elif name == "facesjs":
        from train.data.sources import facesjs as mod
    elif name == "wesnoth":
        from train.data.sources import wesnoth as mod
    elif name == "anime":
        from train.data.sources import anime as mod
    elif name == "anime_fantasy":
        from train.data.sources import anime_fantasy as mod
    elif name == "anime_v2":
        from train.data.sources import anime_v2 as mod
    else:
        raise ValueError(f"unknown source {name!r}; choose from {', '.join(ALL_SOURCES)}")
    return mod


def list_items(sources, cache_dir: Path, limit: int | None = None, seeds_per_style: int | None = None) -> list[Item]:
    """Items of all requested sources; ``limit`` caps the total, shared evenly between sources."""
    sources = list(sources)
    per_source = None if limit is None else max(1, -(-limit // len(sources)))
    out: list[Item] = []
    for name in sources:
        opts = {"limit": per_source}
        if seeds_per_style is not None:
            opts["seeds_per_style"] = seeds_per_style
        out.extend(_source_module(name).items(Path(cache_dir), **opts))
    ids = Counter(it.id for it in out)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise RuntimeError(f"duplicate pair ids across sources: {dup[:5]}")
    return out[:limit] if limit is not None else out


def _save_atomic(image: Image.Image, path: Path) -> None:
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.png")
    image.save(tmp, format="PNG", optimize=False, compress_level=6)
    os.replace(tmp, path)


def _call_maker(item: Item, size: int):
    import importlib

    module, _, func = item.maker.partition(":")
    return getattr(importlib.import_module(module), func)(item, size)


def make_sample(item: Item, size: int) -> tuple[Image.Image, Image.Image, Image.Image | None]:
    """Render one item to ``(sketch L, colour RGB, labels L or None)`` of ``size`` x ``size``."""
    if item.maker:
        return tuple(_call_maker(item, size)[:3])
    sketch, color = make_pair(item, size)
    return sketch, color, None


def make_pair(item: Item, size: int) -> tuple[Image.Image, Image.Image]:
    """Render one item to ``(sketch L, colour RGB)`` of ``size`` x ``size``."""
    if item.maker:
        sketch, color = _call_maker(item, size)[:2]
        return sketch, color
    color = render_svg(path=item.color_svg, size=size, pad_frac=item.pad_frac, fit_content=item.fit_content)
    if item.fit_content and item.line_mode != "extract":
        raise ValueError(f"{item.id}: fit_content needs line_mode 'extract' (a rendered twin would not align)")
    if item.line_mode == "svg":
        sketch = render_svg(path=item.line_svg, size=size, pad_frac=item.pad_frac).convert("L")
    elif item.line_mode == "twin":
        svg = Path(item.color_svg).read_text(encoding="utf-8")
        sketch = render_svg(svg=line_twin(svg, dark_threshold=0.1), size=size, pad_frac=item.pad_frac).convert("L")
    elif item.line_mode == "extract":
        sketch = extract_lines(color, method=item.extract_method, **dict(item.extract_params))
    else:
        raise ValueError(f"{item.id}: unknown line mode {item.line_mode!r}")
    return sketch, color


def render_pair(job: tuple[Item, str, int, str]) -> tuple[str, str, str]:
    """Worker: render one item into ``<out>/<split>/{sketch,color}/<id>.png``.

    Returns ``(id, split, status)`` with status ``"done"``, ``"cached"`` or
    ``"error: ..."`` (one bad drawing must not stop a 15,000-image build).
    """
    item, split, size, out = job
    sketch_path = Path(out) / split / "sketch" / f"{item.id}.png"
    color_path = Path(out) / split / "color" / f"{item.id}.png"
    labels_path = Path(out) / split / "labels" / f"{item.id}.png"
    if sketch_path.is_file() and color_path.is_file() and (not item.maker or labels_path.is_file()):
        return item.id, split, "cached"
    try:
        # a maker may return a 4th element: {name: image} maps saved as <out>/<split>/<name>/<id>.png
        sketch, color, labels, *extra = _call_maker(item, size) if item.maker else (*make_pair(item, size), None)
        for name, image in (extra[0] if extra else {}).items():
            (Path(out) / split / name).mkdir(parents=True, exist_ok=True)
            _save_atomic(image, Path(out) / split / name / f"{item.id}.png")
        if labels is not None:
            labels_path.parent.mkdir(parents=True, exist_ok=True)
            _save_atomic(labels, labels_path)
        _save_atomic(color, color_path)
        _save_atomic(sketch, sketch_path)
    except Exception as exc:  # noqa: BLE001 - reported and counted, build goes on
        return item.id, split, f"error: {type(exc).__name__}: {exc}"
    return item.id, split, "done"


def _dir_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*.png") if f.is_file())


def _check_size(out: Path, size: int) -> None:
    manifest = out / "manifest.json"
    if manifest.is_file():
        old = json.loads(manifest.read_text()).get("size")
        if old is not None and old != size:
            raise SystemExit(
                f"{out} holds a --size {old} build; use another --out for --size {size} "
                "(cached files would otherwise mix resolutions)"
            )


def build(
    out: str | Path = "data",
    size: int = 256,
    limit: int | None = None,
    sources=DEFAULT_SOURCES,
    workers: int = 2,
    seeds_per_style: int | None = None,
    cache_dir: str | Path | None = None,
) -> dict:
    """Build the corpus and return the manifest dict (also written to ``<out>/manifest.json``)."""
    t0 = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _check_size(out, size)
    read_licences(out / "LICENSES.csv")  # a foreign LICENSES.csv stops the build before rendering
    cache = Path(cache_dir) if cache_dir else out / ".cache"
    sources = list(sources)

    print(f"[build] listing sources {sources} (cache {cache})", flush=True)
    items = list_items(sources, cache, limit=limit, seeds_per_style=seeds_per_style)
    t_list = time.time() - t0

    test_ids = splits.load_test_manifest()
    jobs, reserved = [], []
    for it in items:
        split = splits.assign_split(it.id, it.group, test_ids)
        if split is None:
            reserved.append(it.id)
        else:
            jobs.append((it, split, size, str(out)))
    for split in ("train", "val", "test"):
        for half in ("sketch", "color"):
            (out / split / half).mkdir(parents=True, exist_ok=True)

    t1 = time.time()
    status: Counter = Counter()
    errors: list[str] = []
    built: dict[str, str] = {}
    if workers > 1:
        with Pool(workers) as pool:
            results = pool.imap_unordered(render_pair, jobs, chunksize=16)
            for pid, split, st in tqdm(results, total=len(jobs), desc="render", unit="pair"):
                status[st.split(":")[0]] += 1
                (errors.append(f"{pid}: {st}") if st.startswith("error") else built.__setitem__(pid, split))
    else:
        for job in tqdm(jobs, desc="render", unit="pair"):
            pid, split, st = render_pair(job)
            status[st.split(":")[0]] += 1
            (errors.append(f"{pid}: {st}") if st.startswith("error") else built.__setitem__(pid, split))
    t_render = time.time() - t1

    by_id = {it.id: it for it in items}
    test_built = {i for i, s in built.items() if s == "test"}
    if not all(i in test_ids or splits.is_test_id(i) for i in test_built):  # guards against edits of assign_split
        raise RuntimeError("built test ids outside the committed test manifest")
    full_default = limit is None and seeds_per_style is None and set(DEFAULT_SOURCES) <= set(sources)
    missing_test = sorted(i for i in test_ids if i not in test_built and (i.split("-")[0] in sources))
    if full_default and missing_test:
        print(f"[build] WARNING: {len(missing_test)} test-manifest ids were not built, e.g. {missing_test[:3]}")

    new_rows = [_licence_row(by_id[i], built[i]) for i in sorted(built)]
    rows = _merge_licences(out / "LICENSES.csv", new_rows, files_on_disk(out))
    _write_licences(out / "LICENSES.csv", rows)
    counts: dict[str, dict[str, int]] = {}
    for pid, split in built.items():
        src = by_id[pid].source
        counts.setdefault(split, {}).setdefault(src, 0)
        counts[split][src] += 1
    for split in counts:
        counts[split]["total"] = sum(counts[split].values())
    versions = {"python": platform.python_version()}
    for name in sources:
        versions.update(_source_module(name).versions(cache))
    for dist in ("resvg-py", "pillow", "numpy", "scipy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    manifest = {
        "size": size,
        "sources": sources,
        "limit": limit,
        "seeds_per_style": seeds_per_style,
        "counts": counts,
        "total_pairs": len(built),
        **_disk_summary(out, rows),
        "reserved_test_bucket_not_in_manifest": len(reserved),
        "test_manifest_sha256": splits.ids_digest(test_ids),
        "test_ids_built": len(test_built),
        "test_ids_missing": len(missing_test),
        "render_status": dict(status),
        "errors": errors[:50],
        "error_count": len(errors),
        "versions": versions,
        "disk_bytes_png": _dir_bytes(out / "train") + _dir_bytes(out / "val") + _dir_bytes(out / "test"),
        "seconds": {"list_sources": round(t_list, 1), "render": round(t_render, 1), "total": round(time.time() - t0, 1)},
        "workers": workers,
        "built_at_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: manifest[k] for k in ("counts", "total_pairs", "seconds", "error_count")}, indent=1))
    return manifest


# -- licences of everything on disk ---------------------------------------------------------

LICENCE_FIELDS = ("split", "source", "item_id", "licence", "attribution", "url")
SPLITS = ("train", "val", "test")


def _licence_row(item: Item, split: str) -> dict[str, str]:
    return {"split": split, "source": item.source, "item_id": item.id, "licence": item.licence,
            "attribution": item.attribution, "url": item.url}


def files_on_disk(out: str | Path, halves=("color", "sketch")) -> dict[str, set[str]]:
    """split -> ids with a picture in any of ``halves`` under ``<out>/<split>/`` (temporary files left out)."""
    found: dict[str, set[str]] = {}
    for split in SPLITS:
        ids: set[str] = set()
        for half in halves:
            folder = Path(out) / split / half
            if folder.is_dir():
                ids.update(p.stem for p in folder.glob("*.png") if not p.name.startswith("."))
        found[split] = ids
    return found


def read_licences(path: str | Path) -> dict[tuple[str, str], dict[str, str]]:
    """The rows of a LICENSES.csv keyed by ``(split, item_id)``; empty when there is none."""
    path = Path(path)
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [k for k in LICENCE_FIELDS if k not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{path} is not a corpus licence file (no column {', '.join(missing)}); "
                             "move it away or rebuild it with `python -m train.data licences`")
        return {(r["split"], r["item_id"]): {k: r[k] or "" for k in LICENCE_FIELDS} for r in reader}


def _merge_licences(path: Path, new_rows: list[dict], disk: dict[str, set[str]]) -> list[dict]:
    """The rows of ``path`` whose pictures are still on disk, updated by ``new_rows``; sorted."""
    rows = {k: r for k, r in read_licences(path).items() if k[1] in disk.get(k[0], ())}
    rows.update({(r["split"], r["item_id"]): r for r in new_rows})
    return [rows[k] for k in sorted(rows)]


def _write_licences(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(LICENCE_FIELDS))
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def counts_on_disk(out: str | Path, rows: list[dict]) -> dict[str, dict[str, int]]:
    """Colour pictures under ``out`` per split and source (from the licence rows; ids without a
    row count as ``"unlisted"``), with a ``"total"`` per split."""
    source = {(r["split"], r["item_id"]): r["source"] for r in rows}
    counts: dict[str, dict[str, int]] = {}
    for split, ids in files_on_disk(out, halves=("color",)).items():
        per = Counter(source.get((split, i), "unlisted") for i in ids)
        if per:
            counts[split] = {**dict(sorted(per.items())), "total": sum(per.values())}
    return counts


def _disk_summary(out: Path, rows: list[dict]) -> dict:
    counts = counts_on_disk(out, rows)
    return {"counts_on_disk": counts, "total_pairs_on_disk": sum(c["total"] for c in counts.values())}


def rebuild_licences(out: str | Path = "data", sources=DEFAULT_SOURCES, cache_dir: str | Path | None = None,
                     seeds_per_style: int | None = None) -> dict:
    """Rewrite ``<out>/LICENSES.csv`` for the pictures on disk, without rendering (maintainers).

    Every item that ``items()`` of ``sources`` lists and that has a picture under
    ``<out>/<split>/{color,sketch}/`` gets a row; rows of the old file whose pictures are
    still there and that no listed item replaces are kept. ``manifest.json``, when there is
    one, gets ``counts_on_disk`` again. Returns a summary with the colour pictures that have
    no row (``unlisted``).
    """
    out = Path(out)
    if not out.is_dir():
        raise SystemExit(f"{out} is not a folder")
    cache = Path(cache_dir) if cache_dir else out / ".cache"
    disk = files_on_disk(out)
    new_rows: list[dict] = []
    seen: Counter = Counter()
    for name in list(sources):
        opts: dict = {"labels": False}  # the listing only: no label twins are generated
        if seeds_per_style is not None:
            opts["seeds_per_style"] = seeds_per_style
        for it in _source_module(name).items(cache, **opts):
            seen[it.id] += 1
            new_rows += [_licence_row(it, split) for split in SPLITS if it.id in disk[split]]
    dup = [i for i, n in seen.items() if n > 1]
    if dup:
        raise RuntimeError(f"duplicate pair ids across sources: {dup[:5]}")
    path = out / "LICENSES.csv"
    rows = _merge_licences(path, new_rows, disk)
    _write_licences(path, rows)
    summary = _disk_summary(out, rows)
    manifest = out / "manifest.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        m.update(summary)
        tmp = manifest.with_name(f".manifest.json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(m, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, manifest)
    colour = files_on_disk(out, halves=("color",))
    keys = {(r["split"], r["item_id"]) for r in rows}
    unlisted = sorted(f"{s}/{i}" for s, ids in colour.items() for i in ids if (s, i) not in keys)
    return {"rows": len(rows), "rows_from_sources": len(new_rows),
            "colour_pictures": sum(len(v) for v in colour.values()), "unlisted": unlisted, **summary}


def make_test_manifest(cache_dir: str | Path, sources=DEFAULT_SOURCES) -> str:
    """Write ``test_manifest.json`` from the default full item list (maintainers only)."""
    items = list_items(sources, Path(cache_dir))
    ids = [it.id for it in items if splits.hashed_split(it.group) == "test"]
    note = f"default full build of sources {list(sources)}; DiceBear seeds 0..{_default_seeds() - 1} per style"
    return splits.write_test_manifest(ids, note=note)


def _default_seeds() -> int:
    from train.data.sources.dicebear import SEEDS_PER_STYLE

    return SEEDS_PER_STYLE


