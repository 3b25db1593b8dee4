"""Training options: nested blocks, YAML bases, every shipped YAML resolving to the values it had
before the blocks, the flat names of older runs, loss blocks."""

import dataclasses
import inspect
import json
import re
from pathlib import Path

import pytest
import torch
import yaml

from _train_helpers import make_pairs, tiny_config
from train import config as C
from train.config import FLAT_NAMES, LossConfig, TrainConfig, load_config
from train.losses import GeneratorLoss, GeneratorStep

REPO = Path(__file__).resolve().parent.parent
CONFIGS = sorted((REPO / "train" / "configs").glob("*.yaml"))
# The resolved options of every YAML as the flat TrainConfig (66 options) had them before the blocks.
BEFORE = json.loads((Path(__file__).parent / "train_configs_before_blocks.json").read_text())


def _flat(cfg: TrainConfig) -> dict:
    """A config as the flat dict an older run recorded."""
    nested = cfg.to_dict()
    out = {}
    for name, path in FLAT_NAMES.items():
        node = nested
        for k in path.split("."):
            node = node[k]
        out[name] = node
    return out


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_every_yaml_resolves(path):
    cfg = load_config(path)
    assert isinstance(cfg, TrainConfig)
    if path.stem in BEFORE:  # the same values as before the blocks
        assert cfg == TrainConfig.from_dict(BEFORE[path.stem])
        assert _flat(cfg) == BEFORE[path.stem]


def test_yamls_state_only_what_differs_from_their_base():
    for path in CONFIGS:
        raw = yaml.safe_load(path.read_text())
        base = raw.pop("base", None)
        if base is None:
            continue
        parent = C.read_config_file(path.parent / base)
        resolved = TrainConfig.from_dict(parent).to_dict()

        def walk(node, ref, where):
            for k, v in node.items():
                if isinstance(v, dict) and isinstance(ref.get(k), dict) and k not in ("per_role", "source_repeat",
                                                                                     "sketch_styles",
                                                                                     "generator_overrides"):
                    walk(v, ref[k], f"{where}{k}.")
                else:
                    assert v != ref.get(k), f"{path.name}: {where}{k} repeats its base's value {v!r}"
        walk(raw, resolved, "")


def test_flat_names_are_the_options_of_the_flat_config():
    assert set(FLAT_NAMES) == set(BEFORE["cpu"])
    leaves = set(C._leaf_paths(TrainConfig))
    assert set(FLAT_NAMES.values()) <= leaves
    assert len(set(FLAT_NAMES.values())) == len(FLAT_NAMES)


def test_base_chain_merges_blocks_and_replaces_fields(tmp_path):
    (tmp_path / "a.yaml").write_text("loss:\n  role: {weight: 7, per_role: {eye: 2.0, hair: 3.0}}\n"
                                     "schedule: {lr_g: 1.0e-3, steps: 10}\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("base: ../a.yaml\nloss:\n  role: {per_role: {eye: 1.5}}\n"
                                             "schedule: {steps: 20}\n")
    cfg = load_config(tmp_path / "sub" / "b.yaml")
    assert cfg.loss.role.weight == 7 and cfg.loss.role.per_role == {"eye": 1.5}  # a mapping field is replaced
    assert cfg.schedule.lr_g == 1e-3 and cfg.schedule.steps == 20                 # a block is merged
    (tmp_path / "a.yaml").write_text("base: sub/b.yaml\n")
    with pytest.raises(ValueError, match="loop"):
        load_config(tmp_path / "sub" / "b.yaml")
    (tmp_path / "c.yaml").write_text("base: nowhere.yaml\n")
    with pytest.raises(FileNotFoundError):
        load_config(tmp_path / "c.yaml")
    (tmp_path / "d.yaml").write_text("schedule: {lr_g: fast}\n")
    with pytest.raises(ValueError, match="schedule.lr_g"):
        load_config(tmp_path / "d.yaml")


def test_every_option_is_commented_where_it_is_declared():
    source = inspect.getsource(C)
    blocks = [C.DataConfig, C.AugmentConfig, C.ModelConfig, C.AdvLoss, C.L1Loss, C.TVLoss, C.FeatureLoss,
              C.RoleLoss, C.LossConfig, C.ScheduleConfig, C.ComputeConfig, C.RunConfig]
    for block in blocks:
        body = inspect.getsource(block).splitlines()
        for f in dataclasses.fields(block):
            i = next(n for n, line in enumerate(body) if re.match(rf"\s+{f.name}: ", line))
            above = body[i - 1].strip()
            j = i - 1  # a field declared right after another shares its comment (scale_min / scale_max)
            while not above.startswith("#") and re.match(r"\w+: ", above) and j > 0:
                j -= 1
                above = body[j].strip()
            assert above.startswith("#") or "#" in body[i], f"{block.__name__}.{f.name} has no comment"
    assert len(source.splitlines()) < 600


