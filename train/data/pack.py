"""Pack the train and val pairs into ONE file under a size budget (for an offline GPU machine).

Format: an uncompressed ``.npz`` (no pickled objects) holding

* ``color_bytes`` / ``sketch_bytes``: all encoded images concatenated (uint8)
* ``color_offsets`` / ``sketch_offsets``: int64, ``len + 1`` boundaries
* ``label_bytes`` / ``label_offsets``: the part-label maps (PNG, mode L, colorizer.roles indices);
  an empty slice for a pair without labels
* ``label_coverage``: float32, share of each label map's pixels with a known role (NaN: no labels)
* ``ids``: the pair ids, UTF-8, joined by ``\\n`` (uint8)
* ``splits``: int8, 0 = train, 1 = val
* ``meta``: a JSON document (uint8): size, encodings, counts, corpus manifest summary

Images are WebP lossless: colour as RGB, sketch as grey quantised to
``sketch_levels`` levels (4 by default: keeps the anti-aliasing ramp but
compresses about 40 % better; 0 keeps all 256). All val pairs (or the first ``max_val``) go in first,
then train pairs in a fixed pseudo-random order (hash of the id, so every
source is represented) until the budget is reached. Test pairs are never read.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from colorizer.roles import IGNORE
from train.data import splits
from train.data.layouts import discover_pairs

__all__ = ["pack", "encode_pair", "SPLIT_CODES"]

SPLIT_CODES = {"train": 0, "val": 1}
_OVERHEAD = 16 * 1024  # zip and npy headers plus the meta document (about 3 KiB measured)


def _webp_lossless(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="WEBP", lossless=True, quality=80, method=4)
    return buf.getvalue()


def quantise(gray: Image.Image, levels: int) -> Image.Image:
    """Round an L image to ``levels`` evenly spaced grey levels (0 and 255 kept exact)."""
    if levels <= 1 or levels >= 256:
        return gray
    step = 255.0 / (levels - 1)
    a = np.asarray(gray, dtype=np.float32)
    return Image.fromarray((np.round(a / step) * step).clip(0, 255).astype(np.uint8), mode="L")


def encode_pair(job: tuple) -> tuple[bytes, bytes, bytes, float]:
    """Worker: ``(sketch_path, color_path, size, sketch_levels, labels_path or None)`` ->
    ``(sketch bytes, colour bytes, label bytes (b"" without), label coverage (NaN without))``."""
    sketch_path, color_path, size, levels = job[:4]
    labels_path = job[4] if len(job) > 4 else None
    color = Image.open(color_path).convert("RGB")
    sketch = Image.open(sketch_path).convert("L")
    if size and color.size != (size, size):
        color = color.resize((size, size), Image.LANCZOS)
        sketch = sketch.resize((size, size), Image.LANCZOS)
    label_bytes, coverage = b"", float("nan")
    if labels_path:
        with Image.open(labels_path) as im:
            lab = im.convert("L")
        if lab.size != color.size:
            lab = lab.resize(color.size, Image.NEAREST)
        coverage = float((np.asarray(lab) != IGNORE).mean())
        buf = io.BytesIO()
        lab.save(buf, format="PNG", optimize=True)
        label_bytes = buf.getvalue()
    return _webp_lossless(quantise(sketch, levels)), _webp_lossless(color), label_bytes, coverage


def _order_key(pair_id: str) -> str:
    return hashlib.sha256(pair_id.encode()).hexdigest()


def corpus_folders(data) -> list[Path]:
    """The corpus folders of ``data``: one path, a comma-separated string of them (as training's
    ``data=data/train,data_om/train`` takes split folders) or a list."""
    if isinstance(data, (str, Path)):
        data = [d for d in str(data).split(",") if d.strip()]
    folders = [Path(str(d).strip()) for d in data]
    if not folders:
        raise ValueError("pack: no corpus folder given")
    return folders


def pack(
    data: str | Path | list = "data",
    out: str | Path = ".pack/corpus.npz",
    max_mib: float = 55.0,
    size: int | None = None,
    sketch_levels: int = 4,
    workers: int = 2,
    sources: list[str] | None = None,
    min_label_coverage: float | None = None,
    max_val: int | None = None,
) -> dict:
    """Write the pack and return its meta document.

    ``data``: a built corpus folder, or several (comma-separated or a list: a corpus built in two
    folders, e.g. ``data,data_om``); their pairs are mixed as one. ``sources`` keeps only pairs whose id starts with ``<source>-`` (e.g.
    leaving out the shaded clip art, whose colour images are 3-4x larger, fits
    more pairs into the budget). ``min_label_coverage`` keeps only pairs whose part
    labels know at least that share of the pixels (what a semantic-slot run trains on,
    ``TrainConfig.min_label_coverage``); None keeps pairs with or without labels. ``max_val``
    caps the val pairs (training shows only ``val_images`` of them); None keeps all.
    """
    t0 = time.time()
    folders, out = corpus_folders(data), Path(out)
    budget = int(max_mib * 2**20) - _OVERHEAD
    entries = []  # (split, pair)
    for split in ("val", "train"):
        pairs = [p for f in folders for p in discover_pairs(f / split, layout="folders")]
        ids = [p.id for p in pairs]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})[:3]
            raise ValueError(f"pack: the same {split} pair in two corpus folders: {', '.join(dup)}")
        if sources:
            pairs = [p for p in pairs if splits.source_of(p.id) in sources]
        if min_label_coverage is not None:
            pairs = [p for p in pairs if p.labels_path]
        pairs.sort(key=lambda p: _order_key(p.id))
        entries += [(split, p) for p in pairs]
    splits.assert_not_test(p.id for _, p in entries)  # never pack test pairs

    def job(pair):
        kw = pair.loader.args  # (sketch path, colour path) of a folders Pair
        return (kw[0], kw[1], size, sketch_levels, pair.labels_path)

    kept_ids, kept_splits = [], []
    sk_parts, co_parts, lab_parts, coverages = [], [], [], []
    used = 0
    stopped_early = False
    with Pool(max(1, workers)) as pool:
        results = pool.imap(encode_pair, [job(p) for _, p in entries], chunksize=8)
        for (split, pair), (sk, co, lab, cover) in tqdm(zip(entries, results), total=len(entries), desc="pack",
                                                        unit="pair"):
            if min_label_coverage is not None and not cover >= min_label_coverage:
                continue
            if split == "val" and max_val is not None and kept_splits.count(SPLIT_CODES["val"]) >= max_val:
                continue
            cost = len(sk) + len(co) + len(lab) + len(pair.id.encode()) + 1 + 29  # + id, newline, offsets, split
            if used + cost > budget:
                stopped_early = True
                pool.terminate()
                break
            used += cost
            kept_ids.append(pair.id)
            kept_splits.append(SPLIT_CODES[split])
            sk_parts.append(sk)
            co_parts.append(co)
            lab_parts.append(lab)
            coverages.append(cover)

    def concat(parts):
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(p) for p in parts])
        return np.frombuffer(b"".join(parts), dtype=np.uint8), offsets

    sketch_bytes, sketch_offsets = concat(sk_parts)
    color_bytes, color_offsets = concat(co_parts)
    label_bytes, label_offsets = concat(lab_parts)
    split_arr = np.array(kept_splits, dtype=np.int8)
    counts = {s: int((split_arr == c).sum()) for s, c in SPLIT_CODES.items()}
    available = {s: sum(1 for sp, _ in entries if sp == s) for s in SPLIT_CODES}
    manifests = []
    for f in folders:
        if (f / "manifest.json").is_file():
            m = json.loads((f / "manifest.json").read_text())
            manifests.append({k: m.get(k) for k in ("size", "sources", "versions", "test_manifest_sha256",
                                                    "built_at_utc")})
        else:
            manifests.append({})
    corpus = manifests[0] if len(manifests) == 1 else {"folders": [str(f) for f in folders], "manifests": manifests}
    first = Image.open(io.BytesIO(co_parts[0])) if co_parts else None
    meta = {
        "format": "colorizer-pack/2",
        "size": first.size[0] if first else size,
        "color_encoding": "webp-lossless RGB",
        "sketch_encoding": f"webp-lossless L, {sketch_levels or 256} grey levels",
        "counts": counts,
        "available": available,
        "truncated": stopped_early,
        "image_bytes": int(sketch_bytes.size + color_bytes.size + label_bytes.size),
        "budget_mib": max_mib,
        "sources": sources or "all",
        "labelled": int(sum(1 for b in lab_parts if b)),
        "min_label_coverage": min_label_coverage,
        "corpus": corpus,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez(
        tmp,
        sketch_bytes=sketch_bytes,
        sketch_offsets=sketch_offsets,
        color_bytes=color_bytes,
        color_offsets=color_offsets,
        label_bytes=label_bytes,
        label_offsets=label_offsets,
        label_coverage=np.array(coverages, dtype=np.float32),
        ids=np.frombuffer("\n".join(kept_ids).encode("utf-8"), dtype=np.uint8),
        splits=split_arr,
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    tmp.replace(out)
    meta["file_bytes"] = out.stat().st_size
    meta["seconds"] = round(time.time() - t0, 1)
    if meta["file_bytes"] > max_mib * 2**20:
        raise RuntimeError(f"pack is {meta['file_bytes']} bytes, over the {max_mib} MiB budget")
    print(json.dumps({k: meta[k] for k in ("counts", "available", "labelled", "truncated", "file_bytes", "seconds")}))
    return meta
