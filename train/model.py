"""The training model: owns G, D, the EMA of G, both optimisers and both steps.

``optimize_parameters(batch)`` does one discriminator step, then one generator
step (pytorch-CycleGAN-and-pix2pix style), and returns every loss term as a
float so the trainer can log them separately.
"""

from __future__ import annotations

import contextlib
import copy
import warnings

import torch
from torch import nn

from colorizer.generator import Generator, count_parameters

from . import losses
from .config import TrainConfig
from .discriminator import PatchDiscriminator
from .vgg import build_feature_net


class Pix2PixModel:
    """Generator + PatchGAN discriminator + EMA generator, trained with the paper's losses.

    Under DDP pass ``ddp=True`` (after ``torch.distributed`` is initialised):
    G and D are wrapped with ``broadcast_buffers=False`` (spectral norm keeps its
    power-iteration vectors in buffers), and the generator step calls the
    unwrapped, frozen D so no gradient is synchronised for it.
    """

    def __init__(self, cfg: TrainConfig, device: torch.device | str = "cpu", ddp: bool = False):
        self.cfg = cfg
        self.device = torch.device(device)
        cuda = self.device.type == "cuda"
        self.bf16 = cuda if cfg.bf16 is None else bool(cfg.bf16)
        self.channels_last = cuda if cfg.channels_last is None else bool(cfg.channels_last)
        fmt = torch.channels_last if self.channels_last else torch.contiguous_format

        self.G = Generator(cfg.generator_config()).to(self.device, memory_format=fmt)
        self.D = PatchDiscriminator(6, cfg.d_channels, cfg.d_layers).to(self.device, memory_format=fmt)
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False)
        self.feature_net = build_feature_net(cfg.feature_net, cfg.feature_layers) if cfg.loss_feature else None
        if self.feature_net is not None:
            self.feature_net.to(self.device, memory_format=fmt)

        betas = (cfg.beta1, cfg.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d, betas=betas)
        self.step = 0
        self.role_weight = None
        if cfg.role_weights:
            from colorizer.roles import ROLES

            if self.G.cfg.num_roles != len(ROLES):
                raise ValueError(f"role_weights name the {len(ROLES)} roles, the role head has {self.G.cfg.num_roles}")
            self.role_weight = torch.tensor([float(cfg.role_weights.get(r, 1.0)) for r in ROLES], device=self.device)

        self.G_train: nn.Module = self.G
        self.D_train: nn.Module = self.D
        if ddp:
            from torch.nn.parallel import DistributedDataParallel as DDP
            ids = [self.device.index] if cuda else None
            with warnings.catch_warnings():  # newer torch deprecates the name, not the behaviour we need
                warnings.simplefilter("ignore", FutureWarning)
                self.G_train = DDP(self.G, device_ids=ids, broadcast_buffers=False)
                self.D_train = DDP(self.D, device_ids=ids, broadcast_buffers=False)
            self.G_ema.load_state_dict(self.G.state_dict())  # DDP broadcast rank 0's weights

    # -- helpers -----------------------------------------------------------------------
    def autocast(self):
        if not self.bf16:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def _fmt(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def parameter_counts(self) -> dict[str, int]:
        counts = {"G": count_parameters(self.G), "D": count_parameters(self.D)}
        if self.feature_net is not None:
            counts["feature_net (frozen)"] = count_parameters(self.feature_net)
        return counts

    # -- one training step -------------------------------------------------------------
    def optimize_parameters(self, batch: dict) -> dict[str, float]:
        """D step on (real, fake.detach()), then G step; returns every loss term."""
        cfg = self.cfg
        sketch, target = self._fmt(batch["sketch"]), self._fmt(batch["target"])
        palette = batch["palette"].to(self.device)
        hints = self._fmt(batch["hints"]) if batch.get("hints") is not None and self.G.cfg.hints else None

        with self.autocast():
            out = self.G_train(sketch, palette, hints, noise_mode="random")
        fake = out.rgb

        # Discriminator: real and fake in one forward (one DDP forward per backward).
        self.D.requires_grad_(True)
        self.opt_d.zero_grad(set_to_none=True)
        with self.autocast():
            scores = self.D_train(torch.cat([sketch, sketch]), torch.cat([target, fake.detach()]))
        real_s, fake_s = scores.float().chunk(2)
        loss_d = losses.lsgan_d(real_s, fake_s)
        loss_d.backward()
        self.opt_d.step()

        # Generator: the frozen, unwrapped D judges the fake.
        self.D.requires_grad_(False)
        self.opt_g.zero_grad(set_to_none=True)
        with self.autocast():
            fake_scores = self.D(sketch, fake)
        terms = {
            "g_adv": losses.lsgan_g(fake_scores),
            "g_l1": losses.l1(fake, target),
            "g_tv": losses.total_variation(fake),
        }
        if self.feature_net is not None:
            with self.autocast():
                with torch.no_grad():
                    real_f = self.feature_net(target)
                fake_f = self.feature_net(fake)
            terms["g_feature"] = losses.feature_l2(fake_f, real_f)
        if out.roles is not None and batch.get("labels") is not None and cfg.loss_role:
            terms["g_role"] = losses.role_cross_entropy(out.roles, batch["labels"].to(self.device),
                                                           weight=self.role_weight)
        weights = {"g_adv": cfg.loss_adv, "g_l1": cfg.loss_l1, "g_tv": cfg.loss_tv, "g_feature": cfg.loss_feature,
                   "g_role": cfg.loss_role}
        loss_g = sum(weights[k] * v for k, v in terms.items())
        loss_g.backward()
        self.opt_g.step()
        self.D.requires_grad_(True)

        self.step += 1
        self.update_ema()
        out = {k: float(v.detach()) for k, v in terms.items()}
        out.update(g_total=float(loss_g.detach()), d_total=float(loss_d.detach()),
                   d_real=float(real_s.detach().mean()), d_fake=float(fake_s.detach().mean()))
        return out

    @torch.no_grad()
    def update_ema(self) -> None:
        """EMA of G with a warm-up: decay = min(ema_decay, (1 + step) / (10 + step))."""
        decay = min(self.cfg.ema_decay, (1 + self.step) / (10 + self.step))
        for pe, p in zip(self.G_ema.parameters(), self.G.parameters()):
            pe.lerp_(p.detach(), 1.0 - decay)
        for be, b in zip(self.G_ema.buffers(), self.G.buffers()):
            be.copy_(b)

    @torch.no_grad()
    def generate(self, sketch: torch.Tensor, palette: torch.Tensor, ema: bool = True,
                 generator: torch.Generator | None = None, noise_mode: str = "random",
                 hints: torch.Tensor | None = None) -> torch.Tensor:
        """Colour a batch with the EMA (default) or the raw generator, in fp32 (RGB only)."""
        net = self.G_ema if ema else self.G
        hints = self._fmt(hints) if hints is not None and net.cfg.hints else None
        out = net(self._fmt(sketch), palette.to(self.device), hints, noise_mode=noise_mode, generator=generator)
        return out.rgb.float()

    # -- state -------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {
            "G": self.G.state_dict(), "D": self.D.state_dict(), "G_ema": self.G_ema.state_dict(),
            "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(), "step": self.step,
        }

    def load_state_dict(self, state: dict) -> None:
        self.G.load_state_dict(state["G"], strict=True)
        self.D.load_state_dict(state["D"], strict=True)
        self.G_ema.load_state_dict(state["G_ema"], strict=True)
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step = int(state["step"])

    def init_from(self, folder) -> None:
        """Start G and its EMA from shipped weights (config.json + model.safetensors).

        Weights of the same architecture load strictly. Weights of the same network
        without hint planes or a role head (e.g. the pre-slot ``v1`` weights) load
        into a semantic generator partially: every tensor of the same shape is copied,
        the stem's first input channels (sketch + palette) are copied and its hint
        channels start at zero, and the role head starts fresh. Hint levels
        (``hint_levels``) a folder lacks start at zero, so the network starts as the folder's.
        """
        import dataclasses

        from colorizer.weights import load_generator

        shipped = load_generator(folder)
        mine = self.G.cfg
        if shipped.cfg == mine:
            self.G.load_state_dict(shipped.state_dict(), strict=True)
            self.G_ema.load_state_dict(shipped.state_dict(), strict=True)
            return
        same_body = dataclasses.replace(shipped.cfg, hints=mine.hints, num_roles=mine.num_roles,
                                        hint_levels=mine.hint_levels) == mine
        if not same_body:
            raise ValueError(f"{folder} holds a generator of another architecture than this run's "
                             f"generator_preset/overrides:\n  weights: {shipped.cfg}\n  run:     {mine}")
        src = shipped.state_dict()
        state = self.G.state_dict()
        copied = 0
        for k, v in state.items():
            if k not in src:
                continue
            if src[k].shape == v.shape:
                state[k] = src[k].to(v.dtype).clone()
                copied += 1
            elif k == "stem.weight" and src[k].shape[1] <= v.shape[1]:
                w = torch.zeros_like(v)
                w[:, : src[k].shape[1]] = src[k].to(v.dtype)
                state[k] = w
                copied += 1
        self.G.load_state_dict(state, strict=True)
        self.G_ema.load_state_dict(state, strict=True)
        print(f"init_from {folder}: {copied} of {len(state)} tensors copied "
              "(hint planes / role head / hint levels new)")
