"""Running the generator with ONNX Runtime (CPU), and exporting it to ONNX.

The exported graph takes the noise as inputs instead of drawing it, so one
model serves every noise mode and a seed gives the same picture as PyTorch:

    inputs:  sketch (N, 3, H, W) in [-1, 1], H and W multiples of ``cfg.multiple``
             palette (N, 3K) in [-1, 1]
             hints (N, K, H, W) in {0, 1}, only when the config has hint planes
             noise0 .. noise{L-2} (N, 1, H_i, W_i), one per decoding block,
             coarsest first (H_i = H / 2 ** (L - 2 - i)); already scaled by
             the noise strength.
    outputs: rgb (N, 3, H, W) in [-1, 1]
             roles (N, R, H, W) role logits, only when the config has a role head

``precision="int8"`` runs a copy of that graph whose convolutions are quantized
to 8 bits (:func:`quantize_int8`: static QDQ, per-channel weights, activation
ranges calibrated on synthetic line art drawn here, so no data is needed), for the
app's live preview: on the project's 2-core CPU (AVX-512 VNNI) the whole 256 px preview
takes 0.69-0.89 of the float time (``benchmarks/bench_pipeline.py --ab``, 1 and 2 threads).

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

from .generator import Generator, GeneratorOutput
from .layers import NOISE_MODES, NoiseInjection
from .options import PRECISIONS

DEFAULT_OPSET = 17
# Bump when the int8 recipe (calibration pictures, excluded layers, formats) changes.
INT8_FORMAT = 1
# Calibration: this many synthetic sketches of CALIBRATION_SIZE px (see calibration_sketches).
CALIBRATION_COUNT = 24
CALIBRATION_SIZE = 256
# Bump when the exported graph's inputs or layout change, so old cache files are not reused.
EXPORT_FORMAT = 3  # 3: the stem without the constant palette planes (planeless_stem)
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


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _hash_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def seal(path: Path) -> Path:
    """Write ``path``'s SHA-256 beside it (``NAME.sha256``), for :func:`cache_intact`; returns ``path``."""
    path = Path(path)
    side = _hash_file(path)
    tmp = side.with_name(f".{side.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(_file_sha256(path) + "\n")
        os.replace(tmp, side)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def cache_intact(path: Path) -> bool:
    """Whether the cached graph ``path`` exists and matches the SHA-256 written by :func:`seal`
    (a truncated or altered file, or one without its hash, is made again)."""
    try:
        return path.is_file() and _hash_file(path).read_text().strip() == _file_sha256(path)
    except OSError:
        return False


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

    def forward(self, sketch: torch.Tensor, palette: torch.Tensor, *rest: torch.Tensor):
        cfg = self.gen.cfg
        hints = rest[0] if cfg.hints else None
        self.queue = list(rest[1:] if cfg.hints else rest)
        # Inputs arrive padded to the size multiple (OnnxGenerator pads them), as forward_input pads.
        stem = planeless_stem(self.gen.stem, cfg.sketch_channels, cfg.palette_size, sketch, palette, hints)
        pal = palette if self.gen.film_enc is not None else None
        out = self.gen.trunk(stem, pal, sketch.shape[-2], sketch.shape[-1], noise_mode="random",
                             hints=hints if cfg.hint_levels else None)
        return (out.rgb, out.roles) if out.roles is not None else out.rgb


def planeless_stem(stem: nn.Conv2d, sketch_channels: int, palette_size: int, sketch: torch.Tensor,
                   palette: torch.Tensor, hints: torch.Tensor | None) -> torch.Tensor:
    """The stem convolution of ``Generator.build_input``'s planes without building them.

    The palette's 3K planes are constant, so (zero padding, stride 1) their share of the
    convolution at a pixel is the sum over the kernel taps that fall inside the picture of
    ``sum_c palette[c] * W[:, c, tap]``: a (K3 -> taps) product times a 0/1 map per tap. The
    full-resolution convolution then sees only the sketch and the hint planes (12 of 39
    channels). Same numbers as ``stem(build_input(...))`` up to float rounding.
    """
    w = stem.effective_weight() if hasattr(stem, "effective_weight") else stem.weight
    w = w.float()
    if stem.padding_mode != "zeros" or tuple(stem.stride) != (1, 1) or stem.groups != 1:
        raise ValueError("planeless_stem needs a stride-1, zero-padded, ungrouped stem")
    s, k3 = sketch_channels, 3 * palette_size
    o, _, kh, kw = w.shape
    local_w = w[:, :s] if hints is None else torch.cat([w[:, :s], w[:, s + k3:]], dim=1)
    local = sketch if hints is None else torch.cat([sketch, hints], dim=1)
    out = F.conv2d(local, local_w, stem.bias, stem.stride, stem.padding)
    taps = torch.eye(kh * kw, dtype=w.dtype).reshape(kh * kw, 1, kh, kw)
    inside = F.conv2d(torch.ones_like(sketch[:, :1]), taps, None, stem.stride, stem.padding)  # (N, taps, H, W)
    per_tap = torch.matmul(palette, w[:, s:s + k3].reshape(o, k3, kh * kw).permute(1, 0, 2).reshape(k3, o * kh * kw))
    per_tap = per_tap.reshape(-1, o, kh * kw)                                                  # (N, O, taps)
    return out + torch.matmul(per_tap, inside.flatten(2)).reshape(out.shape)


def input_names(model: Generator) -> list[str]:
    """Names of the exported graph's inputs, in order."""
    cfg = model.cfg
    names = ["sketch", "palette"] + (["hints"] if cfg.hints else [])
    return names + [f"noise{i}" for i in range(len(noise_shapes(model, 1, cfg.multiple, cfg.multiple)))]


def output_names(model: Generator) -> list[str]:
    return ["rgb"] + (["roles"] if model.cfg.num_roles else [])


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
    cfg = model.cfg
    args = [torch.zeros(1, cfg.sketch_channels, side, side), torch.zeros(1, 3 * cfg.palette_size)]
    if cfg.hints:
        args.append(torch.zeros(1, cfg.palette_size, side, side))
    noises = [torch.zeros(s) for s in noise_shapes(model, 1, side, side)]
    names, outs = input_names(model), output_names(model)
    axes = {f"noise{i}": {0: "n", 2: f"h{i}", 3: f"w{i}"} for i in range(len(noises))}
    for name in ["sketch", "hints", *outs]:
        axes[name] = {0: "n", 2: "h", 3: "w"}
    axes["palette"] = {0: "n"}
    axes = {k: v for k, v in axes.items() if k in names or k in outs}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings about python-level shape checks
            torch.onnx.export(wrapper, (*args, *noises), str(tmp), dynamo=False, opset_version=opset,
                              input_names=names, output_names=outs, dynamic_axes=axes,
                              do_constant_folding=True)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def calibration_sketches(count: int = CALIBRATION_COUNT, size: int = CALIBRATION_SIZE,
                         seed: int = 0) -> list[np.ndarray]:
    """``count`` synthetic line drawings, (size, size) uint8, black on white: ellipses, arcs and
    polylines 1-3 px wide at random places (a fixed seed, so the int8 graph is reproducible).
    Only the activations' ranges are taken from them, never a result."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        im = Image.new("L", (size, size), 255)
        draw = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(6, 16))):
            width = int(rng.integers(1, 4))
            x0, y0 = (int(v) for v in rng.integers(-size // 6, size, 2))
            x1, y1 = x0 + int(rng.integers(10, size * 3 // 4)), y0 + int(rng.integers(10, size * 3 // 4))
            kind = int(rng.integers(3))
            if kind == 0:
                draw.ellipse([x0, y0, x1, y1], outline=0, width=width)
            elif kind == 1:
                draw.arc([x0, y0, x1, y1], int(rng.integers(0, 360)), int(rng.integers(0, 360)), fill=0, width=width)
            else:
                pts = [tuple(int(v) for v in p) for p in rng.integers(0, size, (int(rng.integers(2, 6)), 2))]
                draw.line(pts, fill=0, width=width, joint="curve")
        out.append(np.asarray(im))
    return out


def _int8_excluded(graph) -> list[str]:
    """Convolutions kept in float: the stem (it sees the hint planes and the palette taps) and the
    1x1 output layers (the role logits and the colours, and the attention gates' psi): all cheap.
    Found by the names the PyTorch exporter gives them; a renamed one is simply quantized too."""
    names = []
    for node in graph.node:
        if node.op_type != "Conv":
            continue
        if node.name in ("/Conv", "/Conv_1") or "head" in node.name or "psi" in node.name:
            names.append(node.name)
    return names


def quantize_int8(model: Generator, src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Write an int8 copy of the float graph ``src`` (from :func:`export_onnx`) to ``dst``.

    Static quantization in QDQ form of every convolution but :func:`_int8_excluded`'s, weights
    per output channel (int8), activations per tensor (uint8) with min/max ranges over
    :func:`calibration_sketches` run with the default slot palette (a third with random
    colours), no hints (a quarter with one pin) and constant noise.
    """
    import onnx
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from .hints import hint_planes_np
    from .semantic import default_slot_palette

    cfg = model.cfg
    src, dst = Path(src), Path(dst)
    palette = (np.asarray(default_slot_palette().colors, np.float32).reshape(1, -1) / 127.5 - 1.0)
    if palette.shape[1] != 3 * cfg.palette_size:
        palette = np.zeros((1, 3 * cfg.palette_size), np.float32)
    feeds = []
    rng = np.random.default_rng(1)
    for i, sk in enumerate(calibration_sketches()):
        h, w = sk.shape
        x = np.repeat(sk[None, None].astype(np.float32) / 127.5 - 1.0, cfg.sketch_channels, axis=1)
        pal = palette if i % 3 else rng.uniform(-1.0, 1.0, palette.shape).astype(np.float32)  # the user's colours
        f = {"sketch": x, "palette": pal}
        if cfg.hints:
            pins = []
            if i % 4 == 3:  # one pin in a random slot
                x0, y0 = (int(v) for v in rng.integers(16, min(h, w) - 16, 2))
                pins = [(x0, y0, int(rng.integers(cfg.palette_size)))]
            f["hints"] = hint_planes_np(pins, w, h, cfg.palette_size)[None]
        for k, a in enumerate(draw_noise(model, 1, h, w, "const", None, 1.0)):
            f[f"noise{k}"] = a
        feeds.append(f)

    class _Reader(CalibrationDataReader):
        def __init__(self):
            self._it = iter(feeds)

        def get_next(self):
            return next(self._it, None)

    dst.parent.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}.{threading.get_ident()}"
    pre = dst.with_name(f".{dst.name}.{tag}.pre.onnx")
    tmp = dst.with_name(f".{dst.name}.{tag}.tmp")
    try:
        quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
        excluded = _int8_excluded(onnx.load(str(pre)).graph)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_static(str(pre), str(tmp), _Reader(), quant_format=QuantFormat.QDQ,
                            op_types_to_quantize=["Conv"], nodes_to_exclude=excluded, per_channel=True,
                            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
        os.replace(tmp, dst)
    finally:
        for p in (pre, tmp, Path(str(tmp) + ".data")):
            if p.exists():
                p.unlink()
    return dst


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
                 threads: int | None = None, opset: int = DEFAULT_OPSET, precision: str = "fp32"):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        self.model = model
        self.precision = precision
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.threads = threads
        self.opset = opset
        self._session = None
        self._version: tuple | None = None
        self._lock = threading.Lock()
        self._zeros: np.ndarray | None = None   # all-zero hint planes of the last shape
        self.path: Path | None = None

    def _graphs(self, folder: Path, stem: str, trust_cache: bool = True) -> Path:
        """The graph to load, made in ``folder`` where missing or failing its hash check
        (:func:`cache_intact`); a float export in the cache is reused even when ``folder`` is not
        the cache."""
        path = self.cache_dir / f"{stem}.onnx"
        if not (trust_cache and cache_intact(path)):
            path = seal(export_onnx(self.model, folder / f"{stem}.onnx", self.opset))
        if self.precision == "int8":
            q = self.cache_dir / f"{stem}-int8v{INT8_FORMAT}.onnx"
            if not (trust_cache and cache_intact(q)):
                q = seal(quantize_int8(self.model, path, folder / q.name))
            path = q
        return path

    def _build(self) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(self.threads or torch.get_num_threads())
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3

        def session(path: Path):
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

        stem = f"generator-{weights_hash(self.model, self.opset)}"
        try:
            path = self._graphs(self.cache_dir, stem)
            try:
                self._session = session(path)
            except Exception:  # a cached graph that passed its check but does not load: made again
                path = self._graphs(self.cache_dir, stem, trust_cache=False)
                self._session = session(path)
            self.path = path
        except OSError:
            # The cache folder is not writable: what is missing is made in a temp folder, loaded,
            # and the folder removed (the session holds the graph in memory).
            with tempfile.TemporaryDirectory(prefix="colorizer-onnx-") as tmp:
                self._session = session(self._graphs(Path(tmp), stem))
            self.path = None

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

    def _no_hints(self, n: int, h: int, w: int) -> np.ndarray:
        """All-zero hint planes, kept per shape: a fresh 9-plane buffer per call costs the
        live preview a few milliseconds of page faults."""
        shape = (n, self.model.cfg.palette_size, h, w)
        if self._zeros is None or self._zeros.shape != shape:
            self._zeros = np.zeros(shape, np.float32)
            self._zeros.flags.writeable = False
        return self._zeros

    def check(self, sketch: torch.Tensor, palette: torch.Tensor, hints: torch.Tensor | None,
              noise_mode: str) -> None:
        """Raise ValueError for arguments ``Generator.forward`` would refuse too."""
        if noise_mode not in NOISE_MODES:
            raise ValueError(f"noise mode must be one of {NOISE_MODES}, got {noise_mode!r}")
        cfg = self.model.cfg
        if hints is not None and not cfg.hints:
            if bool(hints.any()):  # on the real data: meta tensors have no values
                raise ValueError("this model has no hint planes (config.hints is false)")
            hints = None  # all-zero planes pin nothing: accepted and ignored
        with torch.device("meta"):  # shape checks only, no data
            self.model.build_input(torch.empty(sketch.shape), torch.empty(palette.shape),
                                   None if hints is None else torch.empty(hints.shape))

    def __call__(self, sketch: torch.Tensor, palette: torch.Tensor, hints: torch.Tensor | None = None,
                 noise_mode: str = "random", generator: torch.Generator | None = None,
                 noise_strength: float = 1.0) -> GeneratorOutput:
        """Same contract as ``Generator.forward`` (CPU float tensors in and out)."""
        self.check(sketch, palette, hints, noise_mode)
        cfg = self.model.cfg
        sess = self.session()
        n, _, h, w = sketch.shape
        m = cfg.multiple
        ph, pw = (-h) % m, (-w) % m

        def prep(t: torch.Tensor) -> np.ndarray:
            t = t.detach().to("cpu", torch.float32)
            if ph or pw:
                t = F.pad(t, (0, pw, 0, ph), mode="replicate")
            return t.contiguous().numpy()

        feeds = {"sketch": prep(sketch), "palette": palette.detach().to("cpu", torch.float32).contiguous().numpy()}
        if cfg.hints:
            feeds["hints"] = prep(hints) if hints is not None else self._no_hints(n, h + ph, w + pw)
        for i, a in enumerate(draw_noise(self.model, n, h + ph, w + pw, noise_mode, generator, noise_strength)):
            feeds[f"noise{i}"] = a
        outs = sess.run(output_names(self.model), feeds)
        rgb = torch.from_numpy(outs[0])[..., :h, :w]
        roles = torch.from_numpy(outs[1])[..., :h, :w] if len(outs) > 1 else None
        return GeneratorOutput(rgb, roles)


__all__ = ["DEFAULT_OPSET", "PRECISIONS", "OnnxGenerator", "cache_intact", "seal", "calibration_sketches", "default_cache_dir", "draw_noise",
           "export_onnx", "input_names", "noise_shapes", "output_names", "onnxruntime_available", "quantize_int8",
           "weights_hash"]
