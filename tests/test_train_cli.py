"""Command lines: python -m train --dry-run, config overrides, publish --dry-run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _train_helpers import make_labelled_pairs, make_pairs, tiny_config
from train.config import TrainConfig, load_config
from train.publish import publish, validate_folder

REPO = Path(__file__).resolve().parent.parent


def test_configs_load_and_overrides(tmp_path):
    for name in ("paper", "cpu", "gpu", "cpu_slots", "gpu_slots"):
        cfg = load_config(REPO / "train" / "configs" / f"{name}.yaml")
        assert isinstance(cfg, TrainConfig)
    assert load_config(REPO / "train/configs/paper.yaml").generator_preset == "paper"
    cfg = load_config(REPO / "train/configs/cpu.yaml", ["batch_size=7", "generator_overrides.base_channels=32",
                                                       "max_minutes=null"])
    assert cfg.batch_size == 7 and cfg.generator_overrides == {"base_channels": 32} and cfg.max_minutes is None
    assert load_config(None, ["loss_feature=1e-4"]).loss_feature == 1e-4  # YAML 1.1 reads 1e-4 as a string
    with pytest.raises(ValueError):
        load_config(None, ["no_such_option=1"])


def test_dry_run_cli(tmp_path):
    data = make_pairs(tmp_path / "data", 2, 40)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "train", "--config", str(REPO / "train/configs/cpu.yaml"),
           "--set", f"data={data}", "--set", "val_data=null", "--set", "generator_preset=tiny",
           "--set", "crop_size=32", "--set", "batch_size=2", "--set", "num_workers=0",
           "--set", "feature_net=tiny-random", "--set", "loss_feature=1e-4",
           "--dry-run", "--out", str(tmp_path / "run")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    for text in ("parameters G", "parameters D", "generator input: (2, 30, 32, 32)", "g_l1", "g_adv",
                 "g_tv", "g_feature", "d_total"):
        assert text in r.stdout
    assert not (tmp_path / "run").exists()  # a dry run writes nothing


def test_resolved_config_saved(tmp_path):
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), steps=1)
    train(cfg, tmp_path / "run", progress=False)
    saved = json.loads((tmp_path / "run" / "train_config.json").read_text())
    assert TrainConfig.from_dict(saved) == cfg


def test_publish_dry_run(tmp_path, capsys):
    from train.export import export
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), steps=1)
    train(cfg, tmp_path / "run", progress=False)
    table = tmp_path / "eval.md"
    table.write_text("| metric | value |\n|---|---|\n| L1 | 0.1 |\n")
    folder = export(run=tmp_path / "run", out=tmp_path / "weights", eval_table=table)
    assert "| L1 | 0.1 |" in (folder / "README.md").read_text()
    files = publish("someone/colorizer-test", folder, dry_run=True)
    assert {f.name for f in files} == {"config.json", "model.safetensors", "README.md"}
    assert "dry run" in capsys.readouterr().out
    with pytest.raises(ValueError):
        publish("not a repo", folder, dry_run=True)
    (folder / "README.md").unlink()
    with pytest.raises(ValueError):
        validate_folder(folder)


def test_sigterm_and_time_budget_end_with_a_checkpoint(tmp_path):
    import signal
    import time

    data = make_pairs(tmp_path / "data", 2, 32)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    base = [sys.executable, "-m", "train", "--set", f"data={data}", "--set", "val_data=null",
            "--set", "generator_preset=tiny", "--set", "crop_size=32", "--set", "num_workers=0",
            "--set", "feature_net=none", "--set", "d_channels=8", "--set", "checkpoint_every=100000",
            "--set", "log_every=1", "--set", "sample_every=0", "--set", "steps=100000", "--no-progress"]
    proc = subprocess.Popen(base + ["--out", str(tmp_path / "sig")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env)
    for line in proc.stdout:  # wait for the first step
        if line.startswith("step 1/"):
            break
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert list((tmp_path / "sig" / "checkpoints").glob("checkpoint-*.pt"))

    r = subprocess.run(base + ["--set", "max_minutes=0.001", "--out", str(tmp_path / "budget")],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "time budget" in r.stderr
    # The budget (60 ms) is checked after each step: it ends after one or a few steps, with one checkpoint.
    saved = [p.name for p in (tmp_path / "budget" / "checkpoints").glob("*.pt")]
    assert len(saved) == 1 and 1 <= int(saved[0][len("checkpoint-"):-3]) <= 5, saved


def test_a_signal_to_the_whole_process_group_still_ends_with_a_checkpoint(tmp_path):
    """Ctrl-C in a terminal, ``timeout`` or a scheduler signal every process of the group, the
    data-loading workers too: the trainer, not a dying worker, must decide how the run ends."""
    import signal
    import time

    data = make_pairs(tmp_path / "data", 4, 32)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "train", "--set", f"data={data}", "--set", "val_data=null",
           "--set", "generator_preset=tiny", "--set", "crop_size=32", "--set", "num_workers=1",
           "--set", "feature_net=none", "--set", "d_channels=8", "--set", "checkpoint_every=100000",
           "--set", "log_every=1", "--set", "sample_every=0", "--set", "steps=100000", "--no-progress",
           "--out", str(tmp_path / "run")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env,
                            start_new_session=True)   # its own process group, as a terminal gives
    for line in proc.stdout:
        if line.startswith("step 3/"):
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out[-2000:]
    assert "DataLoader worker" not in out
    assert list((tmp_path / "run" / "checkpoints").glob("checkpoint-*.pt"))


def test_model_card_records_what_the_weights_started_from(tmp_path):
    from train.export import export
    from train.trainer import train

    data = make_pairs(tmp_path / "data", 2, 32)
    train(tiny_config(data, steps=1), tmp_path / "run1", progress=False)
    first = export(run=tmp_path / "run1", out=tmp_path / "w1")
    assert "initialised from" not in (first / "README.md").read_text()
    # a run started from those weights carries their training section into its own card
    train(tiny_config(data, steps=1, crop_size=24), tmp_path / "run2", init_from=str(first), progress=False)
    card = export(run=tmp_path / "run2", out=tmp_path / "w2").joinpath("README.md").read_text()
    assert f"initialised from the weights in `{first}`" in card
    assert "  - steps: 1 at batch 2 (32 px crops)" in card and "- steps: 1 at batch 2 (24 px crops)" in card
    # --parent supplies it for checkpoints that predate the record
    card = export(run=tmp_path / "run1", out=tmp_path / "w3", parent=first).joinpath("README.md").read_text()
    assert "initialised from" in card


def test_semantic_run_dry_run_export_and_pipeline(tmp_path):
    """A tiny generator with hint planes and a role head, on labelled pairs: the dry run shows the
    39-channel input, training logs the role loss, and the exported weights colour with hints."""
    import numpy as np
    from PIL import Image, ImageDraw

    from colorizer import Colorizer
    from train.export import export
    from train.trainer import train

    data = make_labelled_pairs(tmp_path / "data", 2, 40)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "train", "--set", f"data={data}", "--set", "val_data=null",
           "--set", "generator_preset=tiny", "--set", "generator_overrides.hints=true",
           "--set", "generator_overrides.num_roles=11", "--set", "crop_size=32", "--set", "batch_size=2",
           "--set", "num_workers=0", "--set", "feature_net=none", "--set", "loss_feature=0",
           "--dry-run", "--out", str(tmp_path / "dry")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "generator input: (2, 39, 32, 32)" in r.stdout and "g_role" in r.stdout

    cfg = tiny_config(data, steps=2, generator_overrides={"hints": True, "num_roles": 11}, hint_swap_prob=0.5)
    losses = train(cfg, tmp_path / "run", progress=False)
    assert "g_role" in losses
    folder = export(run=tmp_path / "run", out=tmp_path / "weights")
    card = (folder / "README.md").read_text()
    assert "role cross-entropy x" in card and "semantic slots" in card and "hint planes" in card
    assert "moved a whole part" in card                      # the hint swaps are on the card
    c = Colorizer.from_pretrained(folder, use_hub=False, backend="torch")
    assert c.semantic and c.cfg.in_channels == 39
    im = Image.new("RGB", (64, 64), "white")
    ImageDraw.Draw(im).rectangle((10, 10, 50, 50), outline="black", width=2)
    res = c(im, palette="#ffffff,#e0a080,#402020", hints=[(30, 30, 2)], size=64)
    assert (res.slots[14:46, 14:46] == 2).all()
    assert (np.asarray(res.base)[14:46, 14:46] == (0x40, 0x20, 0x20)).all()


def test_hint_swap_options_are_checked():
    for bad in ({"hint_swap_prob": 1.5}, {"hint_swap_prob": -0.1}, {"hint_swap_max": 0}):
        with pytest.raises(ValueError, match="hint_swap"):
            TrainConfig(**bad).validate()
    assert TrainConfig(hint_swap_prob=0.5, hint_swap_max=2).validate().hint_swap_max == 2


def test_role_weights_are_checked_and_reach_the_loss():
    with pytest.raises(ValueError, match="unknown roles"):
        TrainConfig(role_weights={"hat": 2.0}).validate()
    with pytest.raises(ValueError, match="non-negative"):
        TrainConfig(role_weights={"eye": -1.0}).validate()
    from colorizer.roles import ROLE_INDEX
    from train.model import Pix2PixModel

    cfg = TrainConfig(generator_preset="tiny", generator_overrides={"hints": True, "num_roles": len(ROLE_INDEX)},
                      feature_net="none", loss_feature=0.0, role_weights={"eye": 2.5}).validate()
    w = Pix2PixModel(cfg).role_weight
    assert float(w[ROLE_INDEX["eye"]]) == 2.5 and float(w[ROLE_INDEX["hair"]]) == 1.0
