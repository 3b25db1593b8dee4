"""Export a run's EMA generator as shippable weights with a model card.

    python -m train.export --run runs/NAME [--checkpoint FILE] --out weights/ [--eval-table FILE]

Writes ``config.json`` + fp16 ``model.safetensors`` (colorizer.weights.save_pretrained)
and ``README.md``: licence, data sources (from the corpus's licence manifest when
found), training steps / hardware / time from the checkpoint, and an evaluation
table copied from a markdown file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from colorizer.config import GeneratorConfig
from colorizer.generator import Generator, count_parameters
from colorizer.weights import save_pretrained

from . import checkpoint as ckpt
from .config import TrainConfig, resolve_palette_mode

LICENCE_FILES = ("LICENSES.csv", "LICENSES.md", "LICENCES.md", "licenses.json", "licences.json", "LICENSES.json", "SOURCES.md")


def ema_generator(state: dict) -> Generator:
    """The EMA generator of a checkpoint, in fp32, eval mode."""
    g = Generator(GeneratorConfig.from_dict(state["generator_config"]))
    g.load_state_dict(state["model"]["G_ema"], strict=True)
    return g.eval()


def find_licence_manifest(data: str | Path | None) -> Path | None:
    """A licence/sources manifest beside or above the training data, if any."""
    if not data:
        return None
    p = Path(data)
    for folder in [p if p.is_dir() else p.parent, *p.parents][:3]:
        for name in LICENCE_FILES:
            if (folder / name).is_file():
                return folder / name
    return None


def _licence_csv(path: Path) -> list[str]:
    """Count the pairs of a LICENSES.csv (split, source, item_id, licence, attribution, url) per source/licence."""
    import csv
    from collections import Counter

    with path.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("split") != "test"]
    counts = Counter((r.get("source", "?"), r.get("licence", "?")) for r in rows)
    out = [f"\nSources and licences of the {len(rows):,} train/val pairs (from `{path.name}`, which "
           "also holds the per-item attributions required by the licences):\n",
           "| source | licence | pairs |", "|---|---|---|"]
    out += [f"| {s} | {lic} | {n:,} |" for (s, lic), n in sorted(counts.items())]
    return out


def _data_section(cfg: TrainConfig) -> str:
    data = cfg.data.path
    manifest = find_licence_manifest(data)
    if manifest is None and data and Path(data).is_file() and Path("data/LICENSES.csv").is_file():
        manifest = Path("data/LICENSES.csv")  # a pack built from the repository's data/ folder
    lines = [f"Trained on `{data}` (layout: {cfg.data.layout or 'auto-detected'}). "
             "The frozen test split of the corpus (train/data/test_manifest.json) was never read in training."]
    if manifest is None:
        lines.append("\nNo licence manifest was found beside the training data; see the repository's "
                     "`train/data` documentation for the sources and their licences.")
    elif manifest.suffix == ".csv":
        lines += _licence_csv(manifest)
    elif manifest.suffix == ".json":
        try:
            d = json.loads(manifest.read_text())
            lines.append(f"\nSources and licences (from `{manifest.name}`):\n")
            items = d.items() if isinstance(d, dict) else enumerate(d)
            for k, v in list(items)[:50]:
                lines.append(f"- {k}: {v if not isinstance(v, (dict, list)) else json.dumps(v)[:200]}")
        except json.JSONDecodeError:
            lines.append(f"\nSee `{manifest}` for the sources and licences.")
    else:
        lines.append(f"\nSources and licences (from `{manifest.name}`):\n\n" + manifest.read_text().strip())
    return "\n".join(lines)


def weights_lineage(folder: str | Path) -> dict:
    """What a weights folder was trained from, for the model card of weights started from it
    (``--init-from``): its path and the bullet list of its own model card's Training section."""
    folder = Path(folder)
    lines: list[str] = []
    card = folder / "README.md"
    if card.is_file():
        inside = False
        for line in card.read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                inside = line.strip() == "## Training"
                continue
            if inside and line.strip():
                lines.append(line.rstrip())
    return {"path": str(folder), "training": lines}


def _parent_lines(parent: dict | None) -> list[str]:
    if not parent:
        return []
    out = [f"- initialised from the weights in `{parent['path']}`, which were trained as follows:"]
    out += ["  " + line for line in parent.get("training", [])] or ["  - (no model card found)"]
    return out


def _semantic_lines(cfg: TrainConfig, gcfg: GeneratorConfig) -> list[str]:
    """What the palette slots mean and what the network takes, from the run's options."""
    aug = cfg.augment
    mode = resolve_palette_mode(cfg.data.palette_mode, gcfg.num_roles, gcfg.palette_size)
    if mode == "slots":
        out = ["- palette: semantic slots (slot k = the main colour of role k in the part labels: background, "
               "skin, hair, eyes, top, bottom, outer, accessory, eye whites & mouth), with role-by-role "
               "recolouring augmentation"]
    else:
        out = ["- palette: K-means of the target itself, with per-cluster recolouring augmentation"]
    if gcfg.num_roles:
        out.append(f"- role head: {gcfg.num_roles} part roles per pixel (colorizer.roles); the pipeline fills "
                   "each line-enclosed region with its role's slot colour and segments references with it"
                   + f"; {aug.reference_input_prob} of the samples had the colour picture as input")
    if gcfg.hints:
        out.append(f"- hint planes: click hints (x, y, slot) on {aug.hint_prob} of the labelled samples, "
                   f"up to {aug.hint_max} per picture"
                   + (f"; in {aug.hint_swap_prob} of those, 1-{aug.hint_swap_max} hints moved a "
                      "whole part to a slot the picture lacks (only the hints tell: the network must spread a "
                      "click over the part)"
                      if aug.hint_swap_prob else ""))
    return out


