"""Loss terms of the design paper, one function each (all return fp32 scalars).

total_G = w_adv * lsgan_g + w_l1 * l1 + w_feature * feature_l2 + w_tv * total_variation
total_D = lsgan_d
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F


def lsgan_d(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Discriminator LSGAN loss: 0.5 * (E[(D(real) - 1)^2] + E[D(fake)^2])."""
    return 0.5 * ((real_scores.float() - 1).pow(2).mean() + fake_scores.float().pow(2).mean())


def lsgan_g(fake_scores: torch.Tensor) -> torch.Tensor:
    """Generator LSGAN loss: E[(D(fake) - 1)^2]."""
    return (fake_scores.float() - 1).pow(2).mean()


def l1(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """Content loss: mean absolute difference."""
    return F.l1_loss(fake.float(), real.float())


def feature_l2(fake_feats: Sequence[torch.Tensor], real_feats: Sequence[torch.Tensor]) -> torch.Tensor:
    """Feature loss: sum over layers of the mean squared feature difference."""
    if len(fake_feats) != len(real_feats):
        raise ValueError("feature lists differ in length")
    total = torch.zeros((), device=fake_feats[0].device if fake_feats else "cpu")
    for a, b in zip(fake_feats, real_feats):
        total = total + F.mse_loss(a.float(), b.float())
    return total


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Anisotropic TV: mean |x[i+1, j] - x[i, j]| + mean |x[i, j+1] - x[i, j]|."""
    x = x.float()
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()


def role_cross_entropy(logits: torch.Tensor, labels: torch.Tensor, ignore_index: int = 255,
                       weight: torch.Tensor | None = None) -> torch.Tensor:
    """Per-pixel cross-entropy of the role head against a label map (255 = unknown, ignored);
    ``weight``: optional (num_roles,) class weights (a weighted mean over the labelled pixels).

    A batch with no labelled pixel gives 0 (with a gradient path, so DDP stays in step).
    """
    labels = labels.long()
    if not bool((labels != ignore_index).any()):
        return logits.float().sum() * 0.0
    w = None if weight is None else weight.to(logits.device, torch.float32)
    return torch.nn.functional.cross_entropy(logits.float(), labels, weight=w, ignore_index=ignore_index)
