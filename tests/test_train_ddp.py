"""Two CPU processes (gloo): DDP keeps G and D identical and the trainer runs under it."""

import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from _train_helpers import make_pairs, tiny_config

pytestmark = pytest.mark.integration  # two processes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, world: int, port: int, root: str, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                      WORLD_SIZE=str(world), LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    from pathlib import Path

    from train.dataset import StepSampler, build_dataset, collate
    from train.model import Pix2PixModel
    from train.trainer import train

    dist.init_process_group("gloo", rank=rank, world_size=world)
    cfg = tiny_config(Path(root), {"schedule.steps": 2, "run.checkpoint_every": 2})
    torch.manual_seed(rank)  # different init on each rank: DDP must broadcast rank 0's
    model = Pix2PixModel(cfg, "cpu", ddp=True)
    ds = build_dataset(cfg)
    for batch_ids in StepSampler(len(ds), 2, 2, rank=rank, world_size=world):
        model.optimize_parameters(collate([ds[i] for i in batch_ids]))
    flat = torch.cat([p.detach().flatten() for p in list(model.G.parameters()) + list(model.D.parameters())])
    gathered = [torch.zeros_like(flat) for _ in range(world)]
    dist.all_gather(gathered, flat)
    torch.save({"same": bool(torch.equal(gathered[0], gathered[1]))}, f"{out}/rank{rank}.pt")
    train(cfg, Path(out) / "run", progress=False)  # reuses the group, destroys it at the end


def test_two_process_gloo_ddp(tmp_path):
    root = make_pairs(tmp_path / "data", 4, 32)
    mp.spawn(_worker, args=(2, _free_port(), str(root), str(tmp_path)), nprocs=2, join=True)
    for r in range(2):
        assert torch.load(tmp_path / f"rank{r}.pt", weights_only=True)["same"]
    ckpts = list((tmp_path / "run" / "checkpoints").glob("checkpoint-*.pt"))
    assert [p.name for p in ckpts] == ["checkpoint-00000002.pt"]
    state = torch.load(ckpts[0], weights_only=True)
    assert state["world_size"] == 2
