"""Saving and finding generator weights: ``config.json`` + ``model.safetensors``.

Lookup order for :func:`resolve_weights`:
  1. an explicit path (a folder, or a ``.safetensors`` file beside a config.json),
  2. the ``COLORIZER_WEIGHTS`` environment variable,
  3. the ``colorizer/pretrained/`` folder shipped inside the package,
  4. a Hugging Face Hub repository at a pinned revision (through huggingface_hub,
     which also finds it in the local Hub cache when offline).
Loading is strict (every key and shape must match the config) and never
unpickles anything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from .config import GeneratorConfig
from .errors import WeightsError
from .generator import Generator

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
ENV_VAR = "COLORIZER_WEIGHTS"
REPO_WEIGHTS = Path(__file__).resolve().parent / "pretrained"
HUB_REPO = "anime-sketch-colorizer/colorizer-default"
# Pinned revision of HUB_REPO that this version of the library was tested with.
HUB_REVISION = "v0.1.0"

HOW_TO_GET = (
    "Pass a weights folder (config.json + model.safetensors), set COLORIZER_WEIGHTS, "
    "reinstall the package (it ships colorizer/pretrained/), or train your own with `python -m train` "
    "and export them with `python -m train.export`."
)


# Run-time defaults that belong to a set of weights, stored in config.json under "_inference".
INFERENCE_DEFAULTS = {"size": 256}  # size: the longer side the network runs at (its training scale)


def save_pretrained(model: Generator, folder: str | os.PathLike, dtype: torch.dtype = torch.float16,
                    metadata: dict | None = None, inference: dict | None = None) -> Path:
    """Write ``config.json`` (with ``inference`` defaults, e.g. ``{"size": 256}``) and
    ``model.safetensors`` (``dtype`` on disk)."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    inf = dict(INFERENCE_DEFAULTS, **(inference or getattr(model, "inference", None) or {}))
    cfg = dict(model.cfg.to_dict(), _class_name="Generator", _inference=inf)
    (folder / CONFIG_NAME).write_text(json.dumps(cfg, indent=2) + "\n")
    state = {k: v.detach().to("cpu", dtype).contiguous() for k, v in model.state_dict().items()}
    meta = {str(k): str(v) for k, v in (metadata or {}).items()}
    meta.setdefault("format", "pt")
    save_file(state, str(folder / WEIGHTS_NAME), metadata=meta)
    return folder


def _folder_of(path: Path) -> Path:
    return path.parent if path.is_file() else path


def _hub_folder() -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        return Path(snapshot_download(HUB_REPO, revision=HUB_REVISION,
                                      allow_patterns=[CONFIG_NAME, WEIGHTS_NAME, "README.md"]))
    except Exception:
        return None


def resolve_weights(path: str | os.PathLike | None = None, use_hub: bool = True) -> Path:
    """Return the folder holding the weights to use; see the module docstring."""
    if path is not None:
        p = Path(path).expanduser()
        if not p.exists():
            raise WeightsError(f"weights path {p} does not exist. {HOW_TO_GET}")
        return _folder_of(p)
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env).expanduser()
        if not p.exists():
            raise WeightsError(f"{ENV_VAR}={env} does not exist. {HOW_TO_GET}")
        return _folder_of(p)
    if (REPO_WEIGHTS / WEIGHTS_NAME).is_file():
        return REPO_WEIGHTS
    if use_hub:
        hub = _hub_folder()
        if hub is not None:
            return hub
    raise WeightsError(f"no colorizer weights found. {HOW_TO_GET}")


def load_config(folder: str | os.PathLike) -> GeneratorConfig:
    f = Path(folder) / CONFIG_NAME
    if not f.is_file():
        raise WeightsError(f"{f} is missing; a weights folder needs config.json and {WEIGHTS_NAME}")
    try:
        return GeneratorConfig.from_dict(json.loads(f.read_text()))
    except (json.JSONDecodeError, TypeError, ValueError) as e:
        raise WeightsError(f"{f} is not a valid generator config: {e}") from None


def load_inference_defaults(folder: str | os.PathLike) -> dict:
    """The run-time defaults stored with the weights (``INFERENCE_DEFAULTS`` where absent)."""
    f = Path(folder) / CONFIG_NAME
    try:
        d = json.loads(f.read_text()).get("_inference") or {}
    except (OSError, json.JSONDecodeError, AttributeError):
        d = {}
    out = dict(INFERENCE_DEFAULTS)
    if isinstance(d, dict):
        size = d.get("size")
        if isinstance(size, int) and 64 <= size <= 1024:
            out["size"] = size
    return out


def load_state_dict(file: str | os.PathLike) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    file = Path(file)
    if not file.is_file():
        raise WeightsError(f"{file} is missing. {HOW_TO_GET}")
    try:
        return load_file(str(file))
    except (SafetensorError, OSError, ValueError) as e:
        raise WeightsError(f"{file} is not a readable safetensors file ({e}). "
                           "Only safetensors weights are accepted, never pickles.") from None


def load_generator(folder: str | os.PathLike, dtype: torch.dtype = torch.float32) -> Generator:
    """Build the generator from ``config.json`` and load its weights strictly."""
    folder = Path(folder)
    cfg = load_config(folder)
    state = load_state_dict(folder / WEIGHTS_NAME)
    bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise WeightsError(f"{folder / WEIGHTS_NAME} holds NaN or infinite values in {', '.join(bad[:5])}")
    model = Generator(cfg)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    shapes = [f"{k}: file {tuple(state[k].shape)} vs config {tuple(expected[k].shape)}"
              for k in sorted(set(state) & set(expected)) if state[k].shape != expected[k].shape]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {', '.join(missing[:3])})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3])})")
        if shapes:
            parts.append(f"{len(shapes)} of another shape (e.g. {shapes[0]})")
        raise WeightsError(f"the weights in {folder} do not match its config.json: " + "; ".join(parts))
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()}, strict=True)
    model.inference = load_inference_defaults(folder)
    return model.to(dtype).eval()
