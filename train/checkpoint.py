"""Resume checkpoints: plain dicts of tensors and numbers, safe against a kill at any moment.

A checkpoint holds the model state (G, D, EMA G, both optimisers, step), the
resolved training config, RNG states and bookkeeping (elapsed training time,
hardware). It contains nothing but tensors, numbers, strings, lists and dicts,
so it loads with ``torch.load(weights_only=True)``.

Writing (:func:`save_checkpoint`), so that a SIGKILL or a power cut at any moment
leaves the last complete checkpoint usable:

1. the state goes to a hidden temporary file (``.checkpoint-STEP.pt.PID.tmp``),
   hashed (SHA-256) while it is written, then ``fsync``-ed;
2. the temporary file is renamed to ``checkpoint-STEP.pt`` (atomic) and the folder
   is ``fsync``-ed, so the rename itself survives a crash;
3. the manifest ``checkpoints.json`` (size and SHA-256 of every kept checkpoint,
   and which one is the latest) is replaced the same way - the pointer, written last;
4. only then are checkpoints beyond the newest ``keep`` deleted: the previous
   checkpoint stays until the new one is complete.

Reading (:func:`find_resumable`): the newest checkpoint that is whole - its size
and hash match the manifest where the manifest knows it, and ``torch.load``
reads it - with a warning for every newer file that is skipped as truncated or
corrupt. Leftover temporary files of a killed writer are removed by the next save.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

PATTERN = re.compile(r"^checkpoint-(\d+)\.pt$")
TMP_PATTERN = re.compile(r"^\.(checkpoint-\d+\.pt|checkpoints\.json)\.\d+\.tmp$")
MANIFEST = "checkpoints.json"
# Test hook (tests/test_checkpoint_kill.py): "STEP" or "STEP:SECONDS" - while writing the
# checkpoint of that step, print PAUSE_MARKER to stderr after the first chunk and sleep
# (default 60 s), so that a test can kill the process in the middle of the write.
PAUSE_ENV = "TRAIN_TEST_PAUSE_IN_CHECKPOINT"
PAUSE_MARKER = "checkpoint write paused"
_CHUNK = 1 << 16


class CheckpointError(RuntimeError):
    """A checkpoint file that is truncated, corrupt or not a checkpoint."""


def rng_state() -> dict:
    np_state = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy": {"keys": torch.from_numpy(np_state[1].astype(np.int64)), "pos": int(np_state[2]),
                  "has_gauss": int(np_state[3]), "cached_gaussian": float(np_state[4])},
        "python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state(("MT19937", n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["cached_gaussian"]))
    v, internal, gauss = state["python"]
    random.setstate((v, tuple(internal), gauss))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def checkpoint_path(folder: str | Path, step: int) -> Path:
    return Path(folder) / f"checkpoint-{step:08d}.pt"


def list_checkpoints(folder: str | Path) -> list[Path]:
    """Checkpoints in ``folder``, oldest first (by step; whole or not)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := PATTERN.match(p.name))]
    return [p for _, p in sorted(found)]


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The newest checkpoint file by step (see :func:`find_resumable` for the newest whole one)."""
    found = list_checkpoints(folder)
    return found[-1] if found else None


# -- writing -------------------------------------------------------------------------------

def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _HashingWriter:
    """A binary file wrapper that hashes and counts what is written (and runs the test pause)."""

    def __init__(self, f, pause: float | None):
        self.f = f
        self.sha = hashlib.sha256()
        self.bytes = 0
        self._pause = pause

    def write(self, data) -> int:
        mv = memoryview(data).cast("B")
        for i in range(0, len(mv), _CHUNK):
            part = mv[i:i + _CHUNK]
            self.f.write(part)
            self.sha.update(part)
            self.bytes += len(part)
            if self._pause is not None and self.bytes >= _CHUNK:
                seconds, self._pause = self._pause, None
                self.f.flush()
                print(PAUSE_MARKER, file=sys.stderr, flush=True)
                time.sleep(seconds)
        return len(mv)

    def flush(self) -> None:
        self.f.flush()


def _pause_for(step: int) -> float | None:
    spec = os.environ.get(PAUSE_ENV, "").strip()
    if not spec:
        return None
    at, _, seconds = spec.partition(":")
    try:
        return float(seconds or 60.0) if int(at) == step else None
    except ValueError:
        return None


def _write_atomic(path: Path, write, pause: float | None = None) -> tuple[int, str]:
    """Write ``path`` through ``write(file)`` into a temp file, fsync, rename, fsync the folder.
    Returns (bytes, sha256 hex)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            w = _HashingWriter(f, pause)
            write(w)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return w.bytes, w.sha.hexdigest()


