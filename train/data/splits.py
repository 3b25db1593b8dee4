"""Train / val / test assignment by source drawing, and the fixed test set.

Every pair belongs to a *group*: the source drawing it came from (one emoji
with all its skin-tone variants, one DiceBear seed, one clip-art file). The
split is a pure function of the group id (a SHA-256 bucket), so all variants
of a drawing land in the same split and nothing leaks between splits.

The test split is additionally frozen by the committed manifest
``train/data/test_manifest.json``: the pair ids of the test split of the
default full build plus a SHA-256 of the sorted ids. Groups that hash into the
test bucket but are not in the manifest (e.g. when more DiceBear seeds are
generated than the default) are *reserved*: they go to no split, so the test
set never grows and never changes. Training code calls
:func:`assert_not_test` on whatever it is about to read.

The anime check set (``python -m train.data checkset``) is refused the same
way: its folder holds a :data:`CHECKSET_MARKER` file, and any path inside a
folder with that file is refused by :func:`assert_not_test`.

Procedural sources whose pictures are a pure function of the id
(:data:`HASHED_SOURCES`: ``anime``) are not frozen by the manifest: their
hashed split applies directly, so their test pairs are whatever hashes to
test. Their seeds from a threshold up (the check set's) go to no split.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = [
    "HASHED_SOURCES",
    "VAL_FRACTION",
    "TEST_FRACTION",
    "MANIFEST_PATH",
    "hash_bucket",
    "hashed_split",
    "assign_split",
    "ids_digest",
    "load_test_manifest",
    "write_test_manifest",
    "is_test_id",
    "hashed_group",
    "source_of",
    "is_test_path",
    "assert_not_test",
    "TestDataError",
    "CHECKSET_MARKER",
    "checkset_paths",
]

VAL_FRACTION = 0.05
TEST_FRACTION = 0.05
MANIFEST_PATH = Path(__file__).with_name("test_manifest.json")
# id prefix -> first held-out seed, for procedural sources whose test split is the hashed one.
HASHED_SOURCES: dict[str, int] = {"anime-": 1_000_000, "anime_fantasy-": 1_000_000, "anime_v2-": 1_000_000,
                                  "anime_v2_twin-": 1_000_000}
# Hashed sources that redraw another one's characters: their pairs are grouped (and so split)
# with the character they redraw, which the pair id alone names.
HASHED_TWINS: dict[str, str] = {"anime_fantasy-": "anime-", "anime_v2_twin-": "anime_v2-"}
CHECKSET_MARKER = "CHECKSET"  # file at the root of a check-set folder: never train on what is below it


class TestDataError(RuntimeError):
    """Raised when code that must not see test data is handed a test pair."""

    __test__ = False  # not a pytest test class


def hash_bucket(group_id: str) -> float:
    """Deterministic number in [0, 1) from the SHA-256 of ``group_id``."""
    digest = hashlib.sha256(group_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def hashed_split(group_id: str) -> str:
    """``"test"``, ``"val"`` or ``"train"`` from the group's hash bucket alone."""
    b = hash_bucket(group_id)
    if b < TEST_FRACTION:
        return "test"
    if b < TEST_FRACTION + VAL_FRACTION:
        return "val"
    return "train"


def assign_split(pair_id: str, group_id: str, test_ids: frozenset[str] | None = None) -> str | None:
    """Split of one pair: ``"train"``, ``"val"``, ``"test"`` or ``None`` (reserved, not built).

    A pair is in test only if its group hashes to test *and* its id is in the
    committed manifest; other test-bucket pairs are reserved.
    """
    split = hashed_split(group_id)
    held_out = _hashed_source(pair_id)
    if held_out is not None:  # procedural source: hashed split, held-out seeds in none
        return None if held_out else split
    if split != "test":
        return split
    if test_ids is None:
        test_ids = load_test_manifest()
    return "test" if pair_id in test_ids else None


def source_of(pair_id: str) -> str:
    """The corpus source a pair belongs to: its id up to the first "-" ("anime-000123" -> "anime")."""
    return pair_id.split("-", 1)[0]


