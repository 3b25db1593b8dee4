"""Loss terms of the design paper, one function each (all return fp32 scalars), and the generator's
weighted sum of them (:class:`GeneratorLoss`, one term per block of ``train.config.LossConfig``).

total_G = sum over the blocks of weight * term: adv (lsgan_g), l1 (mean_l1), tv (total_variation),
          feature (feature_l2), role (role_cross_entropy)
total_D = lsgan_d
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable, ContextManager, Sequence

import torch
import torch.nn.functional as F

from .config import LossConfig
from .vgg import build_feature_net


def lsgan_d(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Discriminator LSGAN loss: 0.5 * (E[(D(real) - 1)^2] + E[D(fake)^2])."""
    return 0.5 * ((real_scores.float() - 1).pow(2).mean() + fake_scores.float().pow(2).mean())


def lsgan_g(fake_scores: torch.Tensor) -> torch.Tensor:
    """Generator LSGAN loss: E[(D(fake) - 1)^2]."""
    return (fake_scores.float() - 1).pow(2).mean()


def mean_l1(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
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


@dataclass
class GeneratorStep:
    """What the generator's loss terms look at in one step."""
    sketch: torch.Tensor
    target: torch.Tensor
    fake: torch.Tensor
    roles: torch.Tensor | None              # role-head logits, None without a role head
    labels: torch.Tensor | None             # part labels of the batch, None when it has none
    discriminator: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]   # frozen D(sketch, image)
    autocast: Callable[[], ContextManager] = contextlib.nullcontext


class GeneratorLoss:
    """The weighted generator loss: one method per block of ``LossConfig``, of the same name.

    ``terms(step)`` returns ``{"g_<name>": value}`` for every term whose block has a non-zero
    weight (and whose inputs the batch has: the role term needs role logits and labels), in the
    blocks' order; ``total(terms)`` is their weighted sum.
    """

    def __init__(self, cfg: LossConfig, num_roles: int = 0, device: torch.device | str = "cpu",
                 memory_format: torch.memory_format = torch.contiguous_format):
        self.weights = {name: w for name, w in cfg.weights().items() if w}
        self.feature_net = build_feature_net(cfg.feature.net, cfg.feature.layers) if "feature" in self.weights else None
        if self.feature_net is not None:
            self.feature_net.to(device, memory_format=memory_format)
        self.role_weight = None
        if cfg.role.per_role:
            from colorizer.roles import ROLES

            if num_roles != len(ROLES):
                raise ValueError(f"loss.role.per_role names the {len(ROLES)} roles, the role head has {num_roles}")
            self.role_weight = torch.tensor([float(cfg.role.per_role.get(r, 1.0)) for r in ROLES], device=device)

    def terms(self, s: GeneratorStep) -> dict[str, torch.Tensor]:
        out = {}
        for name in self.weights:
            value = getattr(self, name)(s)
            if value is not None:
                out[f"g_{name}"] = value
        return out

    def total(self, terms: dict[str, torch.Tensor]) -> torch.Tensor:
        return sum(self.weights[k[len("g_"):]] * v for k, v in terms.items())

    # -- the terms, one per LossConfig block --------------------------------------------------
    def adv(self, s: GeneratorStep) -> torch.Tensor:
        with s.autocast():
            scores = s.discriminator(s.sketch, s.fake)
        return lsgan_g(scores)

    def l1(self, s: GeneratorStep) -> torch.Tensor:
        return mean_l1(s.fake, s.target)

    def tv(self, s: GeneratorStep) -> torch.Tensor:
        return total_variation(s.fake)

    def feature(self, s: GeneratorStep) -> torch.Tensor | None:
        if self.feature_net is None:  # net "none"
            return None
        with s.autocast():
            with torch.no_grad():
                real = self.feature_net(s.target)
            fake = self.feature_net(s.fake)
        return feature_l2(fake, real)

    def role(self, s: GeneratorStep) -> torch.Tensor | None:
        if s.roles is None or s.labels is None:
            return None
        return role_cross_entropy(s.roles, s.labels, weight=self.role_weight)
