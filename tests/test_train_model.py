"""The training model: overfitting one pair, exact resume, EMA export round trip."""

import shutil

import pytest
import torch

from _train_helpers import make_pairs, tiny_config
from train import checkpoint as ckpt
from train.dataset import ColorizationDataset, build_dataset, collate
from train.export import export
from train.model import Pix2PixModel
from train.trainer import train


@pytest.mark.integration  # a 41-step training run
def test_overfits_a_single_pair(tmp_path):
    torch.manual_seed(0)
    cfg = tiny_config(make_pairs(tmp_path / "one", 1, 32), {
        "schedule.lr_g": 1e-2, "schedule.lr_d": 1e-4, "schedule.batch_size": 1,
        "loss.feature.net": "tiny-random", "loss.feature.weight": 1e-4})
    ds = ColorizationDataset(build_dataset(cfg).pairs, cfg, augment=False)
    batch = collate([ds[0]])
    model = Pix2PixModel(cfg)
    first = model.optimize_parameters(batch)["g_l1"]
    for _ in range(40):
        last = model.optimize_parameters(batch)
    print(f"overfit L1: {first:.4f} -> {last['g_l1']:.4f}")
    assert last["g_l1"] < 0.5 * first
    assert set(last) >= {"g_adv", "g_l1", "g_tv", "g_feature", "d_total"}


def test_resume_gives_the_same_next_steps(tmp_path):
    data = make_pairs(tmp_path / "data", 4, 40)
    opts = {"run.checkpoint_every": 2, "augment.scale_max": 1.3, "augment.recolor_prob": 1.0}
    cfg = tiny_config(data, {"schedule.steps": 4, **opts})
    train(cfg, tmp_path / "straight", progress=False)
    cfg2 = tiny_config(data, {"schedule.steps": 2, **opts})
    train(cfg2, tmp_path / "stopped", progress=False)
    train(cfg, tmp_path / "stopped", resume=True, progress=False)
    a = ckpt.load_checkpoint(ckpt.latest_checkpoint(tmp_path / "straight" / "checkpoints"))
    b = ckpt.load_checkpoint(ckpt.latest_checkpoint(tmp_path / "stopped" / "checkpoints"))
    assert a["model"]["step"] == b["model"]["step"] == 4
    for part in ("G", "D", "G_ema"):
        for k, v in a["model"][part].items():
            torch.testing.assert_close(v, b["model"][part][k], rtol=1e-5, atol=1e-6, msg=f"{part}.{k}")


def test_export_matches_trainer_ema(tmp_path):
    from colorizer import Colorizer

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), {"schedule.steps": 3, "run.checkpoint_every": 3})
    train(cfg, tmp_path / "run", progress=False)
    state = ckpt.load_checkpoint(ckpt.latest_checkpoint(tmp_path / "run" / "checkpoints"))
    folder = export(run=tmp_path / "run", out=tmp_path / "weights")
    assert {"config.json", "model.safetensors", "README.md"} <= {p.name for p in folder.iterdir()}
    assert "steps: 3" in (folder / "README.md").read_text()

    model = Pix2PixModel(cfg)
    model.load_state_dict(state["model"])
    sketch, palette = torch.rand(1, 3, 32, 32) * 2 - 1, torch.rand(1, 27) * 2 - 1
    ours = model.generate(sketch, palette, noise_mode="const")
    shipped = Colorizer.from_pretrained(folder, device="cpu", use_hub=False)
    theirs = shipped.run(sketch, palette, noise="const").rgb
    torch.testing.assert_close(theirs, ours, atol=2e-2, rtol=0)

    # Fine-tuning from exported weights starts G and EMA there.
    m2 = Pix2PixModel(cfg)
    m2.init_from(folder)
    torch.testing.assert_close(m2.generate(sketch, palette, noise_mode="const"), theirs, atol=1e-6, rtol=0)
    shutil.rmtree(tmp_path / "run")
