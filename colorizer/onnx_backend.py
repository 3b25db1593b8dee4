"""Running the generator with ONNX Runtime (CPU), and exporting it to ONNX.

The exported graph takes the noise as inputs instead of drawing it, so one
model serves every noise mode and a seed gives the same picture as PyTorch:

    inputs:  x (N, 30, H, W) in [-1, 1], H and W multiples of ``cfg.multiple``
             noise0 .. noise{L-2} (N, 1, H_i, W_i), one per decoding block,
             coarsest first (H_i = H / 2 ** (L - 2 - i)); already scaled by
             the noise strength.
    output:  y (N, 3, H, W) in [-1, 1]

:class:`OnnxGenerator` draws that noise with the same ``torch.Generator`` calls,
in the same order, as :class:`colorizer.layers.NoiseInjection` does, pads
inputs to the size multiple like :class:`colorizer.generator.Generator`, and
exports lazily to a cache file named by a hash of the weights and the config.
It notices when the PyTorch weights change in place and exports again.

Nothing here imports onnxruntime until a session is built, and
:func:`onnxruntime_available` says whether it can be.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import os
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .generator import Generator
from .layers import NOISE_MODES, NoiseInjection

DEFAULT_OPSET = 17
# Bump when the exported graph's inputs or layout change, so old cache files are not reused.
EXPORT_FORMAT = 1
CACHE_ENV = "COLORIZER_CACHE"


def onnxruntime_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def default_cache_dir() -> Path:
    """``$COLORIZER_CACHE/onnx``, else ``$XDG_CACHE_HOME`` (``~/.cache``)/anime-sketch-colorizer/onnx."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser() / "onnx"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "anime-sketch-colorizer" / "onnx"


def weights_hash(model: Generator, opset: int = DEFAULT_OPSET) -> str:
    """SHA-256 (first 16 hex digits) of the config, the weights and the export settings."""
    h = hashlib.sha256()
    h.update(json.dumps(model.cfg.to_dict(), sort_keys=True).encode())
    h.update(f"format={EXPORT_FORMAT};opset={opset};torch={torch.__version__}".encode())
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def weights_version(model: nn.Module) -> tuple:
    """A cheap fingerprint that changes whenever a parameter is written in place."""
    return tuple((p._version, p.data_ptr()) for p in model.parameters())


class _FedNoise(nn.Module):
    """Stands in for :class:`NoiseInjection` in the export: adds ``weight * noise``
    where the noise is the next tensor handed in by :class:`_NoiseInputs`."""

    def __init__(self, weight: torch.Tensor, owner: "_NoiseInputs"):
        super().__init__()
        self.weight = nn.Parameter(weight.detach().clone(), requires_grad=False)
        self._owner = [owner]  # a list, so the owner is not registered as a submodule

    def forward(self, x, mode="random", generator=None, strength=1.0):
        return x + self.weight.to(x.dtype) * self._owner[0].queue.pop(0)


class _NoiseInputs(nn.Module):
    """The generator with its per-block noise as explicit inputs (what gets exported)."""

    def __init__(self, model: Generator):
        super().__init__()
        self.gen = copy.deepcopy(model).float().eval()
        self.queue: list[torch.Tensor] = []
        for block in self.gen.decoder:
            if isinstance(block.noise, NoiseInjection):
                block.noise = _FedNoise(block.noise.weight, self)

    def forward(self, x: torch.Tensor, *noises: torch.Tensor) -> torch.Tensor:
        self.queue = list(noises)
        return self.gen(x, noise_mode="random")


def noise_shapes(model: Generator, n: int, h: int, w: int) -> list[tuple[int, int, int, int]]:
    """Shapes of the noise inputs for a padded (h, w) input, in decoder order."""
    cfg = model.cfg
    if not cfg.noise:
        return []
    levels = cfg.num_levels
    return [(n, 1, h >> (levels - 2 - i), w >> (levels - 2 - i)) for i in range(levels - 1)]


