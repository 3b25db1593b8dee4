"""Pack the train and val pairs into ONE file under a size budget (for an offline GPU machine).

Format: an uncompressed ``.npz`` (no pickled objects) holding

* ``color_bytes`` / ``sketch_bytes``: all encoded images concatenated (uint8)
* ``color_offsets`` / ``sketch_offsets``: int64, ``len + 1`` boundaries
* ``ids``: the pair ids, UTF-8, joined by ``\\n`` (uint8)
* ``splits``: int8, 0 = train, 1 = val
* ``meta``: a JSON document (uint8): size, encodings, counts, corpus manifest summary

Images are WebP lossless: colour as RGB, sketch as grey quantised to
``sketch_levels`` levels (4 by default: keeps the anti-aliasing ramp but
compresses about 40 % better; 0 keeps all 256). All val pairs go in first,
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


def encode_pair(job: tuple[str, str, int | None, int]) -> tuple[bytes, bytes]:
    """Worker: ``(sketch_path, color_path, size, sketch_levels) -> (sketch bytes, colour bytes)``."""
    sketch_path, color_path, size, levels = job
    color = Image.open(color_path).convert("RGB")
    sketch = Image.open(sketch_path).convert("L")
    if size and color.size != (size, size):
        color = color.resize((size, size), Image.LANCZOS)
        sketch = sketch.resize((size, size), Image.LANCZOS)
    return _webp_lossless(quantise(sketch, levels)), _webp_lossless(color)


def _order_key(pair_id: str) -> str:
    return hashlib.sha256(pair_id.encode()).hexdigest()


def pack(
    data: str | Path = "data",
    out: str | Path = ".pack/corpus.npz",
    max_mib: float = 55.0,
    size: int | None = None,
    sketch_levels: int = 4,
    workers: int = 2,
    sources: list[str] | None = None,
) -> dict:
    """Write the pack and return its meta document.

    ``sources`` keeps only pairs whose id starts with ``<source>-`` (e.g.
    leaving out the shaded clip art, whose colour images are 3-4x larger, fits
    more pairs into the budget).
    """
    t0 = time.time()
    data, out = Path(data), Path(out)
    budget = int(max_mib * 2**20) - _OVERHEAD
    entries = []  # (split, pair)
    for split in ("val", "train"):
        pairs = discover_pairs(data / split, layout="folders")
        if sources:
            pairs = [p for p in pairs if p.id.split("-", 1)[0] in sources]
        pairs.sort(key=lambda p: _order_key(p.id))
        entries += [(split, p) for p in pairs]
    splits.assert_not_test(p.id for _, p in entries)  # never pack test pairs

    def job(pair):
        kw = pair.loader.args  # (sketch path, colour path) of a folders Pair
        return (kw[0], kw[1], size, sketch_levels)

    kept_ids, kept_splits = [], []
    sk_parts, co_parts = [], []
    used = 0
    stopped_early = False
    with Pool(max(1, workers)) as pool:
        results = pool.imap(encode_pair, [job(p) for _, p in entries], chunksize=8)
        for (split, pair), (sk, co) in tqdm(zip(entries, results), total=len(entries), desc="pack", unit="pair"):
            cost = len(sk) + len(co) + len(pair.id.encode()) + 1 + 17  # + id, newline, offsets, split
            if used + cost > budget:
                stopped_early = True
                pool.terminate()
                break
            used += cost
            kept_ids.append(pair.id)
            kept_splits.append(SPLIT_CODES[split])
            sk_parts.append(sk)
            co_parts.append(co)

    def concat(parts):
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(p) for p in parts])
        return np.frombuffer(b"".join(parts), dtype=np.uint8), offsets

    sketch_bytes, sketch_offsets = concat(sk_parts)
    color_bytes, color_offsets = concat(co_parts)
    split_arr = np.array(kept_splits, dtype=np.int8)
    counts = {s: int((split_arr == c).sum()) for s, c in SPLIT_CODES.items()}
    available = {s: sum(1 for sp, _ in entries if sp == s) for s in SPLIT_CODES}
    corpus = {}
    if (data / "manifest.json").is_file():
        m = json.loads((data / "manifest.json").read_text())
        corpus = {k: m.get(k) for k in ("size", "sources", "versions", "test_manifest_sha256", "built_at_utc")}
    first = Image.open(io.BytesIO(co_parts[0])) if co_parts else None
    meta = {
        "format": "colorizer-pack/1",
        "size": first.size[0] if first else size,
        "color_encoding": "webp-lossless RGB",
        "sketch_encoding": f"webp-lossless L, {sketch_levels or 256} grey levels",
        "counts": counts,
        "available": available,
        "truncated": stopped_early,
        "image_bytes": int(sketch_bytes.size + color_bytes.size),
        "budget_mib": max_mib,
        "sources": sources or "all",
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
        ids=np.frombuffer("\n".join(kept_ids).encode("utf-8"), dtype=np.uint8),
        splits=split_arr,
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
    )
    tmp.replace(out)
    meta["file_bytes"] = out.stat().st_size
    meta["seconds"] = round(time.time() - t0, 1)
    if meta["file_bytes"] > max_mib * 2**20:
        raise RuntimeError(f"pack is {meta['file_bytes']} bytes, over the {max_mib} MiB budget")
    print(json.dumps({k: meta[k] for k in ("counts", "available", "truncated", "file_bytes", "seconds")}))
    return meta
