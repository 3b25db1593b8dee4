"""The training loop, readable top to bottom.

    python -m train --config train/configs/cpu.yaml --out runs/cpu

runs single-process, or under ``torchrun --nproc_per_node N -m train ...`` /
``accelerate launch -m train ...`` with DDP (rank 0 logs and checkpoints).
"""

from __future__ import annotations

import platform
import random
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from . import checkpoint as ckpt
from . import distributed
from .config import TrainConfig
from .dataset import ColorizationDataset, StepSampler, build_dataset, collate
from .export import weights_lineage
from .model import Pix2PixModel
from .samples import sample_grid, save_grid


def hardware(device: torch.device, world_size: int) -> str:
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
    return f"{world_size} x {name}" if world_size > 1 else name


class StopSignal:
    """Turns SIGINT/SIGTERM into a flag the loop checks after each step."""

    def __init__(self):
        self.raised = False
        self._old = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self._old[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread
                pass

    def _handle(self, signum, frame):
        if self.raised:  # second signal: give up at once
            raise KeyboardInterrupt
        self.raised = True
        print(f"\nsignal {signum}: finishing this step and writing a checkpoint", file=sys.stderr)

    def restore(self):
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _fixed_batch(ds: ColorizationDataset, n: int) -> dict | None:
    if ds is None or len(ds) == 0:
        return None
    return collate([ds[i] for i in range(min(n, len(ds)))])


@torch.no_grad()
def validation_l1(model: Pix2PixModel, batch: dict, chunk: int = 4) -> float:
    """Mean L1 of the EMA generator (constant noise) on the fixed validation images."""
    total, count = 0.0, 0
    for i in range(0, len(batch["sketch"]), chunk):
        out = model.generate(batch["sketch"][i:i + chunk], batch["palette"][i:i + chunk], noise_mode="const")
        tgt = batch["target"][i:i + chunk].to(out.device)
        total += float((out - tgt).abs().mean()) * len(tgt)
        count += len(tgt)
    return total / max(count, 1)


def _ignore_stop_signals(_worker_id: int) -> None:
    """DataLoader workers leave SIGINT / SIGTERM to the trainer: a signal sent to the whole process
    group (Ctrl-C in a terminal, ``timeout``, ``kill -- -PGID``, a job scheduler) then ends the step
    and writes a checkpoint instead of killing a worker under the loader. The loader still shuts
    its workers down when training ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def train(cfg: TrainConfig, out: str | Path, resume: bool | str = False, init_from: str | None = None,
          dry_run: bool = False, progress: bool = True) -> dict:
    """Train (or, with ``dry_run``, run and describe one step). Returns the last losses.

    ``resume``: True continues from the run's newest whole checkpoint (there must be one);
    "auto" does so when there is one and otherwise starts (from ``init_from`` if given).
    """
    out = Path(out)
    info = distributed.setup(cfg.compute.device)
    if cfg.compute.threads:
        torch.set_num_threads(int(cfg.compute.threads))
    seed = cfg.run.seed
    if dry_run and info.is_main:  # first, so that it shows even when the data is missing
        print("resolved config:")
        print(cfg.to_yaml().rstrip(), flush=True)
    torch.manual_seed(seed + info.rank)
    np.random.seed(seed + info.rank)
    random.seed(seed + info.rank)

    # ---- state to start from --------------------------------------------------------
    state = None
    if resume:
        found = ckpt.find_resumable(out / "checkpoints")  # skips truncated/corrupt files, with a warning
        if found is None and resume != "auto":
            raise FileNotFoundError(f"--resume: no readable checkpoint in {out / 'checkpoints'}")
        if found is not None:
            path, state = found
            if info.is_main:
                print(f"resuming from {path} (step {state['model']['step']})"
                      + (f"; --init-from {init_from} is not used" if init_from else ""))
            init_from = None

    # ---- model, data ----------------------------------------------------------------
    model = Pix2PixModel(cfg, info.device, ddp=info.enabled)
    if state is not None:
        model.load_state_dict(state["model"])
    elif init_from:
        model.init_from(init_from)
    # what the weights were started from, carried by every checkpoint into the model card
    parent = state.get("parent") if state is not None else (weights_lineage(init_from) if init_from else None)
    gcfg = model.G.cfg
    train_set = build_dataset(cfg, "train", gcfg.palette_size)
    sched, workers, every = cfg.schedule, cfg.compute.num_workers, cfg.run
    sampler = StepSampler(len(train_set), sched.batch_size, sched.steps if not dry_run else model.step + 1,
                          seed, model.step, info.rank, info.world_size)
    loader = DataLoader(train_set, batch_sampler=sampler, collate_fn=collate, num_workers=workers,
                        pin_memory=info.device.type == "cuda", persistent_workers=False,
                        worker_init_fn=_ignore_stop_signals if workers else None,
                        generator=torch.Generator().manual_seed(seed),  # keep the global RNG untouched
                        prefetch_factor=4 if workers else None)
    val_batch, n_val = None, cfg.data.val_images
    if info.is_main and cfg.data.val_path and Path(cfg.data.val_path).exists():
        val_batch = _fixed_batch(build_dataset(cfg, "val", gcfg.palette_size), n_val)
    if info.is_main and val_batch is None:  # samples from (unaugmented) training images
        val_batch = _fixed_batch(ColorizationDataset(train_set.pairs[:n_val], cfg, False, gcfg.palette_size), n_val)
    if state is not None:
        ckpt.set_rng_state(state["rng"])
    elapsed_before = float(state["train_seconds"]) if state is not None else 0.0

    if dry_run:
        return _dry_run(cfg, model, next(iter(loader)), info)

    # ---- bookkeeping (rank 0) -------------------------------------------------------
    writer = None
    if info.is_main:
        out.mkdir(parents=True, exist_ok=True)
        cfg.save_json(out / "train_config.json")
        try:
            from torch.utils.tensorboard import SummaryWriter
            writer = SummaryWriter(str(out / "tb"))
        except ImportError:
            print("tensorboard is not installed: no TensorBoard logs", file=sys.stderr)
    hw = hardware(info.device, info.world_size)

    def save() -> None:
        if info.is_main:
            payload = {"model": model.state_dict(), "config": cfg.to_dict(), "rng": ckpt.rng_state(),
                       "train_seconds": elapsed_before + (time.time() - t0), "hardware": hw,
                       "world_size": info.world_size, "generator_config": gcfg.to_dict(),
                       "torch_version": str(torch.__version__)}
            if parent is not None:
                payload["parent"] = parent
            ckpt.save_checkpoint(payload, out / "checkpoints", model.step, every.keep_checkpoints)
        distributed.barrier(info)

    # ---- the loop -------------------------------------------------------------------
    stop = StopSignal()
    t0 = time.time()
    bar = None
    if info.is_main and progress:
        from tqdm import tqdm
        bar = tqdm(total=sched.steps, initial=model.step, unit="step", dynamic_ncols=True)
    last: dict = {}
    saved_at = start_step = model.step
    saved_time = t0
    try:
        for batch in loader:
            last = model.optimize_parameters(batch)
            step = model.step
            if bar is not None:
                bar.update(1)
                bar.set_postfix({k: f"{last[k]:.3f}" for k in ("g_l1", "d_total") if k in last})
            if info.is_main and (step % every.log_every == 0 or step == 1):
                if writer is not None:
                    for k, v in last.items():
                        writer.add_scalar(f"loss/{k}", v, step)
                if bar is None:  # plain log lines instead of the progress bar
                    rate = (step - start_step) / max(time.time() - t0, 1e-9)
                    terms = " ".join(f"{k}={v:.4g}" for k, v in last.items())
                    print(f"step {step}/{sched.steps} {rate:.2f} it/s {terms}", flush=True)
            if info.is_main and val_batch is not None:
                if every.sample_every and step % every.sample_every == 0:
                    gen = torch.Generator().manual_seed(seed)
                    outp = model.generate(val_batch["sketch"], val_batch["palette"], generator=gen)
                    save_grid(sample_grid(val_batch["sketch"], val_batch["palette"], outp.cpu(),
                                          val_batch["target"]), out / "samples" / f"step_{step:08d}.png")
                if every.val_every and step % every.val_every == 0:
                    v = validation_l1(model, val_batch)
                    if writer is not None:
                        writer.add_scalar("val/l1_ema", v, step)
                    if bar is not None:
                        bar.write(f"step {step}: val L1 (EMA) {v:.4f}")
            over_time = sched.max_minutes is not None and (time.time() - t0) / 60 >= sched.max_minutes
            if distributed.any_flag(stop.raised or over_time, info):
                if info.is_main:
                    why = "signal" if stop.raised else f"time budget of {sched.max_minutes} min"
                    print(f"\nstopping at step {step} ({why})", file=sys.stderr)
                break
            due = bool(every.checkpoint_every) and step % every.checkpoint_every == 0
            if every.checkpoint_minutes and not due:  # the same decision on every rank
                due = distributed.any_flag(time.time() - saved_time >= 60 * every.checkpoint_minutes, info)
            if due:
                save()
                saved_at, saved_time = step, time.time()
        if model.step != saved_at or ckpt.latest_checkpoint(out / "checkpoints") is None:
            save()
    finally:
        stop.restore()
        if bar is not None:
            bar.close()
        if writer is not None:
            writer.close()
        distributed.cleanup()
    return last


def _dry_run(cfg: TrainConfig, model: Pix2PixModel, batch: dict, info) -> dict:
    """One step with a description of everything involved; writes nothing."""
    main = info.is_main
    if main:
        print(f"device: {info.device}  world size: {info.world_size}  bf16: {model.bf16}  "
              f"channels_last: {model.channels_last}")
        for name, n in model.parameter_counts().items():
            print(f"parameters {name}: {n:,}")
        for k in ("sketch", "target", "palette"):
            print(f"batch {k}: {tuple(batch[k].shape)} {batch[k].dtype} "
                  f"[{float(batch[k].min()):.2f}, {float(batch[k].max()):.2f}]")
        with torch.no_grad():
            x = model.G.build_input(batch["sketch"], batch["palette"],
                                    batch.get("hints") if model.G.cfg.hints else None)
            scores = model.D(batch["sketch"].to(model.device), batch["target"].to(model.device))
        print(f"generator input: {tuple(x.shape)}  discriminator scores: {tuple(scores.shape)}")
        if batch.get("labels") is not None:
            lab = batch["labels"]
            print(f"batch labels: {tuple(lab.shape)}  labelled pixels: {float((lab != 255).float().mean()):.3f}")
    t = time.time()
    losses = model.optimize_parameters(batch)
    if main:
        print(f"one step: {time.time() - t:.2f} s")
        weights = model.loss.weights
        for k, v in losses.items():
            w = weights.get(k[len("g_"):]) if k.startswith("g_") else None
            print(f"  {k:10s} {v:.6f}" + (f"  (weight {w:g})" if w is not None else ""))
    distributed.cleanup()
    return losses