def hashed_group(pair_id: str) -> str:
    """The group of a hashed source's pair: its own id, or the redrawn character's (:data:`HASHED_TWINS`)."""
    for prefix, twin in HASHED_TWINS.items():
        if pair_id.startswith(prefix):
            return twin + pair_id[len(prefix):]
    return pair_id


def _hashed_source(pair_id: str) -> bool | None:
    """None for manifest-frozen sources; else whether ``pair_id`` is a held-out seed of a hashed source."""
    for prefix, first_held_out in HASHED_SOURCES.items():
        if pair_id.startswith(prefix):
            tail = pair_id[len(prefix):]
            return not tail.isdigit() or int(tail) >= first_held_out
    return None


def ids_digest(ids: Iterable[str]) -> str:
    """SHA-256 (hex) of the sorted ids joined by newlines."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


@lru_cache(maxsize=4)
def _load(path: str) -> frozenset[str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    ids = frozenset(data["ids"])
    if len(ids) != len(data["ids"]):
        raise ValueError(f"{path}: duplicate ids in test manifest")
    if ids_digest(ids) != data["sha256"]:
        raise ValueError(f"{path}: sha256 of the test ids does not match; the manifest was edited")
    return ids


def load_test_manifest(path: str | Path = MANIFEST_PATH) -> frozenset[str]:
    """The frozen set of test pair ids, verified against the manifest's SHA-256."""
    return _load(str(Path(path).resolve()))


def write_test_manifest(ids: Iterable[str], path: str | Path = MANIFEST_PATH, note: str = "") -> str:
    """Write the manifest (maintainers only: changing it changes the benchmark). Returns the digest."""
    ids = sorted(set(ids))
    digest = ids_digest(ids)
    payload = {
        "description": "Frozen test split of the colorizer corpus: pair ids (= file stems). "
        "Never train on these. sha256 is over the sorted ids joined by newlines.",
        "note": note,
        "count": len(ids),
        "sha256": digest,
        "ids": ids,
    }
    Path(path).write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    _load.cache_clear()
    return digest


def is_test_id(pair_id: str) -> bool:
    """True when ``pair_id`` is in the frozen test set (a hashed source's: hashes to test, or is held out)."""
    held_out = _hashed_source(pair_id)
    if held_out is not None:
        return held_out or hashed_split(hashed_group(pair_id)) == "test"
    return pair_id in load_test_manifest()


def is_test_path(path: str | Path) -> bool:
    """True when ``path`` points at test data: inside a ``test`` split folder or named by a test id."""
    p = Path(path)
    if "test" in p.parts[:-1]:
        return True
    return is_test_id(p.stem)


def checkset_paths(paths: Iterable[str | Path]) -> list[str]:
    """The ``paths`` that lie in a folder holding a :data:`CHECKSET_MARKER` file (or are
    such a folder). Bare names (pair ids, no folder part) are never check-set paths.
    Each folder is looked at once per call."""
    seen: dict[str, bool] = {}

    def marked(folder: Path) -> bool:
        key = str(folder)
        if key not in seen:
            seen[key] = os.path.isfile(os.path.join(key, CHECKSET_MARKER))
        return seen[key]

    bad = []
    for p in paths:
        q = Path(p)
        if not q.is_absolute() and len(q.parts) < 2 and not q.is_dir():
            continue
        q = q.absolute()
        if any(marked(f) for f in (q, *q.parents)):
            bad.append(str(p))
    return bad


def assert_not_test(paths: Iterable[str | Path]) -> None:
    """Raise :class:`TestDataError` if any of ``paths`` (files or pair ids) is test data
    or lies in the check set."""
    paths = list(paths)
    bad = [str(p) for p in paths if is_test_path(p)]
    if bad:
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise TestDataError(f"refusing to read test data: {', '.join(bad[:5])}{more}")
    bad = checkset_paths(paths)
    if bad:
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise TestDataError(f"refusing to read the check set (a folder with a {CHECKSET_MARKER} file): "
                            f"{', '.join(bad[:5])}{more}")