def read_manifest(folder: str | Path) -> dict:
    """``checkpoints.json``: ``{"latest": name, "files": {name: {"step", "bytes", "sha256"}}}``
    (empty when missing or unreadable)."""
    try:
        d = json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError):
        return {"latest": None, "files": {}}
    if not isinstance(d, dict) or not isinstance(d.get("files"), dict):
        return {"latest": None, "files": {}}
    return d


def _remove_stale_temps(folder: Path) -> None:
    for p in folder.iterdir():
        if TMP_PATTERN.match(p.name):
            p.unlink(missing_ok=True)


def save_checkpoint(state: dict, folder: str | Path, step: int, keep: int = 3) -> Path:
    """Write ``checkpoint-STEP.pt`` so that a kill at any moment leaves a whole checkpoint
    (see the module docstring); keep the newest ``keep`` (0: all)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(folder)
    path = checkpoint_path(folder, step)
    size, sha = _write_atomic(path, lambda f: torch.save(state, f), _pause_for(step))
    manifest = read_manifest(folder)
    files = {k: v for k, v in manifest["files"].items() if (folder / k).is_file()}
    files[path.name] = {"step": int(step), "bytes": size, "sha256": sha}
    doomed = [p for p in list_checkpoints(folder)[:-keep] if p != path] if keep > 0 else []
    for p in doomed:
        files.pop(p.name, None)
    text = json.dumps({"latest": path.name, "files": files}, indent=1, sort_keys=True) + "\n"
    _write_atomic(folder / MANIFEST, lambda f: f.write(text.encode()))
    for p in doomed:  # only now: the new checkpoint and the pointer to it are on disk
        p.unlink(missing_ok=True)
    if doomed:
        _fsync_dir(folder)
    return path


# -- reading -------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_checkpoint(path: str | Path, verify: bool = True) -> dict:
    """Load a checkpoint; :class:`CheckpointError` if it is truncated or corrupt.

    With ``verify``, a file the folder's manifest knows must have its recorded size
    and SHA-256.
    """
    path = Path(path)
    if verify:
        rec = read_manifest(path.parent)["files"].get(path.name)
        if rec is not None:
            size = path.stat().st_size
            if size != rec.get("bytes"):
                raise CheckpointError(f"{path} is {size} bytes, the manifest says {rec.get('bytes')} (truncated?)")
            if _sha256(path) != rec.get("sha256"):
                raise CheckpointError(f"{path} does not match its SHA-256 in {MANIFEST} (corrupt)")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # truncated zip, bad pickle opcodes, ...
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise CheckpointError(f"{path} cannot be read ({type(e).__name__}: {first[:200]})") from None
    if not isinstance(state, dict) or "model" not in state:
        raise CheckpointError(f"{path} is not a training checkpoint (no 'model' entry)")
    return state


def find_resumable(folder: str | Path) -> tuple[Path, dict] | None:
    """The newest whole checkpoint in ``folder`` and its state, or None if there is none.

    Newer files that are truncated or corrupt are skipped with a warning.
    """
    for path in reversed(list_checkpoints(folder)):
        try:
            return path, load_checkpoint(path)
        except (CheckpointError, OSError) as e:
            msg = f"skipping a checkpoint: {e}"
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
            print(f"warning: {msg}", file=sys.stderr, flush=True)
    return None