def model_card(state: dict, eval_table: str | None = None) -> str:
    cfg = TrainConfig.from_dict(state["config"], strict=False)  # also the flat configs of older runs
    g = ema_generator(state)
    minutes = float(state.get("train_seconds", 0.0)) / 60
    world = int(state.get("world_size", 1))
    batch = cfg.schedule.batch_size * world
    m, loss, sched, aug = cfg.model, cfg.loss, cfg.schedule, cfg.augment
    parts = [
        "---",
        "license: mit",
        "library_name: pytorch",
        "tags: [image-to-image, colorization, anime, sketch]",
        "---",
        "",
        "# Anime Sketch Colorizer weights",
        "",
        "Colours line art with a 9-colour reference palette (attention U-Net generator with weight-"
        "standardised residual blocks, palette conditioning and noise injection"
        + ("; a role head for semantic palette slots" if g.cfg.num_roles else "")
        + ("; click-hint planes" if g.cfg.hints else "") + "). Load with:",
        "",
        "```python",
        "from colorizer import Colorizer",
        "model = Colorizer.from_pretrained('path/to/this/folder')",
        "result = model('sketch.png', reference='reference.png')",
        "```",
        "",
        "## Training",
        "",
        f"- generator: preset `{m.generator_preset}` {m.generator_overrides or ''}, "
        f"{count_parameters(g):,} parameters; these are the EMA weights (decay {m.ema_decay}), stored in fp16",
        f"- steps: {state['model']['step']:,} at batch {batch} ({cfg.data.crop_size} px crops)",
        f"- hardware: {state.get('hardware', 'unknown')}; training time {minutes:.1f} min",
        f"- losses: LSGAN x {loss.adv.weight}, L1 x {loss.l1.weight}, feature ({loss.feature.net}) x "
        f"{loss.feature.weight}, TV x {loss.tv.weight}"
        + (f", role cross-entropy x {loss.role.weight}" if g.cfg.num_roles else "")
        + (" (role weights " + ", ".join(f"{k} {v}" for k, v in loss.role.per_role.items()) + ")"
           if g.cfg.num_roles and loss.role.per_role else "")
        + f"; Adam lr G {sched.lr_g} / D {sched.lr_d}",
        *_semantic_lines(cfg, g.cfg),
        f"- augmentation: scale {aug.scale_min}-{aug.scale_max}, flips, line width changes, "
        f"per-cluster recolouring (p {aug.recolor_prob}), global hue shift (p {aug.hue_shift_prob})",
        *_parent_lines(state.get("parent")),
        "",
        "## Data",
        "",
        _data_section(cfg),
        "",
    ]
    if eval_table:
        parts += ["## Evaluation", "", eval_table.strip(), ""]
    parts += ["## Licence", "",
              "Code and weights: MIT (see the repository's LICENSE). The training data keep their own "
              "licences listed above.", ""]
    return "\n".join(parts)


def export(run: str | Path | None = None, checkpoint: str | Path | None = None, out: str | Path = "weights",
           eval_table: str | Path | None = None, parent: str | Path | None = None) -> Path:
    """Write config.json, model.safetensors (fp16) and README.md to ``out``. ``parent``:
    the weights folder the run was initialised from, when the checkpoint does not record
    it (runs started before the trainer kept it)."""
    if checkpoint is None:
        if run is None:
            raise ValueError("give --run or --checkpoint")
        found = ckpt.find_resumable(Path(run) / "checkpoints")  # the newest whole one
        if found is None:
            raise FileNotFoundError(f"no readable checkpoint in {Path(run) / 'checkpoints'}")
        checkpoint, state = found
    else:
        state = ckpt.load_checkpoint(checkpoint)
    if parent is not None:
        state["parent"] = weights_lineage(parent)   # read before ``out`` (maybe the same folder) is written
    g = ema_generator(state)
    meta = {"step": state["model"]["step"], "source_checkpoint": Path(checkpoint).name,
            "hardware": state.get("hardware", "")}
    out = save_pretrained(g, out, dtype=torch.float16, metadata=meta)
    table = Path(eval_table).read_text() if eval_table else None
    (out / "README.md").write_text(model_card(state, table))
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m train.export", description=__doc__.split("\n")[0])
    p.add_argument("--run", help="run folder (its latest checkpoint is exported)")
    p.add_argument("--checkpoint", help="a specific checkpoint file")
    p.add_argument("--out", default="weights", help="output folder")
    p.add_argument("--eval-table", help="markdown file inserted as the model card's evaluation section")
    p.add_argument("--parent", help="weights folder the run was initialised from (--init-from), for runs "
                                    "whose checkpoints do not record it")
    a = p.parse_args(argv)
    out = export(a.run, a.checkpoint, a.out, a.eval_table, a.parent)
    print(f"wrote {out}: {', '.join(sorted(f.name for f in out.iterdir()))}")


if __name__ == "__main__":
    main()
