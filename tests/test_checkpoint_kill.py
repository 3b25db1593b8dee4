"""Checkpoints survive SIGKILL: atomic writes, the previous checkpoint kept, corrupt files skipped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import torch

from _train_helpers import make_pairs, tiny_config
from train import checkpoint as ckpt
from train.trainer import train

REPO = Path(__file__).resolve().parent.parent


def _state(step: int, n: int = 50_000) -> dict:
    torch.manual_seed(step)
    return {"model": {"step": step, "w": torch.randn(n)}, "config": {"x": 1}}


# -- the writer and the reader, in process -------------------------------------------------------

def test_save_keeps_newest_and_records_a_manifest(tmp_path):
    for s in (2, 4, 6, 8):
        ckpt.save_checkpoint(_state(s), tmp_path, s, keep=2)
    assert [p.name for p in ckpt.list_checkpoints(tmp_path)] == ["checkpoint-00000006.pt", "checkpoint-00000008.pt"]
    man = json.loads((tmp_path / ckpt.MANIFEST).read_text())
    assert man["latest"] == "checkpoint-00000008.pt" and sorted(man["files"]) == ["checkpoint-00000006.pt",
                                                                                  "checkpoint-00000008.pt"]
    rec = man["files"]["checkpoint-00000008.pt"]
    assert rec["bytes"] == (tmp_path / "checkpoint-00000008.pt").stat().st_size and len(rec["sha256"]) == 64
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    path, state = ckpt.find_resumable(tmp_path)
    assert path.name == "checkpoint-00000008.pt" and state["model"]["step"] == 8
    assert torch.equal(state["model"]["w"], _state(8)["model"]["w"])


def test_truncated_and_corrupt_checkpoints_are_skipped_with_a_warning(tmp_path, capsys):
    for s in (1, 2, 3):
        ckpt.save_checkpoint(_state(s), tmp_path, s, keep=3)
    newest = tmp_path / "checkpoint-00000003.pt"
    newest.write_bytes(newest.read_bytes()[:1000])                      # truncated
    middle = tmp_path / "checkpoint-00000002.pt"
    data = bytearray(middle.read_bytes())
    data[len(data) // 2] ^= 0xFF                                         # one flipped byte, same size
    middle.write_bytes(bytes(data))
    with pytest.warns(RuntimeWarning, match="skipping") as rec:
        path, state = ckpt.find_resumable(tmp_path)
    assert path.name == "checkpoint-00000001.pt" and state["model"]["step"] == 1
    text = " ".join(str(w.message) for w in rec)
    assert "truncated" in text and "SHA-256" in text
    assert "warning: skipping" in capsys.readouterr().err
    with pytest.raises(ckpt.CheckpointError, match="truncated"):
        ckpt.load_checkpoint(newest)


def test_a_file_the_manifest_does_not_know_is_checked_by_loading_it(tmp_path):
    ckpt.save_checkpoint(_state(1), tmp_path, 1)
    (tmp_path / "checkpoint-00000005.pt").write_bytes(b"PK\x03\x04 not really a zip")   # no manifest entry
    with pytest.warns(RuntimeWarning, match="cannot be read"):
        path, _ = ckpt.find_resumable(tmp_path)
    assert path.name == "checkpoint-00000001.pt"
    (tmp_path / "checkpoint-00000001.pt").write_bytes(b"")
    with pytest.warns(RuntimeWarning):
        assert ckpt.find_resumable(tmp_path) is None
    assert ckpt.find_resumable(tmp_path / "none") is None


def test_a_failed_write_keeps_the_previous_checkpoint_even_with_keep_1(tmp_path, monkeypatch):
    ckpt.save_checkpoint(_state(1), tmp_path, 1, keep=1)
    real = torch.save

    def half_then_fail(obj, f, *a, **k):
        f.write(b"x" * 100_000)
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        ckpt.save_checkpoint(_state(2), tmp_path, 2, keep=1)
    monkeypatch.setattr(torch, "save", real)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-00000001.pt", ckpt.MANIFEST]
    assert ckpt.find_resumable(tmp_path)[1]["model"]["step"] == 1
    # a leftover temp file of a killed writer is removed by the next save
    (tmp_path / ".checkpoint-00000002.pt.999.tmp").write_bytes(b"half")
    ckpt.save_checkpoint(_state(2), tmp_path, 2, keep=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-00000002.pt", ckpt.MANIFEST]


# -- a real training process, killed in the middle of a checkpoint write -------------------------

def _wait_for(proc: subprocess.Popen, marker: str, timeout: float) -> list[str]:
    """Read the process's stderr until ``marker`` (or EOF / timeout); returns the lines read."""
    lines: list[str] = []
    found = threading.Event()

    def reader():
        for line in proc.stderr:
            lines.append(line)
            if marker in line:
                found.set()
                return
        found.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    found.wait(timeout)
    return lines


