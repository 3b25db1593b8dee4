"""Conditional PatchGAN discriminator with spectral normalisation (LSGAN, no sigmoid).

It sees the sketch and an image concatenated (3 + 3 = 6 channels) and returns a
map of patch scores. Every convolution weight is spectrally normalised
(Miyato et al. 2018), as in the design paper; there is no other normalisation.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


class PatchDiscriminator(nn.Module):
    """``n_layers`` stride-2 4x4 convolutions, one stride-1, then a 1-channel score map.

    With the defaults (64 channels, 3 layers) each score sees a 70x70 patch.
    """

    def __init__(self, in_channels: int = 6, channels: int = 64, n_layers: int = 3,
                 max_channels: int = 512, slope: float = 0.2):
        super().__init__()
        layers: list[nn.Module] = []
        c_in, c_out = in_channels, channels
        for i in range(n_layers):
            layers += [spectral_norm(nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)), nn.LeakyReLU(slope)]
            c_in, c_out = c_out, min(c_out * 2, max_channels)
        layers += [spectral_norm(nn.Conv2d(c_in, c_out, 4, stride=1, padding=1)), nn.LeakyReLU(slope)]
        layers += [spectral_norm(nn.Conv2d(c_out, 1, 4, stride=1, padding=1))]
        self.net = nn.Sequential(*layers)

    def forward(self, sketch: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([sketch, image], dim=1))
