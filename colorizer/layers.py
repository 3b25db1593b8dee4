"""Small single-purpose building blocks of the generator.

* :class:`WSConv2d` - convolution with Weight Standardization (Qiao et al. 2019),
  standardised in fp32 even under autocast.
* :class:`ResBlock` - pre-activation residual block, GroupNorm + WS on every conv,
  with an optional sampling layer (max-pool for "down", upsample for "up").
* :class:`AttentionGate` - additive attention gate of Attention U-Net (Oktay et al.
  2018): the coarser decoder signal decides which skip features pass.
* :class:`NoiseInjection` - per-channel scaled noise (StyleGAN), zero-initialised.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

NOISE_MODES = ("random", "const", "none")


class WSConv2d(nn.Conv2d):
    """Conv2d whose weight is standardised per output channel before use.

    Each output filter is shifted to zero mean and scaled to unit standard
    deviation over its (in_channels, kh, kw) entries. The statistics are taken
    in fp32 so that bf16/fp16 autocast does not corrupt them. In inference mode
    the standardised weight is cached until the raw weight changes.
    """

    def __init__(self, *args, eps: float = 1e-5, **kwargs):
        super().__init__(*args, **kwargs)
        self.eps = eps
        # Standardised filters have unit variance over their fan-in, so each conv would
        # multiply the activations' variance by fan_in; the constant gain 1/sqrt(fan_in)
        # keeps it at 1. Without it the residual stream grew to ~1e9 through the decoder
        # and drowned the full-resolution skip features (blurry outputs, no lines).
        fan_in = self.weight[0].numel()
        self.gain = fan_in ** -0.5
        self._cache: tuple[int, torch.Tensor] | None = None

    def standardized_weight(self) -> torch.Tensor:
        w = self.weight.float()
        mean = w.mean(dim=(1, 2, 3), keepdim=True)
        var = w.var(dim=(1, 2, 3), keepdim=True, unbiased=False)
        return (w - mean) * torch.rsqrt(var + self.eps)

    def effective_weight(self) -> torch.Tensor:
        """The weight the convolution really uses: standardised, times the gain (fp32)."""
        return self.standardized_weight() * self.gain

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if torch.is_inference_mode_enabled() and not self.training:
            key = (self.weight._version, self.weight.data_ptr(), self.weight.device)
            if self._cache is None or self._cache[0] != key:
                self._cache = (key, self.effective_weight())
            w = self._cache[1]
        else:
            self._cache = None
            w = self.effective_weight()
        if torch.is_autocast_enabled(x.device.type):
            w = w.to(torch.get_autocast_dtype(x.device.type))
        else:
            w = w.to(x.dtype)
        bias = None if self.bias is None else self.bias.to(w.dtype)
        return F.conv2d(x, w, bias, self.stride, self.padding, self.dilation, self.groups)


def group_norm(channels: int, groups: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(groups, channels), channels)


class ResBlock(nn.Module):
    """Residual block: (GN, LReLU, WSConv3x3) x 2 + shortcut, with a sampling layer.

    ``sample`` is "down" (2x2 max-pool before the convolutions), "up" (2x
    upsampling after them) or "none". The shortcut is a 1x1 WS conv when the channel count changes.
    """

    def __init__(self, in_ch: int, out_ch: int, sample: str = "none", groups: int = 8,
                 upsample_mode: str = "nearest", slope: float = 0.2):
        super().__init__()
        if sample not in ("down", "up", "none"):
            raise ValueError(f"sample must be 'down', 'up' or 'none', got {sample!r}")
        self.sample = sample
        self.upsample_mode = upsample_mode
        self.norm1 = group_norm(in_ch, groups)
        self.conv1 = WSConv2d(in_ch, out_ch, 3, padding=1)
        self.norm2 = group_norm(out_ch, groups)
        self.conv2 = WSConv2d(out_ch, out_ch, 3, padding=1)
        self.act = nn.LeakyReLU(slope)
        self.shortcut = WSConv2d(in_ch, out_ch, 1) if in_ch != out_ch else nn.Identity()

    def _resample(self, x: torch.Tensor) -> torch.Tensor:
        if self.sample == "down":
            return F.max_pool2d(x, 2)
        if self.sample == "up":
            if self.upsample_mode == "bilinear":
                return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
            return F.interpolate(x, scale_factor=2.0, mode="nearest")
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # The convolutions always run at the coarser of the two resolutions:
        # "down" pools first, "up" upsamples last. Same receptive field, and a
        # quarter of the work of convolving after upsampling.
        if self.sample == "down":
            x = self._resample(x)
        h = self.conv1(self.act(self.norm1(x)))
        h = self.conv2(self.act(self.norm2(h)))
        # Sum of two unit-variance branches, scaled back to unit variance.
        h = (h + self.shortcut(x)) * 2 ** -0.5
        return self._resample(h) if self.sample == "up" else h


class AttentionGate(nn.Module):
    """Additive attention gate on a skip connection (Attention U-Net).

    ``alpha = sigmoid(psi(relu(W_x x + up(W_g g))))`` with one coefficient per
    pixel in (0, 1); the gate returns ``x * alpha``. ``g`` is the coarser
    decoder signal (half the resolution of ``x``); it is projected at its own
    resolution and then upsampled, which is cheaper than projecting after.
    """

    def __init__(self, skip_ch: int, gate_ch: int, inter_ch: int | None = None):
        super().__init__()
        inter_ch = inter_ch or max(skip_ch // 2, 1)
        self.w_x = nn.Conv2d(skip_ch, inter_ch, 1, bias=False)
        self.w_g = nn.Conv2d(gate_ch, inter_ch, 1, bias=True)
        self.psi = nn.Conv2d(inter_ch, 1, 1, bias=True)
        self.last_alpha: torch.Tensor | None = None  # kept for inspection when keep_alpha
        self.keep_alpha = False

    def coefficients(self, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        gp = self.w_g(g)
        if gp.shape[-2:] != x.shape[-2:]:
            gp = F.interpolate(gp, size=x.shape[-2:], mode="bilinear", align_corners=False)
        return torch.sigmoid(self.psi(F.relu(self.w_x(x) + gp)))

    def forward(self, x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
        alpha = self.coefficients(x, g)
        if self.keep_alpha:
            self.last_alpha = alpha.detach()
        return x * alpha


class NoiseInjection(nn.Module):
    """Adds ``weight[c] * noise`` to every channel c; ``weight`` starts at zero.

    Modes: "random" draws fresh N(0, 1) noise (from ``generator`` when given, so
    a seed reproduces a result); "const" uses noise from a fixed seed, identical
    for every call of the same shape; "none" adds nothing.
    """

    CONST_SEED = 1234

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x: torch.Tensor, mode: str = "random",
                generator: torch.Generator | None = None, strength: float = 1.0) -> torch.Tensor:
        if mode not in NOISE_MODES:
            raise ValueError(f"noise mode must be one of {NOISE_MODES}, got {mode!r}")
        if mode == "none" or strength == 0.0:
            return x
        n, _, h, w = x.shape
        if mode == "const":
            generator = torch.Generator(device="cpu").manual_seed(self.CONST_SEED)
        if generator is not None and generator.device != x.device:
            noise = torch.randn((n, 1, h, w), generator=generator).to(x.device, x.dtype)
        else:
            noise = torch.randn((n, 1, h, w), generator=generator, device=x.device, dtype=x.dtype)
        return x + (self.weight.to(x.dtype) * strength) * noise


class PaletteFiLM(nn.Module):
    """Per-channel scale and shift of features computed from the palette vector."""

    def __init__(self, palette_dim: int, channels: int):
        super().__init__()
        self.proj = nn.Linear(palette_dim, 2 * channels)
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x: torch.Tensor, palette: torch.Tensor) -> torch.Tensor:
        scale, shift = self.proj(palette).to(x.dtype)[:, :, None, None].chunk(2, dim=1)
        return x * (1 + scale) + shift
