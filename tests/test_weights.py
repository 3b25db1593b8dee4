import json
from pathlib import Path

import numpy as np
import pytest
import torch

from colorizer import weights as W
from colorizer.config import preset
from colorizer.errors import WeightsError
from colorizer.generator import Generator


def _tiny(tmp_path: Path, dtype=torch.float32) -> tuple[Generator, Path]:
    torch.manual_seed(0)
    g = Generator(preset("tiny"))
    return g, W.save_pretrained(g, tmp_path / "w", dtype=dtype)


def test_round_trip_is_bit_exact(tmp_path):
    g, folder = _tiny(tmp_path)
    g2 = W.load_generator(folder)
    for (k, a), (_, b) in zip(g.state_dict().items(), g2.state_dict().items()):
        assert torch.equal(a, b), k
    assert json.loads((folder / "config.json").read_text())["_class_name"] == "Generator"


def test_fp16_on_disk(tmp_path):
    from safetensors.torch import load_file
    _, folder = _tiny(tmp_path, torch.float16)
    assert all(v.dtype == torch.float16 for v in load_file(folder / "model.safetensors").values())


def test_mismatched_config_is_rejected_clearly(tmp_path):
    _, folder = _tiny(tmp_path)
    cfg = json.loads((folder / "config.json").read_text())
    cfg["base_channels"] = 8
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(WeightsError, match="do not match its config.json"):
        W.load_generator(folder)


def test_unknown_config_field(tmp_path):
    _, folder = _tiny(tmp_path)
    cfg = json.loads((folder / "config.json").read_text())
    cfg["depth"] = 3
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(WeightsError, match="depth"):
        W.load_generator(folder)


def test_pickle_is_refused(tmp_path):
    _, folder = _tiny(tmp_path)
    torch.save(Generator(preset("tiny")).state_dict(), folder / "model.safetensors")
    with pytest.raises(WeightsError, match="safetensors"):
        W.load_generator(folder)


def test_nan_weights_are_refused(tmp_path):
    g, _ = _tiny(tmp_path)
    with torch.no_grad():
        g.stem.weight[0, 0, 0, 0] = float("nan")
    folder = W.save_pretrained(g, tmp_path / "nan")
    with pytest.raises(WeightsError, match="NaN"):
        W.load_generator(folder)


def test_lookup_order(tmp_path, monkeypatch):
    _, folder = _tiny(tmp_path)
    other = W.save_pretrained(Generator(preset("tiny")), tmp_path / "other")
    monkeypatch.setenv(W.ENV_VAR, str(other))
    assert W.resolve_weights(folder) == folder                       # explicit wins
    assert W.resolve_weights(folder / "model.safetensors") == folder  # a file names its folder
    assert W.resolve_weights() == other                              # then the env var
    monkeypatch.delenv(W.ENV_VAR)
    monkeypatch.setattr(W, "REPO_WEIGHTS", folder)
    assert W.resolve_weights() == folder                             # then weights/
    with pytest.raises(WeightsError, match="does not exist"):
        W.resolve_weights(tmp_path / "missing")


def test_hub_fallback_reads_the_local_hub_cache(tmp_path, monkeypatch):
    """The Hub step, offline: a pinned revision found in a local huggingface_hub cache."""
    g, folder = _tiny(tmp_path)
    cache = tmp_path / "hub"
    repo_dir = cache / ("models--" + W.HUB_REPO.replace("/", "--"))
    commit = "0123456789abcdef0123456789abcdef01234567"
    snap = repo_dir / "snapshots" / commit
    snap.mkdir(parents=True)
    for name in ("config.json", "model.safetensors"):
        (snap / name).write_bytes((folder / name).read_bytes())
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / W.HUB_REVISION).write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(W.ENV_VAR, raising=False)
    monkeypatch.setattr(W, "REPO_WEIGHTS", tmp_path / "no-weights-here")
    import huggingface_hub.constants as C
    monkeypatch.setattr(C, "HF_HUB_CACHE", str(cache), raising=False)
    monkeypatch.setattr(C, "HF_HUB_OFFLINE", True, raising=False)
    found = W.resolve_weights()
    assert found.resolve() == snap.resolve()
    assert torch.equal(W.load_generator(found).stem.weight, g.stem.weight)


