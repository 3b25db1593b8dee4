"""Command lines: python -m train --dry-run, config overrides, publish --dry-run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from _train_helpers import make_labelled_pairs, make_pairs, tiny_args, tiny_config
from train.config import TrainConfig, load_config
from train.publish import publish, validate_folder

REPO = Path(__file__).resolve().parent.parent


def test_overrides_take_dotted_paths_and_the_flat_names_of_older_configs(capsys):
    cfg = load_config(REPO / "train/configs/cpu.yaml", ["schedule.batch_size=7",
                                                       "model.generator_overrides.base_channels=32",
                                                       "schedule.max_minutes=null", "loss.role.weight=3"])
    assert cfg.schedule.batch_size == 7 and cfg.model.generator_overrides == {"base_channels": 32}
    assert cfg.schedule.max_minutes is None and cfg.loss.role.weight == 3.0
    assert cfg.data.crop_size == 128  # the rest of the file stays
    # YAML 1.1 reads 1e-4 as a string
    assert load_config(None, ["loss.feature.weight=1e-4"]).loss.feature.weight == 1e-4
    flat = load_config(REPO / "train/configs/cpu.yaml", ["batch_size=7", "loss_role=3", "data=/x",
                                                        "generator_overrides.base_channels=32"])
    assert flat.schedule.batch_size == 7 and flat.loss.role.weight == 3.0 and flat.data.path == "/x"
    assert flat.model.generator_overrides == {"base_channels": 32} and flat.data.crop_size == 128
    assert "loss_role is loss.role.weight" in capsys.readouterr().err
    for bad in ("no_such_option=1", "schedule.no_such_option=1", "schedule=3", "schedule.lr_g.x=1"):
        with pytest.raises(ValueError):
            load_config(None, [bad])


@pytest.mark.integration  # a training process
def test_dry_run_cli(tmp_path):
    data = make_pairs(tmp_path / "data", 2, 40)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "train", "--config", str(REPO / "train/configs/cpu.yaml"),
           "--set", f"data.path={data}", "--set", "data.val_path=null", "--set", "model.generator_preset=tiny",
           "--set", "data.crop_size=32", "--set", "schedule.batch_size=2", "--set", "compute.num_workers=0",
           "--set", "loss.feature.net=tiny-random", "--set", "loss.feature.weight=1e-4",
           "--dry-run", "--out", str(tmp_path / "run")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    for text in ("parameters G", "parameters D", "generator input: (2, 30, 32, 32)", "g_l1", "g_adv",
                 "g_tv", "g_feature", "d_total", "(weight 0.0001)", "resolved config:", "  crop_size: 32",
                 "  generator_preset: tiny"):
        assert text in r.stdout
    assert not (tmp_path / "run").exists()  # a dry run writes nothing


def test_resolved_config_saved(tmp_path):
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), {"schedule.steps": 1})
    train(cfg, tmp_path / "run", progress=False)
    saved = json.loads((tmp_path / "run" / "train_config.json").read_text())
    assert saved["schedule"]["steps"] == 1 and saved["loss"]["l1"]["weight"] == 100.0
    assert TrainConfig.from_dict(saved) == cfg
    assert load_config(tmp_path / "run" / "train_config.json") == cfg


def test_publish_dry_run(tmp_path, capsys):
    from train.export import export
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), {"schedule.steps": 1})
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


@pytest.mark.integration  # signals to a training process
def test_sigterm_and_time_budget_end_with_a_checkpoint(tmp_path):
    import signal
    import time

    data = make_pairs(tmp_path / "data", 2, 32)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    base = [sys.executable, "-m", "train", *tiny_args(data, {
        "run.checkpoint_every": 100000, "run.sample_every": 0, "schedule.steps": 100000}), "--no-progress"]
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

    r = subprocess.run(base + ["--set", "schedule.max_minutes=0.001", "--out", str(tmp_path / "budget")],
                       capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "time budget" in r.stderr
    # The budget (60 ms) is checked after each step: it ends after one or a few steps, with one checkpoint.
    saved = [p.name for p in (tmp_path / "budget" / "checkpoints").glob("*.pt")]
    assert len(saved) == 1 and 1 <= int(saved[0][len("checkpoint-"):-3]) <= 5, saved


@pytest.mark.integration  # signals to a training process
def test_a_signal_to_the_whole_process_group_still_ends_with_a_checkpoint(tmp_path):
    """Ctrl-C in a terminal, ``timeout`` or a scheduler signal every process of the group, the
    data-loading workers too: the trainer, not a dying worker, must decide how the run ends."""
    import signal
    import time

    data = make_pairs(tmp_path / "data", 4, 32)
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "train", *tiny_args(data, {
        "compute.num_workers": 1, "run.checkpoint_every": 100000, "run.sample_every": 0, "schedule.steps": 100000}),
        "--no-progress", "--out", str(tmp_path / "run")]
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
    train(tiny_config(data, {"schedule.steps": 1}), tmp_path / "run1", progress=False)
    first = export(run=tmp_path / "run1", out=tmp_path / "w1")
    assert "initialised from" not in (first / "README.md").read_text()
    # a run started from those weights carries their training section into its own card
    train(tiny_config(data, {"schedule.steps": 1, "data.crop_size": 24}), tmp_path / "run2", init_from=str(first),
          progress=False)
    card = export(run=tmp_path / "run2", out=tmp_path / "w2").joinpath("README.md").read_text()
    assert f"initialised from the weights in `{first}`" in card
    assert "  - steps: 1 at batch 2 (32 px crops)" in card and "- steps: 1 at batch 2 (24 px crops)" in card
    # --parent supplies it for checkpoints that predate the record
    card = export(run=tmp_path / "run1", out=tmp_path / "w3", parent=first).joinpath("README.md").read_text()
    assert "initialised from" in card


@pytest.mark.integration  # a training process
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
    cmd = [sys.executable, "-m", "train", *tiny_args(data), "--set", "model.generator_overrides.hints=true",
           "--set", "model.generator_overrides.num_roles=11", "--dry-run", "--out", str(tmp_path / "dry")]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "generator input: (2, 39, 32, 32)" in r.stdout and "g_role" in r.stdout

    cfg = tiny_config(data, {"schedule.steps": 2, "model.generator_overrides": {"hints": True, "num_roles": 11},
                             "augment.hint_swap_prob": 0.5})
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
    for bad in ({"augment.hint_swap_prob": 1.5}, {"augment.hint_swap_prob": -0.1}, {"augment.hint_swap_max": 0}):
        with pytest.raises(ValueError, match="hint_swap"):
            TrainConfig().updated(bad)
    assert TrainConfig().updated({"augment.hint_swap_prob": 0.5, "augment.hint_swap_max": 2}).augment.hint_swap_max == 2


def test_role_weights_are_checked_and_reach_the_loss():
    with pytest.raises(ValueError, match="unknown roles"):
        TrainConfig().updated({"loss.role.per_role": {"hat": 2.0}})
    with pytest.raises(ValueError, match="non-negative"):
        TrainConfig().updated({"loss.role.per_role": {"eye": -1.0}})
    from colorizer.roles import ROLE_INDEX
    from train.model import Pix2PixModel

    cfg = TrainConfig().updated({"model.generator_preset": "tiny", "loss.feature.net": "none",
                                 "model.generator_overrides": {"hints": True, "num_roles": len(ROLE_INDEX)},
                                 "loss.feature.weight": 0.0, "loss.role.per_role": {"eye": 2.5}})
    w = Pix2PixModel(cfg).loss.role_weight
    assert float(w[ROLE_INDEX["eye"]]) == 2.5 and float(w[ROLE_INDEX["hair"]]) == 1.0


def test_dry_run_in_process_prints_the_resolved_blocks_and_each_term(tmp_path, capsys):
    from train.cli import main

    data = make_labelled_pairs(tmp_path / "data", 2, 40)
    main([*tiny_args(data), "--set", "model.generator_overrides={hints: true, num_roles: 11}",
          "--set", "loss.role.weight=7", "--dry-run", "--out", str(tmp_path / "run")])
    out = capsys.readouterr().out
    for text in ("resolved config:", "loss:\n  adv:\n    weight: 1.0", "  role:\n    weight: 7.0",
                 "generator input: (2, 39, 32, 32)", "(weight 7)", "g_l1", "d_total"):
        assert text in out, text
    assert not (tmp_path / "run").exists()
