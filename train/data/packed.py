"""Read a pack written by :mod:`train.data.pack` as the same :class:`Pair` records as a folder.

``open_pack(path, split="train")`` returns pairs whose ``load()`` decodes the
two WebP images. The pack's arrays are loaded once per process (cached), so
pairs can be pickled to DataLoader workers cheaply.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
from PIL import Image

from train.data import splits
from train.data.layouts import Loaded, Pair

__all__ = ["open_pack", "pack_meta", "pairs_from"]

_CODES = {"train": 0, "val": 1}


class _Pack:
    """The arrays of one pack file, held in memory."""

    def __init__(self, path: str):
        with np.load(path, allow_pickle=False) as z:
            self.arrays = {k: z[k] for k in z.files}
        a = self.arrays
        self.ids = bytes(a["ids"]).decode("utf-8").split("\n") if a["ids"].size else []
        self.splits = a["splits"]
        self.meta = json.loads(bytes(a["meta"]).decode("utf-8"))
        splits.assert_not_test(self.ids)  # a pack must never carry test pairs

    def image(self, kind: str, index: int, mode: str) -> Image.Image:
        offsets = self.arrays[f"{kind}_offsets"]
        blob = self.arrays[f"{kind}_bytes"][offsets[index] : offsets[index + 1]].tobytes()
        im = Image.open(io.BytesIO(blob))
        im.load()
        return im.convert(mode)


@lru_cache(maxsize=2)
def _open(path: str) -> _Pack:
    return _Pack(path)


def _load(path: str, index: int) -> Loaded:
    pack = _open(path)
    return pack.image("sketch", index, "RGB"), pack.image("color", index, "RGB")


def _load_labels(path: str, index: int) -> Image.Image:
    return _open(path).image("label", index, "L")


def pack_meta(path: str | Path) -> dict:
    """The pack's meta document (size, encodings, counts, corpus summary)."""
    return _open(str(Path(path).resolve())).meta


def open_pack(path: str | Path, split: str | None = "train") -> list[Pair]:
    """Pairs of ``split`` ("train", "val", or None for both) stored in the pack at ``path``."""
    key = str(Path(path).resolve())
    pack = _open(key)
    if split is not None and split not in _CODES:
        raise ValueError(f"a pack holds only train and val, not {split!r}")
    a = pack.arrays
    offsets = a.get("label_offsets")  # format 1 packs have no labels
    out = []
    for i, pid in enumerate(pack.ids):
        if split is not None and pack.splits[i] != _CODES[split]:
            continue
        labelled = offsets is not None and offsets[i + 1] > offsets[i]
        out.append(Pair(pid, f"pack:{key}#{pid}", "packed", partial(_load, key, i),
                        labels_path=f"pack:{key}#{pid}:labels" if labelled else None,
                        labels_loader=partial(_load_labels, key, i) if labelled else None,
                        labels_coverage=float(a["label_coverage"][i]) if labelled else None))
    return out


def pairs_from(path: str | Path, split: str = "train", layout: str | None = None) -> list[Pair]:
    """Training pairs from either a pack file (``.npz``) or a folder.

    A folder that holds ``<split>/`` (our corpus root) is read from there;
    any other folder is read as one of the user layouts of
    :func:`train.data.layouts.discover_pairs`. Test data is refused.
    """
    from train.data.layouts import discover_pairs

    path = Path(path)
    if split == "test":
        raise splits.TestDataError("training code must not read the test split")
    if path.suffix == ".npz":
        return open_pack(path, split)
    root = path / split if (path / split).is_dir() else path
    if "test" in root.resolve().parts:
        raise splits.TestDataError(f"refusing to read test data: {root}")
    pairs = discover_pairs(root, layout=layout)
    splits.assert_not_test([Path(p.origin) for p in pairs])
    return pairs