def test_nothing_found_says_how_to_get_weights(tmp_path, monkeypatch):
    monkeypatch.delenv(W.ENV_VAR, raising=False)
    monkeypatch.setattr(W, "REPO_WEIGHTS", tmp_path / "none")
    with pytest.raises(WeightsError, match="train your own"):
        W.resolve_weights(use_hub=False)


def test_semantic_preset_round_trip(tmp_path):
    """Hint planes and the role head are saved in config.json and come back exactly."""
    torch.manual_seed(0)
    g = Generator(preset("tiny", hints=True, num_roles=11))
    folder = W.save_pretrained(g, tmp_path / "s", dtype=torch.float32)
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["hints"] is True and cfg["num_roles"] == 11
    g2 = W.load_generator(folder)
    assert g2.cfg == g.cfg and g2.cfg.in_channels == 39 and g2.role_head is not None
    for (k, a), (_, b) in zip(g.state_dict().items(), g2.state_dict().items()):
        assert torch.equal(a, b), k
    # a config that says "no role head" cannot load weights that have one
    cfg["num_roles"] = 0
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(WeightsError, match="unexpected"):
        W.load_generator(folder)


def test_old_config_without_the_new_fields_is_the_30_channel_model(tmp_path):
    _, folder = _tiny(tmp_path)
    cfg = json.loads((folder / "config.json").read_text())
    for k in ("hints", "num_roles"):
        cfg.pop(k)
    (folder / "config.json").write_text(json.dumps(cfg))
    g = W.load_generator(folder)
    assert not g.cfg.hints and g.cfg.num_roles == 0 and g.cfg.in_channels == 30


def test_shipped_weights_load_and_colour_by_slot():
    """weights/ holds the semantic-slot model: it loads strictly, and a flat colouring paints
    every region in one of the palette's slot colours exactly (before the line overlay)."""
    if not (W.REPO_WEIGHTS / W.WEIGHTS_NAME).is_file():
        pytest.skip("weights/ is not in this checkout")
    from PIL import Image, ImageDraw

    from colorizer import Colorizer, Palette

    g = W.load_generator(W.REPO_WEIGHTS)
    assert g.cfg.hints and g.cfg.num_roles == 11 and g.inference["size"] == 256
    c = Colorizer(g, device="cpu", backend="torch", weights_id="weights/")
    assert c.semantic
    im = Image.new("RGB", (96, 80), "white")
    ImageDraw.Draw(im).ellipse((12, 8, 84, 72), outline="black", width=2)
    pal = Palette.from_hex("#ffffff,#f0c8a0,#c03030,#3050c0,#30a050,#e0c030,#803080,#e070b0,#f8f8f8")
    r = c(im, palette=pal, seed=0, keep_lines=False, cel_shading=False)
    assert r.slots is not None and r.slots.shape == (80, 96)
    inside = np.asarray(r.image)[30:50, 35:60].reshape(-1, 3)
    assert any((inside == col).all(axis=1).mean() > 0.95 for col in pal.colors)   # one exact slot colour
    r2 = c(im, palette=pal, seed=0, keep_lines=False, cel_shading=False, hints=[(48, 40, 2)])
    assert r2.slots[40, 48] == 2 and (np.asarray(r2.image)[40, 48] == pal.colors[2]).all()   # the pin holds


def test_pre_slot_weights_still_load_and_refuse_hints(tmp_path):
    """Weights of the pre-slot ``v1`` architecture (30 input channels, no role head) keep loading."""
    from PIL import Image, ImageDraw

    from colorizer import Colorizer, Generator, preset
    from colorizer.hints import HintError

    folder = W.save_pretrained(Generator(preset("v1")), tmp_path / "v1")
    g = W.load_generator(folder)
    assert not g.cfg.hints and g.cfg.num_roles == 0 and g.cfg.in_channels == 30
    c = Colorizer(g, device="cpu", backend="torch")
    assert not c.semantic
    im = Image.new("RGB", (80, 64), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 70, 58), outline="black", width=2)
    r = c(im, palette="#ffffff,#e05050", size=64, seed=0)
    assert r.image.size == (80, 64) and r.slots is None
    with pytest.raises(HintError, match="no role head"):
        c(im, hints=[(40, 32, 2)], size=64)
