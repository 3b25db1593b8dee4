"""What runs the network: the device, the backend (PyTorch or ONNX Runtime), and the small
caches and the worker thread the pipeline keeps beside it.

:class:`Network` chooses its backend once, at load time: "torch"; "onnx" (ONNX Runtime, from
an export of the loaded weights cached under :func:`colorizer.onnx_backend.default_cache_dir`;
same results up to float rounding, faster on CPU); or "auto" (the default: "onnx" when
onnxruntime is installed, the device is the CPU and the model is not a toy, else "torch";
``$COLORIZER_BACKEND`` overrides it). An export or runtime error of the ONNX path falls back to
PyTorch, once and for all, with a warning; an int8 graph that fails falls back to float ONNX.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, Hashable, TypeVar

import torch

from .errors import ColorizerError
from .generator import Generator, GeneratorOutput, count_parameters

BACKENDS = ("auto", "torch", "onnx")
# Overrides the ``backend`` of every Colorizer made with backend="auto" (e.g. "torch").
BACKEND_ENV = "COLORIZER_BACKEND"
# "auto" uses ONNX Runtime only for models at least this large: exporting takes
# seconds, which a toy model (the "tiny" test preset) never wins back.
ONNX_MIN_PARAMS = 100_000


class DeviceError(ColorizerError):
    """A device name that is unknown, or names hardware this machine does not have."""


def pick_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` as a torch device (default: CUDA when available, else the CPU); a
    :class:`DeviceError` for an unknown name or a CUDA device that is not there."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise DeviceError(f"unknown device {device!r}; use cpu or cuda (cuda:0, cuda:1, ...)") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"device {device!r}: CUDA is not available on this machine; use --device cpu")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceError(f"device {device!r}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    elif dev.type != "cpu":
        raise DeviceError(f"device {device!r} is not supported; use cpu or cuda")
    return dev


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """The ``size`` most recently used entries (thread-safe)."""

    def __init__(self, size: int):
        self.size = int(size)
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Worker:
    """One background thread for the work that can run beside the network (ONNX Runtime and
    OpenCV leave the interpreter lock free), started on first use."""

    def __init__(self, name: str = "colorizer"):
        self._name = name
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, fn, *args):
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
            return self._pool.submit(fn, *args)


class Network:
    """The generator on its device and backend: :meth:`run` is the tensor interface."""

    def __init__(self, model: Generator, device: str | torch.device | None = None, backend: str = "auto"):
        if backend not in BACKENDS:
            raise ColorizerError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.cfg = model.cfg
        self.requested_backend = backend
        self._onnx: dict = {}   # precision -> OnnxGenerator
        self._onnx_lock = threading.Lock()
        self.onnx_error: str | None = None  # why the ONNX path was given up, if it was
        self.int8_error: str | None = None  # why int8 requests run in float32, if they do
        self.backend = self._choose_backend(backend)

    def _choose_backend(self, backend: str) -> str:
        if backend == "auto":
            backend = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
            if backend not in BACKENDS:
                backend = "auto"
        if backend == "torch" or self.device.type != "cpu":
            return "torch"
        from .onnx_backend import onnxruntime_available

        if not onnxruntime_available():
            return "torch"
        if backend == "onnx":
            return "onnx"
        return "onnx" if count_parameters(self.model) >= ONNX_MIN_PARAMS else "torch"

    @property
    def active_backend(self) -> str:
        """"onnx" or "torch": what the next call will run on."""
        return "onnx" if self.backend == "onnx" and self.onnx_error is None else "torch"

    def onnx_runners(self) -> dict:
        """The ONNX runners built so far, by precision (a copy)."""
        with self._onnx_lock:
            return dict(self._onnx)

    def _run_onnx(self, sketch, palette, hints, noise, generator, noise_strength,
                  precision: str = "fp32") -> GeneratorOutput | None:
        """The ONNX Runtime result, or None after disabling ONNX on an error."""
        from .onnx_backend import OnnxGenerator

        with self._onnx_lock:  # one runner per precision, also when the app warms up beside a call
            if precision not in self._onnx:
                self._onnx[precision] = OnnxGenerator(self.model, precision=precision)
            runner = self._onnx[precision]
        runner.check(sketch, palette, hints, noise)  # bad arguments raise here, as in the torch path
        state = generator.get_state() if generator is not None else None
        try:
            return runner(sketch, palette, hints, noise, generator, noise_strength)
        except Exception as e:
            if precision != "fp32":  # the 8-bit graph failed: float ONNX from now on
                self.int8_error = f"{type(e).__name__}: {e}"
                with self._onnx_lock:
                    self._onnx[precision] = self._onnx.setdefault("fp32", OnnxGenerator(self.model))
                warnings.warn(f"int8 ONNX graph failed, using float32 instead ({self.int8_error})",
                              RuntimeWarning, stacklevel=4)
                if generator is not None:
                    generator.set_state(state)
                return self._run_onnx(sketch, palette, hints, noise, generator, noise_strength)
            # export or runtime failure: PyTorch from now on
            self.onnx_error = f"{type(e).__name__}: {e}"
            with self._onnx_lock:
                self._onnx = {}
            warnings.warn(f"ONNX Runtime backend failed, using PyTorch instead ({self.onnx_error})",
                          RuntimeWarning, stacklevel=4)
            if generator is not None:
                generator.set_state(state)  # the fallback draws the same noise
            return None

    @torch.inference_mode()
    def run(self, sketches: torch.Tensor, palettes: torch.Tensor, hints: torch.Tensor | None = None,
            noise: str = "random", generator: torch.Generator | None = None,
            noise_strength: float = 1.0, precision: str = "fp32") -> GeneratorOutput:
        """(N, 3, H, W) sketches, (N, 3K) palettes in [-1, 1], optional (N, K, H, W) hint planes ->
        :class:`colorizer.generator.GeneratorOutput`. ``precision="int8"`` runs the 8-bit ONNX
        graph (the float model on the torch backend)."""
        if self.active_backend == "onnx":
            y = self._run_onnx(sketches, palettes, hints, noise, generator, noise_strength, precision)
            if y is not None:
                return y
        dev = self.device
        # the model's own dtype (a .half() / bf16 model would refuse fp32 inputs in GroupNorm)
        dt = next(self.model.parameters()).dtype
        return self.model(sketches.to(dev, dt), palettes.to(dev, dt), None if hints is None else hints.to(dev, dt),
                          noise_mode=noise, generator=generator, noise_strength=noise_strength)

    def warm_up(self, precisions: tuple[str, ...] = ("fp32",)) -> None:
        """Build the ONNX sessions for ``precisions`` now instead of on the first call."""
        if self.active_backend != "onnx":
            return
        m = self.cfg.multiple
        x = torch.ones(1, self.cfg.sketch_channels, m, m)
        palette = torch.zeros(1, 3 * self.cfg.palette_size)
        for p in precisions:
            self.run(x, palette, None, noise="const", precision=p)


__all__ = ["BACKENDS", "BACKEND_ENV", "DeviceError", "LruCache", "Network", "ONNX_MIN_PARAMS", "Worker",
           "pick_device"]
