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
from .losses import GeneratorLoss, GeneratorStep


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
        self.bf16 = cuda if cfg.compute.bf16 is None else bool(cfg.compute.bf16)
        self.channels_last = cuda if cfg.compute.channels_last is None else bool(cfg.compute.channels_last)
        fmt = torch.channels_last if self.channels_last else torch.contiguous_format

        m = cfg.model
        self.G = Generator(m.generator_config()).to(self.device, memory_format=fmt)
        self.D = PatchDiscriminator(6, m.d_channels, m.d_layers).to(self.device, memory_format=fmt)
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False)
        self.loss = GeneratorLoss(cfg.loss, self.G.cfg.num_roles, self.device, fmt)

        betas = (cfg.schedule.beta1, cfg.schedule.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.schedule.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.schedule.lr_d, betas=betas)
        self.step = 0

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
        if self.loss.feature_net is not None:
            counts["feature_net (frozen)"] = count_parameters(self.loss.feature_net)
        return counts

    # -- one training step -------------------------------------------------------------
    def optimize_parameters(self, batch: dict) -> dict[str, float]:
        """D step on (real, fake.detach()), then G step; returns every loss term."""
        sketch, target = self._fmt(batch["sketch"]), self._fmt(batch["target"])
        palette = batch["palette"].to(self.device)
        hints = self._fmt(batch["hints"]) if batch.get("hints") is not None and self.G.cfg.hints else None
        labels = batch["labels"].to(self.device) if batch.get("labels") is not None else None

        with self.autocast():
            out = self.G_train(sketch, palette, hints, noise_mode="random")
        fake = out.rgb
        loss_d, real_s, fake_s = self.discriminator_step(sketch, target, fake)
        terms, loss_g = self.generator_step(GeneratorStep(sketch, target, fake, out.roles, labels, self.D,
                                                          self.autocast))
        self.step += 1
        self.update_ema()
        logged = {k: float(v.detach()) for k, v in terms.items()}
        logged.update(g_total=float(loss_g.detach()), d_total=float(loss_d.detach()),
                      d_real=float(real_s.detach().mean()), d_fake=float(fake_s.detach().mean()))
        return logged

    def discriminator_step(self, sketch: torch.Tensor, target: torch.Tensor, fake: torch.Tensor):
        """LSGAN step of D on real and fake in one forward (one DDP forward per backward).
        Returns (loss, real scores, fake scores)."""
        self.D.requires_grad_(True)
        self.opt_d.zero_grad(set_to_none=True)
        with self.autocast():
            scores = self.D_train(torch.cat([sketch, sketch]), torch.cat([target, fake.detach()]))
        real_s, fake_s = scores.float().chunk(2)
        loss_d = losses.lsgan_d(real_s, fake_s)
        loss_d.backward()
        self.opt_d.step()
        return loss_d, real_s, fake_s

    def generator_step(self, s: GeneratorStep):
        """Step of G on the weighted loss terms (the frozen, unwrapped D judges the fake).
        Returns (terms, total)."""
        self.D.requires_grad_(False)
        self.opt_g.zero_grad(set_to_none=True)
        terms = self.loss.terms(s)
        loss_g = self.loss.total(terms)
        loss_g.backward()
        self.opt_g.step()
        self.D.requires_grad_(True)
        return terms, loss_g

    @torch.no_grad()
    def update_ema(self) -> None:
        """EMA of G with a warm-up: decay = min(ema_decay, (1 + step) / (10 + step))."""
        decay = min(self.cfg.model.ema_decay, (1 + self.step) / (10 + self.step))
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
                             f"model.generator_preset/generator_overrides:\n  weights: {shipped.cfg}\n  run:     {mine}")
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