def export_onnx(model: Generator, path: str | os.PathLike, opset: int = DEFAULT_OPSET,
                example_size: int = 64) -> Path:
    """Write ``model`` as an ONNX graph with dynamic batch, height and width."""
    path = Path(path)
    m = model.cfg.multiple
    side = max(m, (example_size // m) * m)
    wrapper = _NoiseInputs(model)
    x = torch.zeros(1, model.cfg.in_channels, side, side)
    noises = [torch.zeros(s) for s in noise_shapes(model, 1, side, side)]
    names = ["x"] + [f"noise{i}" for i in range(len(noises))]
    axes = {name: {0: "n", 2: f"h{i}", 3: f"w{i}"} for i, name in enumerate(names)}
    axes["x"] = axes["y"] = {0: "n", 2: "h", 3: "w"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about python-level shape checks
            torch.onnx.export(wrapper, (x, *noises), str(tmp), dynamo=False, opset_version=opset,
                              input_names=names, output_names=["y"], dynamic_axes=axes,
                              do_constant_folding=True)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def draw_noise(model: Generator, n: int, h: int, w: int, mode: str, generator: torch.Generator | None,
               strength: float) -> list[np.ndarray]:
    """The noise the PyTorch generator would draw for a padded (h, w) input, as arrays.

    Same calls in the same order as :class:`NoiseInjection` on the CPU, so a seed
    reproduces the PyTorch result.
    """
    shapes = noise_shapes(model, n, h, w)
    if mode == "none" or strength == 0.0:
        return [np.zeros(s, np.float32) for s in shapes]
    out = []
    for s in shapes:
        gen = generator
        if mode == "const":
            gen = torch.Generator(device="cpu").manual_seed(NoiseInjection.CONST_SEED)
        a = torch.randn(s, generator=gen).numpy()
        out.append(a if strength == 1.0 else a * np.float32(strength))
    return out


class OnnxGenerator:
    """Runs a :class:`Generator` through ONNX Runtime's CPU provider.

    The session is built on first use from an export cached under ``cache_dir``
    (by default :func:`default_cache_dir`) and rebuilt if the weights change.
    """

    def __init__(self, model: Generator, cache_dir: str | os.PathLike | None = None,
                 threads: int | None = None, opset: int = DEFAULT_OPSET):
        self.model = model
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.threads = threads
        self.opset = opset
        self._session = None
        self._version: tuple | None = None
        self._lock = threading.Lock()
        self.path: Path | None = None

    def _build(self) -> None:
        import onnxruntime as ort

        path = self.cache_dir / f"generator-{weights_hash(self.model, self.opset)}.onnx"
        if not path.is_file():
            try:
                export_onnx(self.model, path, self.opset)
            except OSError:  # cache folder not writable: export to a private temp folder
                path = Path(tempfile.mkdtemp(prefix="colorizer-onnx-")) / path.name
                export_onnx(self.model, path, self.opset)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(self.threads or torch.get_num_threads())
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.path = path

    def session(self):
        """The ONNX Runtime session for the current weights (built on first use; thread-safe)."""
        version = weights_version(self.model)
        with self._lock:  # the app may colour a preview and a full result at the same time
            if self._session is None or version != self._version:
                self._session = None
                with torch.inference_mode(False):  # copies made for the export must be normal tensors
                    self._build()
                self._version = version
            return self._session

    def check(self, x: torch.Tensor, noise_mode: str) -> None:
        """Raise ValueError for arguments ``Generator.forward`` would refuse too."""
        cfg = self.model.cfg
        if noise_mode not in NOISE_MODES:
            raise ValueError(f"noise mode must be one of {NOISE_MODES}, got {noise_mode!r}")
        if x.ndim != 4 or x.shape[1] != cfg.in_channels:
            raise ValueError(f"expected input of shape (N, {cfg.in_channels}, H, W), got {tuple(x.shape)}")

    def __call__(self, x: torch.Tensor, noise_mode: str = "random", generator: torch.Generator | None = None,
                 noise_strength: float = 1.0) -> torch.Tensor:
        """Same contract as ``Generator.forward`` (CPU float tensors in and out)."""
        self.check(x, noise_mode)
        cfg = self.model.cfg
        sess = self.session()
        n, _, h, w = x.shape
        m = cfg.multiple
        ph, pw = (-h) % m, (-w) % m
        x = x.detach().to("cpu", torch.float32)
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph), mode="replicate")
        feeds = {"x": x.contiguous().numpy()}
        for i, a in enumerate(draw_noise(self.model, n, h + ph, w + pw, noise_mode, generator, noise_strength)):
            feeds[f"noise{i}"] = a
        y = sess.run(["y"], feeds)[0]
        return torch.from_numpy(y)[..., :h, :w]


__all__ = ["DEFAULT_OPSET", "OnnxGenerator", "default_cache_dir", "draw_noise", "export_onnx",
           "noise_shapes", "onnxruntime_available", "weights_hash"]