def test_a_run_of_before_the_blocks_resumes_and_exports(tmp_path):
    """An older run folder: train_config.json and the checkpoints' config hold the flat options."""
    from train import checkpoint as ckpt
    from train.cli import main
    from train.export import export
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), {"schedule.steps": 2, "loss.tv.weight": 0.05})
    run = tmp_path / "run"
    train(cfg, run, progress=False)
    (run / "train_config.json").write_text(json.dumps(_flat(cfg)))
    path, state = ckpt.find_resumable(run / "checkpoints")
    state["config"] = _flat(cfg)
    ckpt.save_checkpoint(state, run / "checkpoints", 2)
    assert "loss_tv" in ckpt.load_checkpoint(path)["config"]
    main(["--resume", "--out", str(run), "--set", "schedule.steps=3", "--no-progress"])
    resumed = ckpt.find_resumable(run / "checkpoints")[1]
    assert resumed["model"]["step"] == 3 and resumed["config"]["loss"]["tv"]["weight"] == 0.05
    card = export(checkpoint=path, out=tmp_path / "w").joinpath("README.md").read_text()
    assert "TV x 0.05" in card and "- steps: 2 at batch 2 (32 px crops)" in card


def test_resume_auto_starts_then_continues(tmp_path):
    from train.trainer import train

    data = make_pairs(tmp_path / "data", 2, 32)
    with pytest.raises(FileNotFoundError):
        train(tiny_config(data, {"schedule.steps": 2}), tmp_path / "run", resume=True, progress=False)
    train(tiny_config(data, {"schedule.steps": 2}), tmp_path / "run", resume="auto", progress=False)
    assert (tmp_path / "run" / "checkpoints" / "checkpoint-00000002.pt").is_file()
    train(tiny_config(data, {"schedule.steps": 3}), tmp_path / "run", resume="auto", progress=False)
    assert (tmp_path / "run" / "checkpoints" / "checkpoint-00000003.pt").is_file()


def test_optional_corpus_folders_are_used_where_they_exist(tmp_path, capsys):
    from train.dataset import build_dataset

    first, second = make_pairs(tmp_path / "a", 2, 32), make_pairs(tmp_path / "b", 3, 32, seed=1)
    for half in ("sketch", "color"):  # distinct pair ids
        for f in (second / half).iterdir():
            f.rename(f.with_name("b-" + f.name))
    opts = {"data.optional_paths": [str(tmp_path / "absent"), str(second)]}
    assert len(build_dataset(tiny_config(first, opts))) == 5
    assert "absent does not exist" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError):  # the main path is not optional
        build_dataset(tiny_config(tmp_path / "absent", opts))


def test_every_loss_block_has_its_term_and_weights_sum_the_terms():
    names = list(LossConfig().weights())
    assert names == ["adv", "l1", "tv", "feature", "role"]
    for name in names:
        assert callable(getattr(GeneratorLoss, name)), f"loss block {name} has no computation"
    torch.manual_seed(0)
    fake, target = torch.rand(1, 3, 8, 8), torch.rand(1, 3, 8, 8)
    step = GeneratorStep(torch.zeros(1, 3, 8, 8), target, fake, None, None, lambda s, x: torch.full((1, 1, 2, 2), 0.5))
    cfg = TrainConfig().updated({"loss.feature.weight": 0.0, "loss.tv.weight": 0.0, "loss.l1.weight": 10.0})
    loss = GeneratorLoss(cfg.loss)
    terms = loss.terms(step)
    assert list(terms) == ["g_adv", "g_l1"]  # tv and feature off, role without role logits
    assert float(terms["g_adv"]) == pytest.approx(0.25)
    assert float(loss.total(terms)) == pytest.approx(0.25 + 10.0 * float((fake - target).abs().mean()))


def test_checkpoints_by_time(tmp_path):
    from train.trainer import train

    cfg = tiny_config(make_pairs(tmp_path / "data", 2, 32), {
        "schedule.steps": 3, "run.checkpoint_every": 0, "run.checkpoint_minutes": 1e-6, "run.keep_checkpoints": 0})
    train(cfg, tmp_path / "run", progress=False)
    assert sorted(p.name for p in (tmp_path / "run" / "checkpoints").glob("*.pt")) == [
        f"checkpoint-0000000{i}.pt" for i in (1, 2, 3)]
