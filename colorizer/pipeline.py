"""The end-to-end colorization pipeline: ``Colorizer``.

    from colorizer import Colorizer
    c = Colorizer.from_pretrained()              # shipped weights, offline
    result = c("sketch.png", reference="ref.jpg", seed=0)
    result.image.save("out.png"); print(result.palette.to_hex())
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

from .config import GeneratorConfig
from .errors import InputImageError, PaletteError
from .generator import Generator, count_parameters
from .palette import PALETTE_SIZE, Palette, extract_palette, palette_planes
from .processing import MAX_SIZE, MIN_SIZE, line_mask, load_image, overlay_lines, target_size, to_image, to_tensor
from .regions import flatten_image
from .weights import load_generator, resolve_weights

# Used when the caller gives neither a reference nor a palette: paper white,
# skin, hair and clothing tones, ordered like an extracted palette.
DEFAULT_PALETTE = "#ffffff,#f6d7c3,#3b3a4f,#c8553d,#5b7db1,#f2c14e,#8fb996,#e8a0b4,#2b2b2b"

# Longer side the network runs at unless told otherwise; the result keeps the sketch's size
# (colours scaled up, then flattened or overlaid with the full-resolution lines). The shipped
# weights were trained on 256 px pictures: run at 512 px they scored about 3 dB PSNR lower
# on test sketches scaled to 512 px than run at 256 px and scaled up (16.2 vs 18.9 dB on 60
# pairs for a checkpoint of the shipped run; train.evaluate --size 512 [--net-size 256]).
DEFAULT_SIZE = 256

BACKENDS = ("auto", "torch", "onnx")
# Overrides the ``backend`` of every Colorizer made with backend="auto" (e.g. "torch").
BACKEND_ENV = "COLORIZER_BACKEND"
# "auto" uses ONNX Runtime only for models at least this large: exporting takes
# seconds, which a toy model (the "tiny" test preset) never wins back.
ONNX_MIN_PARAMS = 100_000


@dataclass
class ColorizeResult:
    image: Image.Image          # the coloured picture at the sketch's size
    color: Image.Image          # the network's colour layer (no line overlay), sketch's size
    lines: Image.Image          # the sketch as a greyscale line layer, sketch's size
    palette: Palette            # the palette used
    seed: int | None            # the noise seed used (None for noise mode "none")
    size: tuple[int, int] = field(default=(0, 0))  # the size the network ran at


def pick_device(device: str | torch.device | None = None) -> torch.device:
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Colorizer:
    """Colours sketches with a :class:`Generator`.

    ``backend`` chooses what runs the network on the CPU: "torch"; "onnx"
    (ONNX Runtime, from an export of the loaded weights cached under
    :func:`colorizer.onnx_backend.default_cache_dir`; same results up to float
    rounding, several times faster on CPU); or "auto" (the default: "onnx" when
    onnxruntime is installed, the device is the CPU, the weights are fp32 and
    the model is not a toy, else "torch"; ``$COLORIZER_BACKEND`` overrides it).
    Any export or runtime error of the ONNX path falls back to PyTorch, once
    and for all, with a warning.
    """

    def __init__(self, model: Generator, device: str | torch.device | None = None,
                 weights_id: str = "unknown", backend: str = "auto"):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.cfg: GeneratorConfig = model.cfg
        self.weights_id = weights_id
        self.backend = backend
        self._onnx = None
        self.onnx_error: str | None = None  # why the ONNX path was given up, if it was
        self._suits: tuple | None = None

    # -- backends ------------------------------------------------------------------------
    def _wants_onnx(self) -> bool:
        backend = self.backend
        if backend == "auto":
            backend = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
        if backend == "torch" or self.onnx_error is not None or self.device.type != "cpu":
            return False
        from .onnx_backend import onnxruntime_available

        if not onnxruntime_available():
            return False
        if backend == "onnx":
            return True
        return self._onnx_suits_model()

    def _onnx_suits_model(self) -> bool:
        """fp32 and not a toy. Walking the parameters costs about a millisecond, so the
        answer is kept while the first parameter keeps its storage and dtype (``.half()``
        and ``.to(...)`` on the whole model change both)."""
        first = next(self.model.parameters(), None)
        key = None if first is None else (first.data_ptr(), first.dtype)
        if self._suits is None or self._suits[0] != key:
            ok = (all(p.dtype == torch.float32 for p in self.model.parameters())
                  and count_parameters(self.model) >= ONNX_MIN_PARAMS)
            self._suits = (key, ok)
        return self._suits[1]

    @property
    def active_backend(self) -> str:
        """"onnx" or "torch": what the next call will run on."""
        return "onnx" if self._wants_onnx() else "torch"

    def _run_onnx(self, x, noise, generator, noise_strength) -> torch.Tensor | None:
        """The ONNX Runtime result, or None after disabling ONNX on an error."""
        from .onnx_backend import OnnxGenerator

        if self._onnx is None:
            self._onnx = OnnxGenerator(self.model)
        self._onnx.check(x, noise)  # bad arguments raise here, as in the torch path
        state = generator.get_state() if generator is not None else None
        try:
            return self._onnx(x, noise, generator, noise_strength)
        except Exception as e:  # export or runtime failure: PyTorch from now on
            self.onnx_error = f"{type(e).__name__}: {e}"
            self._onnx = None
            warnings.warn(f"ONNX Runtime backend failed, using PyTorch instead ({self.onnx_error})",
                          RuntimeWarning, stacklevel=3)
            if generator is not None:
                generator.set_state(state)  # the fallback draws the same noise
            return None

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike | None = None,
                        device: str | torch.device | None = None, use_hub: bool = True,
                        backend: str = "auto") -> "Colorizer":
        """Load weights found by :func:`colorizer.weights.resolve_weights`."""
        folder = resolve_weights(path, use_hub=use_hub)
        return cls(load_generator(folder), device, weights_id=str(folder), backend=backend)

    @classmethod
    def from_random(cls, cfg: GeneratorConfig | None = None, seed: int = 0,
                    device: str | torch.device | None = None, backend: str = "auto") -> "Colorizer":
        """Untrained weights - for tests and benchmarks only, never a silent fallback."""
        torch.manual_seed(seed)
        return cls(Generator(cfg or GeneratorConfig()), device, weights_id=f"random(seed={seed})",
                   backend=backend)

    # -- palette -------------------------------------------------------------------------
    def extract_palette(self, reference, seed: int = 0) -> Palette:
        # JPEG references are decoded at 1/2..1/8 scale: K-means sees a ~128 px copy anyway.
        return extract_palette(load_image(reference, keep_alpha=True, draft=256), self.cfg.palette_size, seed=seed)

    def _palette(self, reference, palette) -> Palette:
        if reference is not None and palette is not None:
            raise PaletteError("give a reference image or a palette, not both")
        if reference is not None:
            return self.extract_palette(reference)
        if palette is None:
            palette = DEFAULT_PALETTE
        if not isinstance(palette, Palette):
            palette = Palette.from_hex(palette, self.cfg.palette_size)
        if len(palette) != self.cfg.palette_size:
            raise PaletteError(f"this model takes {self.cfg.palette_size} colours, got {len(palette)}")
        return palette

    # -- colouring -----------------------------------------------------------------------
    @torch.inference_mode()
    def run(self, sketches: torch.Tensor, palettes: torch.Tensor, noise: str = "random",
            generator: torch.Generator | None = None, noise_strength: float = 1.0) -> torch.Tensor:
        """Tensor interface: (N, 3, H, W) sketches and (N, 3K) palette vectors in [-1, 1]."""
        n, _, h, w = sketches.shape
        if sketches.device.type == "cpu" and palettes.device.type == "cpu":
            # NumPy: one picture's worth of copying is faster without torch's thread hand-offs
            sk = sketches.detach().float().numpy()
            pl = np.broadcast_to(palettes.detach().float().numpy()[:, :, None, None], (n, palettes.shape[1], h, w))
            x = torch.from_numpy(np.concatenate([sk, pl], axis=1)).to(self.device)
        else:
            planes = palettes[:, :, None, None].expand(-1, -1, h, w)
            x = torch.cat([sketches, planes], dim=1).to(self.device)
        if self._wants_onnx():
            y = self._run_onnx(x, noise, generator, noise_strength)
            if y is not None:
                return y
        return self.model(x, noise_mode=noise, generator=generator, noise_strength=noise_strength)

    def __call__(self, sketch, reference=None, palette=None, seed: int | None = 0, size: int = DEFAULT_SIZE,
                 noise: str = "random", noise_strength: float = 1.0, keep_lines: bool = False,
                 allow_empty: bool = False, flat: bool = False,
                 output_size: int | None = None) -> ColorizeResult:
        """Colour ``sketch`` with the colours of ``reference`` or of ``palette``.

        ``size`` is the longer side the network runs at (64..1024, rounded to the
        model's size multiple); the result is returned at the sketch's own size.
        ``keep_lines`` multiplies the original full-resolution lines on top.
        ``flat`` gives every region enclosed by the sketch's lines one colour
        (:func:`colorizer.regions.flat_fill`), at the output resolution.
        ``output_size`` caps the longer side of the result (None: the sketch's own
        size); a live preview uses it to skip work at full resolution.
        ``seed`` fixes the injected noise (None draws a fresh one).
        """
        if not MIN_SIZE <= int(size) <= MAX_SIZE:
            raise InputImageError(f"size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}")
        pal = self._palette(reference, palette)
        src = load_image(sketch)
        if output_size is not None and max(src.size) > int(output_size):
            if int(output_size) < MIN_SIZE:
                raise InputImageError(f"output_size must be at least {MIN_SIZE}, got {output_size}")
            src = src.copy()
            src.thumbnail((int(output_size), int(output_size)), Image.BILINEAR)
        lines = src.convert("L")
        if not allow_empty and float(line_mask(lines).max()) < 0.1:
            raise InputImageError("the sketch is empty: draw or upload some dark lines on a light background")
        tw, th = target_size(*src.size, size, multiple=self.cfg.multiple)
        small = lines.resize((tw, th), Image.BILINEAR if tw < src.size[0] else Image.BICUBIC)
        x = to_tensor(small.convert("RGB"))[None]
        pv = torch.from_numpy(pal.colors.astype(np.float32).reshape(1, -1) / 127.5 - 1.0)
        gen = None
        if noise == "random":
            if seed is None:
                seed = int(torch.randint(0, 2**31 - 1, (1,)).item())
            gen = torch.Generator(device="cpu").manual_seed(int(seed))
        else:
            seed = None
        y = self.run(x, pv, noise=noise, generator=gen, noise_strength=noise_strength)[0]
        color = to_image(y)
        if color.size != src.size:
            color = color.resize(src.size, Image.BICUBIC)
        if flat:
            color = flatten_image(color, lines)
        image = overlay_lines(color, lines) if keep_lines else color
        return ColorizeResult(image=image, color=color, lines=lines, palette=pal, seed=seed, size=(tw, th))


__all__ = ["BACKENDS", "Colorizer", "ColorizeResult", "DEFAULT_PALETTE", "DEFAULT_SIZE", "PALETTE_SIZE", "palette_planes"]