@pytest.mark.integration  # SIGKILL of a training process
def test_sigkill_during_a_checkpoint_write_resumes_from_the_last_complete_one(tmp_path, capsys):
    data = make_pairs(tmp_path / "data", 4, 40)
    cfg = tiny_config(data, {"schedule.steps": 6, "run.checkpoint_every": 2, "run.sample_every": 0,
                             "run.keep_checkpoints": 1})
    cfg.save_json(tmp_path / "cfg.json")
    run = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1",
               **{ckpt.PAUSE_ENV: "4:120"})
    cmd = [sys.executable, "-m", "train", "--config", str(tmp_path / "cfg.json"), "--out", str(run), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        lines = _wait_for(proc, ckpt.PAUSE_MARKER, timeout=120)
        assert any(ckpt.PAUSE_MARKER in line for line in lines), "".join(lines)
        proc.send_signal(signal.SIGKILL)            # in the middle of writing checkpoint 4
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    folder = run / "checkpoints"
    names = sorted(p.name for p in folder.iterdir())
    # checkpoint 2 is whole (kept although keep_checkpoints=1), 4 exists only as a partial temp file
    assert "checkpoint-00000002.pt" in names and "checkpoint-00000004.pt" not in names, names
    partial = [n for n in names if n.startswith(".checkpoint-00000004.pt.") and n.endswith(".tmp")]
    assert partial and (folder / partial[0]).stat().st_size > 0
    assert json.loads((folder / ckpt.MANIFEST).read_text())["latest"] == "checkpoint-00000002.pt"

    # resume (what --resume does, here in this process to save a second start-up):
    # continues from step 2 and ends at step 6
    train(cfg, run, resume=True, progress=False)
    assert "(step 2)" in capsys.readouterr().out
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["checkpoint-00000006.pt", ckpt.MANIFEST], names   # the temp file is gone too
    resumed = ckpt.load_checkpoint(folder / "checkpoint-00000006.pt")
    assert resumed["model"]["step"] == 6

    # and it is the same run as one that was never interrupted
    train(cfg, tmp_path / "straight", progress=False)
    straight = ckpt.find_resumable(tmp_path / "straight" / "checkpoints")[1]
    for part in ("G", "G_ema", "D"):
        for k, v in straight["model"][part].items():
            torch.testing.assert_close(resumed["model"][part][k], v, rtol=1e-5, atol=1e-6, msg=f"{part}.{k}")


def test_resume_skips_a_corrupt_newest_checkpoint(tmp_path, capsys):
    data = make_pairs(tmp_path / "data", 2, 32)
    cfg = tiny_config(data, {"schedule.steps": 4, "run.checkpoint_every": 2, "run.sample_every": 0,
                             "run.keep_checkpoints": 3})
    train(cfg, tmp_path / "run", progress=False)
    folder = tmp_path / "run" / "checkpoints"
    newest = folder / "checkpoint-00000004.pt"
    newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 3])
    with pytest.warns(RuntimeWarning, match="checkpoint-00000004.pt"):
        train(tiny_config(data, {"schedule.steps": 5, "run.checkpoint_every": 2, "run.sample_every": 0}),
              tmp_path / "run",
              resume=True, progress=False)
    assert "(step 2)" in capsys.readouterr().out
    assert ckpt.find_resumable(folder)[1]["model"]["step"] == 5
