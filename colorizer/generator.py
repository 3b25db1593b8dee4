"""The colorization generator: an attention U-Net with residual blocks.

Input: sketch (3 channels, [-1, 1]) concatenated with the palette as 3 * K
constant planes (K = 9 colours, [-1, 1]) = 30 channels. Output: RGB in [-1, 1].

Encoder: a residual block at full resolution, then one "down" residual block
per coarser level. Decoder: per level, a :class:`DecodingBlock` that upsamples
the coarser features, gates the skip connection with an attention gate,
merges both and injects per-channel scaled noise.
"""

from __future__ import annotations

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

    def forward(self, x: torch.Tensor, noise_mode: str = "random",
                generator: torch.Generator | None = None, noise_strength: float = 1.0) -> torch.Tensor:
        """Colour a batch. ``x`` is (N, 30, H, W) in [-1, 1]; any H and W work."""
        cfg = self.cfg
        if x.ndim != 4 or x.shape[1] != cfg.in_channels:
            raise ValueError(f"expected input of shape (N, {cfg.in_channels}, H, W), got {tuple(x.shape)}")
        h, w = x.shape[-2:]
        m = cfg.multiple
        ph, pw = (-h) % m, (-w) % m
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph), mode="replicate")
        # Each palette plane is constant: its mean is the colour.
        pal = x[:, cfg.sketch_channels:].mean(dim=(2, 3)) if self.film_enc is not None else None

        feats = []
        out = self.stem(x)
        for i, block in enumerate(self.encoder):
            out = block(out)
            if pal is not None:
                out = self.film_enc[i](out, pal)
            feats.append(out)
        out = feats.pop()
        for i, block in enumerate(self.decoder):
            out = block(out, feats.pop(), noise_mode, generator, noise_strength)
            if pal is not None:
                out = self.film_dec[i](out, pal)
        out = torch.tanh(self.head(out))
        return out[..., :h, :w]

    def attention_gates(self) -> list[AttentionGate]:
        return [b.gate for b in self.decoder if b.gate is not None]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
