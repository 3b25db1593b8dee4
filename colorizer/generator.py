"""The colorization generator: an attention U-Net with residual blocks.

Input (built by :meth:`Generator.build_input`, the one place that does it): the
sketch (3 channels, [-1, 1]) concatenated with the palette as 3 * K constant
planes (K = 9 colours, [-1, 1]) = 30 channels, plus K hint planes when the
config has ``hints``. Output: RGB in [-1, 1], plus per-pixel role logits
(``colorizer.roles.ROLES``) when the config has a role head.

Encoder: a residual block at full resolution, then one "down" residual block
per coarser level. Decoder: per level, a :class:`DecodingBlock` that upsamples
the coarser features, gates the skip connection with an attention gate,
merges both and injects per-channel scaled noise.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .config import GeneratorConfig
from .layers import AttentionGate, NoiseInjection, PaletteFiLM, ResBlock, WSConv2d


class DecodingBlock(nn.Module):
    """up-ResBlock(coarse) -> attention-gated skip -> concat -> ResBlock -> noise."""

    def __init__(self, coarse_ch: int, skip_ch: int, out_ch: int, cfg: GeneratorConfig):
        super().__init__()
        g, slope = cfg.norm_groups, cfg.leaky_slope
        self.up = ResBlock(coarse_ch, out_ch, "up", g, cfg.upsample_mode, slope)
        self.gate = AttentionGate(skip_ch, coarse_ch) if cfg.attention else None
        self.merge = ResBlock(out_ch + skip_ch, out_ch, "none", g, cfg.upsample_mode, slope)
        self.noise = NoiseInjection(out_ch) if cfg.noise else None

    def forward(self, coarse: torch.Tensor, skip: torch.Tensor, noise_mode: str = "random",
                generator: torch.Generator | None = None, noise_strength: float = 1.0) -> torch.Tensor:
        up = self.up(coarse)
        if self.gate is not None:
            skip = self.gate(skip, coarse)
        h = self.merge(torch.cat([up, skip], dim=1))
        if self.noise is not None:
            h = self.noise(h, noise_mode, generator, noise_strength)
        return h


class GeneratorOutput(NamedTuple):
    rgb: torch.Tensor                 # (N, 3, H, W) in [-1, 1]
    roles: torch.Tensor | None        # (N, num_roles, H, W) logits, or None without a role head


class Generator(nn.Module):
    def __init__(self, cfg: GeneratorConfig | None = None):
        super().__init__()
        self.cfg = cfg = (cfg or GeneratorConfig()).validate()
        ch = cfg.channels()
        g, slope = cfg.norm_groups, cfg.leaky_slope
        self.stem = WSConv2d(cfg.in_channels, ch[0], 3, padding=1)
        self.encoder = nn.ModuleList(
            [ResBlock(ch[0], ch[0], "none", g, cfg.upsample_mode, slope)]
            + [ResBlock(ch[i - 1], ch[i], "down", g, cfg.upsample_mode, slope)
               for i in range(1, cfg.num_levels)]
        )
        self.decoder = nn.ModuleList(
            [DecodingBlock(ch[i + 1], ch[i], ch[i], cfg) for i in reversed(range(cfg.num_levels - 1))]
        )
        # A click at every level (GeneratorConfig.hint_levels); zero at start, so weights
        # trained without them begin from the same function.
        self.hint_enc = None
        if cfg.hint_levels:
            self.hint_enc = nn.ModuleList([nn.Conv2d(cfg.palette_size, c, 1) for c in ch])
            for conv in self.hint_enc:
                nn.init.zeros_(conv.weight)
                nn.init.zeros_(conv.bias)
        palette_dim = 3 * cfg.palette_size
        if cfg.palette_conditioning == "film":
            self.film_enc = nn.ModuleList([PaletteFiLM(palette_dim, c) for c in ch])
            self.film_dec = nn.ModuleList(
                [PaletteFiLM(palette_dim, ch[i]) for i in reversed(range(cfg.num_levels - 1))])
        else:
            self.film_enc = self.film_dec = None
        self.head = nn.Sequential(
            nn.GroupNorm(min(g, ch[0]), ch[0]), nn.LeakyReLU(slope),
            nn.Conv2d(ch[0], cfg.out_channels, 1),
        )
        self.role_head = (nn.Sequential(nn.GroupNorm(min(g, ch[0]), ch[0]), nn.LeakyReLU(slope),
                                        nn.Conv2d(ch[0], cfg.num_roles, 1))
                          if cfg.num_roles else None)

    def build_input(self, sketch: torch.Tensor, palette: torch.Tensor,
                    hints: torch.Tensor | None = None) -> torch.Tensor:
        """The network input: (N, 3, H, W) sketch, (N, 3K) palette and optional (N, K, H, W) hint planes.

        Without hints a model with hint planes gets all-zero planes (no pin anywhere).
        """
        cfg = self.cfg
        if sketch.ndim != 4 or sketch.shape[1] != cfg.sketch_channels:
            raise ValueError(f"expected a sketch of shape (N, {cfg.sketch_channels}, H, W), got {tuple(sketch.shape)}")
        n, _, h, w = sketch.shape
        k3 = 3 * cfg.palette_size
        if palette.shape != (n, k3):
            raise ValueError(f"expected a palette of shape ({n}, {k3}), got {tuple(palette.shape)}")
        parts = [sketch, palette.to(sketch.dtype)[:, :, None, None].expand(-1, -1, h, w)]
        if cfg.hints:
            if hints is None:
                hints = sketch.new_zeros(n, cfg.palette_size, h, w)
            elif hints.shape != (n, cfg.palette_size, h, w):
                raise ValueError(f"expected hint planes of shape ({n}, {cfg.palette_size}, {h}, {w}), "
                                 f"got {tuple(hints.shape)}")
            parts.append(hints.to(sketch.dtype))
        elif hints is not None and bool(hints.any()):
            raise ValueError("this model has no hint planes (config.hints is false)")
        return torch.cat(parts, dim=1)

    def forward(self, sketch: torch.Tensor, palette: torch.Tensor, hints: torch.Tensor | None = None,
                noise_mode: str = "random", generator: torch.Generator | None = None,
                noise_strength: float = 1.0) -> GeneratorOutput:
        """Colour a batch: sketch (N, 3, H, W) and palette (N, 3K) in [-1, 1]; any H and W work."""
        return self.forward_input(self.build_input(sketch, palette, hints), noise_mode, generator, noise_strength)

    def forward_input(self, x: torch.Tensor, noise_mode: str = "random",
                      generator: torch.Generator | None = None, noise_strength: float = 1.0) -> GeneratorOutput:
        """The network on an input built by :meth:`build_input`."""
        cfg = self.cfg
        if x.ndim != 4 or x.shape[1] != cfg.in_channels:
            raise ValueError(f"expected input of shape (N, {cfg.in_channels}, H, W), got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        m = cfg.multiple
        ph, pw = (-h) % m, (-w) % m
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph), mode="replicate")
        # Each palette plane is constant: its mean is the colour.
        k3 = 3 * cfg.palette_size
        pal = (x[:, cfg.sketch_channels:cfg.sketch_channels + k3].mean(dim=(2, 3))
               if self.film_enc is not None else None)

        hints = x[:, cfg.in_channels - cfg.hint_channels:] if self.hint_enc is not None else None
        return self.trunk(self.stem(x), pal, h, w, noise_mode, generator, noise_strength, hints)

    def trunk(self, out: torch.Tensor, pal: torch.Tensor | None, h: int, w: int, noise_mode: str = "random",
              generator: torch.Generator | None = None, noise_strength: float = 1.0,
              hints: torch.Tensor | None = None) -> GeneratorOutput:
        """Everything after the stem: ``out`` is the stem's output on the padded input, ``pal``
        the (N, 3K) palette for FiLM (None without), ``h`` x ``w`` the unpadded size, ``hints``
        the padded hint planes (used with ``hint_levels`` only)."""
        feats = []
        for i, block in enumerate(self.encoder):
            out = block(out)
            if pal is not None:
                out = self.film_enc[i](out, pal)
            if self.hint_enc is not None and hints is not None:
                out = out + self.hint_enc[i](F.max_pool2d(hints, 2 ** i) if i else hints)  # level i: 1/2^i
            feats.append(out)
        out = feats.pop()
        for i, block in enumerate(self.decoder):
            out = block(out, feats.pop(), noise_mode, generator, noise_strength)
            if pal is not None:
                out = self.film_dec[i](out, pal)
        rgb = torch.tanh(self.head(out))[..., :h, :w]
        roles = self.role_head(out)[..., :h, :w] if self.role_head is not None else None
        return GeneratorOutput(rgb, roles)

    def attention_gates(self) -> list[AttentionGate]:
        return [b.gate for b in self.decoder if b.gate is not None]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
