"""Generator configuration: one dataclass, every field documented, plus presets.

The config is saved as ``config.json`` next to every set of weights, and the
loader rebuilds exactly this architecture from it before a strict load.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import ColorizerError


@dataclass
class GeneratorConfig:
    # Number of reference colours fed to the network; each is a constant RGB
    # plane, so the input has sketch_channels + 3 * palette_size channels.
    palette_size: int = 9
    # Channels of the sketch image (RGB line art).
    sketch_channels: int = 3
    # Channels of the output image (RGB).
    out_channels: int = 3
    # Feature channels at full resolution (level 0).
    base_channels: int = 16
    # Channel multiplier from one level to the next (coarser) one.
    channel_mult: float = 2.0
    # Upper bound on channels at any level.
    max_channels: int = 128
    # Number of resolution levels; the encoder halves the size num_levels - 1
    # times, so inputs are padded to a multiple of 2 ** (num_levels - 1).
    num_levels: int = 5
    # GroupNorm groups (capped by the channel count of each layer).
    norm_groups: int = 8
    # Attention gates (Oktay et al. 2018) on every skip connection.
    attention: bool = True
    # Per-channel scaled noise injection in every decoding block (StyleGAN).
    noise: bool = True
    # How decoding blocks upsample: "nearest" or "bilinear".
    upsample_mode: str = "nearest"
    # Where the palette enters the network: "input" (only as 27 constant input
    # planes, as in the paper) or "film" (input planes and, in addition, a
    # per-channel scale and shift computed from the palette at every level).
    palette_conditioning: str = "input"
    # Negative slope of the LeakyReLU activations.
    leaky_slope: float = 0.2
    # Hint planes: palette_size extra input planes, plane k is 1 where the user pinned a
    # pixel to slot k (colorizer.hints). False keeps the paper's 30-channel input.
    hints: bool = False
    # Hint planes also enter every encoder level: max-pooled to the level's size, through a 1x1
    # convolution (zero at initialisation) added to the level's output, so that a click reaches
    # the coarse levels that see a whole part. Needs hints. False: the planes enter the stem only.
    hint_levels: bool = False
    # Per-pixel role logits (colorizer.roles.ROLES) from a second 1x1 head on the last
    # decoder features; 0 = no role head (the paper).
    num_roles: int = 0

    @property
    def in_channels(self) -> int:
        return self.sketch_channels + 3 * self.palette_size + (self.palette_size if self.hints else 0)

    @property
    def hint_channels(self) -> int:
        return self.palette_size if self.hints else 0

    @property
    def multiple(self) -> int:
        """Spatial size multiple the network needs (inputs are padded to it)."""
        return 2 ** (self.num_levels - 1)

    def channels(self) -> list[int]:
        """Feature channels at each level, finest first."""
        out = []
        for i in range(self.num_levels):
            c = int(round(self.base_channels * self.channel_mult**i))
            out.append(min(c, self.max_channels))
        return out

    def validate(self) -> "GeneratorConfig":
        if self.palette_size < 1:
            raise ValueError("palette_size must be >= 1")
        if self.hint_levels and not self.hints:
            raise ValueError("hint_levels needs hints")
        if self.num_levels < 2:
            raise ValueError("num_levels must be >= 2")
        if self.upsample_mode not in ("nearest", "bilinear"):
            raise ValueError(f"upsample_mode must be 'nearest' or 'bilinear', got {self.upsample_mode!r}")
        if self.palette_conditioning not in ("input", "film"):
            raise ValueError(
                f"palette_conditioning must be 'input' or 'film', got {self.palette_conditioning!r}"
            )
        if self.num_roles < 0:
            raise ValueError("num_roles must be >= 0")
        for c in self.channels():
            if c % min(self.norm_groups, c):
                raise ValueError(f"{c} channels are not divisible into {self.norm_groups} groups")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "GeneratorConfig":
        d = dict(d)
        d.pop("_class_name", None)
        d.pop("_library_version", None)
        d.pop("_inference", None)  # run-time defaults kept beside the weights (colorizer.weights)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown GeneratorConfig fields: {', '.join(unknown)}")
        return cls(**d).validate()


def preset(name: str, **overrides: Any) -> GeneratorConfig:
    """Return a named preset, optionally with some fields replaced."""
    if not isinstance(name, str) or name not in PRESETS:
        raise ColorizerError(f"unknown preset {str(name)[:40]!r}; choose from {', '.join(sorted(PRESETS))}")
    return dataclasses.replace(PRESETS[name], **overrides).validate()


PRESETS: dict[str, GeneratorConfig] = {
    # The design paper's generator: 64 -> 512 channels over 7 levels.
    "paper": GeneratorConfig(base_channels=64, max_channels=512, num_levels=7,
                             norm_groups=32, upsample_mode="nearest", palette_conditioning="input"),
    # The shipped default: narrow at full resolution, where CPU time goes.
    # Bilinear upsampling: with nearest, coarse-level blocks pass through the residual
    # shortcuts to the output (seen as 16 px blocks in the first GPU run's samples).
    # Semantic slots: hint planes and a role head (colorizer.roles) on top.
    "default": GeneratorConfig(base_channels=16, max_channels=128, num_levels=5,
                               norm_groups=8, upsample_mode="bilinear", palette_conditioning="film",
                               hints=True, num_roles=11),
    # The default before semantic slots (no hint planes, no role head): today's shipped weights.
    "v1": GeneratorConfig(base_channels=16, max_channels=128, num_levels=5,
                          norm_groups=8, upsample_mode="bilinear", palette_conditioning="film"),
    # A few-thousand-parameter network for tests.
    "tiny": GeneratorConfig(base_channels=4, max_channels=8, num_levels=3, norm_groups=2),
}
