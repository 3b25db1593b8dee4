"""The end-to-end colorization pipeline: ``Colorizer``.

    from colorizer import Colorizer
    c = Colorizer.from_pretrained()              # shipped weights, offline
    result = c("sketch.png", reference="ref.jpg", seed=0)
    result.image.save("out.png"); print(result.palette.to_hex())
"""

from __future__ import annotations

import hashlib
import os
import threading
import warnings
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

from .config import GeneratorConfig
from .errors import InputImageError, PaletteError
from .generator import Generator, GeneratorOutput, count_parameters
from .hints import HintError, hint_planes, parse_hints, scale_hints
from .options import ColorizeOptions
from .palette import PALETTE_SIZE, Palette, extract_palette, palette_planes
from .processing import MAX_SIZE, MIN_SIZE, line_mask, load_image, overlay_lines, target_size, to_image, to_tensor
from .regions import flat_neck, flat_seal, flat_size, flatten_image
from .render import RegionMap, region_map, render_roles, slot_probabilities
from .roles import DEFAULT_SLOT_COLORS, NUM_SLOTS
from .semantic import assign_slots, default_slot_palette
from .weights import load_generator, resolve_weights

# Used when the caller gives neither a reference nor a palette: one colour per semantic
# slot (colorizer.roles.SLOTS: background, skin, hair, eyes, top, bottom, outer, accessory,
# eye whites & mouth).
DEFAULT_PALETTE = ",".join(DEFAULT_SLOT_COLORS)

# Longer side the network runs at when neither the call nor the weights' config.json
# ("_inference": {"size": ...}) says; the result keeps the sketch's size.
DEFAULT_SIZE = 256
# Longer side the reference is segmented at.
SEGMENT_SIZE = 256
# How the role head sees a reference picture: as line art extracted from it, the way it sees
# every sketch ("xdog": for shaded art, "outline": region borders, for flat art), or as the
# colour picture itself ("colour"); the slot probabilities of the views are averaged.
# Measured on the anime check set (docs/notes/session4.md): line art beats the colour picture.
REFERENCE_VIEWS = ("xdog", "outline")
# References whose slot palettes are kept (a live preview re-uses the same reference).
REFERENCE_CACHE = 16
# Network outputs (roles and shading) kept per sketch for flat semantic colouring, so that
# swatch edits re-render without running the network.
STRUCTURE_CACHE = 8

BACKENDS = ("auto", "torch", "onnx")
# Overrides the ``backend`` of every Colorizer made with backend="auto" (e.g. "torch").
BACKEND_ENV = "COLORIZER_BACKEND"
# "auto" uses ONNX Runtime only for models at least this large: exporting takes
# seconds, which a toy model (the "tiny" test preset) never wins back.
ONNX_MIN_PARAMS = 100_000


@dataclass
class ColorizeResult:
    image: Image.Image          # the coloured picture at the sketch's size
    color: Image.Image          # the colour layer (no line overlay), sketch's size
    lines: Image.Image          # the sketch as a greyscale line layer, sketch's size
    palette: Palette            # the palette used
    seed: int | None            # the noise seed used (None for noise mode "none")
    size: tuple[int, int] = field(default=(0, 0))  # the size the network ran at
    # With semantic weights and flat colours: the slot of every pixel (uint8, sketch's size),
    # the flat colours without shading and the shadow amount (0..1) of every pixel.
    slots: np.ndarray | None = None
    base: Image.Image | None = None
    shadow: np.ndarray | None = None
    hints: list = field(default_factory=list)   # the hints used, in the sketch's pixels
    options: ColorizeOptions | None = None      # the options used


def pick_device(device: str | torch.device | None = None) -> torch.device:
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Colorizer:
    """Colours sketches with a :class:`Generator`.

    ``backend`` chooses, once at load time, what runs the network on the CPU:
    "torch"; "onnx" (ONNX Runtime, from an export of the loaded weights cached under
    :func:`colorizer.onnx_backend.default_cache_dir`; same results up to float
    rounding, faster on CPU); or "auto" (the default: "onnx" when onnxruntime is
    installed, the device is the CPU and the model is not a toy, else "torch";
    ``$COLORIZER_BACKEND`` overrides it). An export or runtime error of the ONNX
    path falls back to PyTorch, once and for all, with a warning.

    Weights with a role head (``cfg.num_roles``) use semantic slots: a reference
    fills the palette slot by slot (:meth:`extract_palette`), flat colours give each
    region the role the network sees there, and hints pin regions.
    """

    def __init__(self, model: Generator, device: str | torch.device | None = None,
                 weights_id: str = "unknown", backend: str = "auto"):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.cfg: GeneratorConfig = model.cfg
        self.weights_id = weights_id
        self.requested_backend = backend
        self._onnx: dict = {}   # precision -> OnnxGenerator
        self._onnx_lock = threading.Lock()
        self.onnx_error: str | None = None  # why the ONNX path was given up, if it was
        self.int8_error: str | None = None  # why int8 requests run in float32, if they do
        self.backend = self._choose_backend(backend)
        size = int(getattr(model, "inference", {}).get("size", DEFAULT_SIZE))
        self.default_options = ColorizeOptions(size=size)
        self._references: OrderedDict[str, Palette] = OrderedDict()
        # per sketch: the network's output and the sketch's regions (see _flat_regions)
        self._structure: OrderedDict[str, tuple[GeneratorOutput, tuple]] = OrderedDict()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    @property
    def semantic(self) -> bool:
        """True for weights with a role head: palette slots have fixed roles."""
        return bool(self.cfg.num_roles) and self.cfg.palette_size == NUM_SLOTS

    # -- backends ------------------------------------------------------------------------
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
                self._onnx[precision] = self._onnx.setdefault("fp32", OnnxGenerator(self.model))
                warnings.warn(f"int8 ONNX graph failed, using float32 instead ({self.int8_error})",
                              RuntimeWarning, stacklevel=3)
                if generator is not None:
                    generator.set_state(state)
                return self._run_onnx(sketch, palette, hints, noise, generator, noise_strength)
            # export or runtime failure: PyTorch from now on
            self.onnx_error = f"{type(e).__name__}: {e}"
            self._onnx = {}
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
        """The palette of a reference picture: the one extraction path of the library, CLI and app.

        JPEG references are decoded at 1/2..1/8 scale (K-means sees a ~128 px copy anyway).
        Semantic weights segment the reference and fill each slot with the colour of its
        role (:func:`colorizer.semantic.assign_slots`); others order the 9 K-means colours
        by share. Results are cached per reference picture.
        """
        img = load_image(reference, keep_alpha=True, draft=256)
        km = extract_palette(img, self.cfg.palette_size, seed=seed)
        if not self.semantic:
            return km
        key = hashlib.sha1(img.tobytes() + f"{img.size}{img.mode}{seed}".encode()).hexdigest()
        hit = self._references.get(key)
        if hit is not None:
            self._references.move_to_end(key)
            return hit
        pal = self._slot_palette(img, km)
        self._references[key] = pal
        while len(self._references) > REFERENCE_CACHE:
            self._references.popitem(last=False)
        return pal

    def segment(self, image, views: tuple[str, ...] = REFERENCE_VIEWS) -> np.ndarray:
        """(K, h, w) slot probabilities of a colour picture (at most SEGMENT_SIZE px): the mean
        over ``views`` (see :data:`REFERENCE_VIEWS`) of the role head's segmentation."""
        from .lines import extract_lines

        if not views:
            raise ValueError("segment: give at least one view")
        img = load_image(image)
        tw, th = target_size(*img.size, SEGMENT_SIZE, multiple=self.cfg.multiple)
        rgb = img.convert("RGB").resize((tw, th), Image.BILINEAR if tw < img.size[0] else Image.BICUBIC)
        pv = _palette_tensor(default_slot_palette())
        total = None
        for view in views:
            seen = rgb if view == "colour" else extract_lines(rgb, view).convert("RGB")
            out = self.run(to_tensor(seen)[None], pv, None, noise="const")
            p = slot_probabilities(out.roles[0].float().numpy(), self.cfg.palette_size)
            total = p if total is None else total + p
        return total / len(views)

    def _slot_palette(self, img: Image.Image, km: Palette) -> Palette:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        white.alpha_composite(rgba)
        probs = self.segment(white.convert("RGB"))
        # Pixels and their slots at the segmentation's size: opaque pixels only.
        h, w = probs.shape[1:]
        small = rgba.resize((w, h), Image.BILINEAR)
        arr = np.asarray(small)
        opaque = arr[..., 3].ravel() >= 128
        line_like = probs.sum(axis=0).ravel() < 0.5   # the role head calls it ink
        slots = probs.argmax(axis=0).astype(np.uint8).ravel()
        slots[line_like] = 255
        return assign_slots(arr[..., :3].reshape(-1, 3)[opaque], slots[opaque], km, self.cfg.palette_size)

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

    def warm_up(self, precisions: tuple[str, ...] = ("fp32",)) -> None:
        """Build the ONNX sessions for ``precisions`` now (the export, and for "int8" the
        quantized graph: a few seconds once per weights, then cached on disk) instead of on the
        first call. Nothing to do on the torch backend."""
        if self.active_backend != "onnx":
            return
        m = self.cfg.multiple
        x = torch.ones(1, self.cfg.sketch_channels, m, m)
        palette = torch.zeros(1, 3 * self.cfg.palette_size)
        for p in precisions:
            self.run(x, palette, None, noise="const", precision=p)

    # -- colouring -----------------------------------------------------------------------
    @torch.inference_mode()
    def run(self, sketches: torch.Tensor, palettes: torch.Tensor, hints: torch.Tensor | None = None,
            noise: str = "random", generator: torch.Generator | None = None,
            noise_strength: float = 1.0, precision: str = "fp32") -> GeneratorOutput:
        """Tensor interface: (N, 3, H, W) sketches, (N, 3K) palettes in [-1, 1], optional
        (N, K, H, W) hint planes. Returns :class:`colorizer.generator.GeneratorOutput`.
        ``precision="int8"`` runs the 8-bit ONNX graph (the float model on the torch backend)."""
        if self.active_backend == "onnx":
            y = self._run_onnx(sketches, palettes, hints, noise, generator, noise_strength, precision)
            if y is not None:
                return y
        dev = self.device
        # the model's own dtype (a .half() / bf16 model would refuse fp32 inputs in GroupNorm)
        dt = next(self.model.parameters()).dtype
        return self.model(sketches.to(dev, dt), palettes.to(dev, dt), None if hints is None else hints.to(dev, dt),
                          noise_mode=noise, generator=generator, noise_strength=noise_strength)

    def options(self, options: ColorizeOptions | None = None, **overrides) -> ColorizeOptions:
        """``options`` (default: these weights' defaults) with ``overrides`` applied."""
        opts = options if options is not None else self.default_options
        opts = opts.replace(**overrides) if overrides else opts.validate()
        if opts.size is None:  # also for an explicit size=None: these weights' own size
            opts = opts.replace(size=self.default_options.size)
        return opts

    def __call__(self, sketch, reference=None, palette=None, options: ColorizeOptions | None = None, *,
                 hints=None, **overrides) -> ColorizeResult:
        """Colour ``sketch`` with the colours of ``reference`` or of ``palette``.

        Options (:class:`colorizer.options.ColorizeOptions`, or any of its fields as
        keywords: ``seed``, ``size``, ``noise``, ``noise_strength``, ``keep_lines``,
        ``flat``, ``cel_shading``, ``output_size``, ``allow_empty``, ``precision``). ``size`` is the
        longer side the network runs at; the result has the sketch's own size (capped by
        ``output_size``). ``hints``: ``[(x, y, slot), ...]`` in the sketch's pixels, each
        pinning the region under the point to that palette slot (semantic weights).
        """
        opts = self.options(options, **overrides)
        size = int(opts.size)
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise InputImageError(f"size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}")
        pal = self._palette(reference, palette)
        src = load_image(sketch)
        pins = parse_hints(hints, src.size[0], src.size[1], self.cfg.palette_size)
        if pins and not self.semantic:
            raise HintError("these weights have no role head, so they cannot take hints; "
                            "use semantic weights (config num_roles > 0)")
        if opts.output_size is not None and max(src.size) > int(opts.output_size):
            if int(opts.output_size) < MIN_SIZE:
                raise InputImageError(f"output_size must be at least {MIN_SIZE}, got {opts.output_size}")
            orig = src.size
            src = src.copy()
            src.thumbnail((int(opts.output_size), int(opts.output_size)), Image.BILINEAR)
            pins = scale_hints(pins, orig, src.size)
        lines = src.convert("L")
        if not opts.allow_empty and float(line_mask(lines).max()) < 0.1:
            raise InputImageError("the sketch is empty: draw or upload some dark lines on a light background")
        tw, th = target_size(*src.size, size, multiple=self.cfg.multiple)
        small = lines.resize((tw, th), Image.BILINEAR if tw < src.size[0] else Image.BICUBIC)
        x = to_tensor(small.convert("RGB"))[None]
        planes = (hint_planes(scale_hints(pins, src.size, (tw, th)), tw, th, self.cfg.palette_size)
                  if self.cfg.hints and pins else None)
        seed = opts.seed
        gen = None
        if opts.noise == "random":
            if seed is None:
                seed = int(torch.randint(0, 2**31 - 1, (1,)).item())
            gen = torch.Generator(device="cpu").manual_seed(int(seed))
        else:
            seed = None
        if opts.flat and self.semantic:
            # Flat colours with semantic slots: the network runs with the default slot palette
            # and gives the role of every region and where its shading falls; the user's palette
            # only paints. So editing one swatch recolours that role's regions and nothing else,
            # and an edit needs no new network run (cached per sketch, hints and noise).
            from .onnx_backend import weights_version

            key = hashlib.sha1(np.asarray(small).tobytes() + repr((small.size, pins, src.size, opts.noise, seed,
                                                                     opts.noise_strength, opts.precision,
                                                                     weights_version(self.model))
                                                                    ).encode()).hexdigest()
            hit = self._structure.get(key)
            if hit is None:
                # The sketch's regions depend on its lines only: found in a worker thread while
                # the network runs (ONNX Runtime and OpenCV leave the interpreter lock free).
                job = self._worker().submit(self._flat_regions, lines)
                try:
                    out = self.run(x, _palette_tensor(default_slot_palette()), planes, noise=opts.noise,
                                   generator=gen, noise_strength=opts.noise_strength, precision=opts.precision)
                finally:
                    regions = job.result()
                hit = self._structure[key] = (out, regions)
                while len(self._structure) > STRUCTURE_CACHE:
                    self._structure.popitem(last=False)
            else:
                self._structure.move_to_end(key)
            out, regions = hit
        else:
            regions = None
            out = self.run(x, _palette_tensor(pal), planes, noise=opts.noise, generator=gen,
                           noise_strength=opts.noise_strength, precision=opts.precision)
        color = to_image(out.rgb[0])
        slots = base = shadow = None
        if opts.flat and out.roles is not None and self.semantic:
            color, base, slots, shadow = self._render_semantic(color, out.roles[0], lines, pal, pins, opts, regions)
        else:
            if color.size != src.size:
                color = color.resize(src.size, Image.BICUBIC)
            if opts.flat:
                color = flatten_image(color, lines)
        image = overlay_lines(color, lines) if opts.keep_lines else color
        return ColorizeResult(image=image, color=color, lines=lines, palette=pal, seed=seed, size=(tw, th),
                              slots=slots, base=base, shadow=shadow, hints=pins, options=opts)

    def _worker(self) -> ThreadPoolExecutor:
        """One worker thread for the work that can run beside the network."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="colorizer")
            return self._pool

    @staticmethod
    def _flat_regions(lines: Image.Image) -> tuple[np.ndarray, RegionMap]:
        """The line darkness and the :class:`colorizer.render.RegionMap` of the sketch at the size
        flat colours are rendered at (:func:`flat_size`)."""
        fw, fh = flat_size(*lines.size)
        ske = lines.resize((fw, fh), Image.BILINEAR) if lines.size != (fw, fh) else lines
        dark = line_mask(ske)
        return dark, region_map(dark, flat_seal(fh, fw), flat_neck(fh, fw))

    def _render_semantic(self, color: Image.Image, roles: torch.Tensor, lines: Image.Image, pal: Palette,
                         pins: list, opts: ColorizeOptions, regions: tuple[np.ndarray, RegionMap]):
        """Flat colours by role at the sketch's size (at most FLAT_MAX_SIDE, then scaled);
        ``regions``: :meth:`_flat_regions` of ``lines``."""
        w, h = lines.size
        fw, fh = flat_size(w, h)
        col = color.resize((fw, fh), Image.BICUBIC) if color.size != (fw, fh) else color
        logits = roles.float()[None]
        if logits.shape[-2:] != (fh, fw):
            logits = torch.nn.functional.interpolate(logits, size=(fh, fw), mode="bilinear", align_corners=False)
        probs = slot_probabilities(logits[0].numpy(), self.cfg.palette_size)
        dark, rmap = regions
        r = render_roles(np.asarray(col.convert("RGB")), dark, probs, pal.colors,
                         pins=scale_hints(pins, (w, h), (fw, fh)), seal=flat_seal(fh, fw),
                         neck=flat_neck(fh, fw), cel_shading=opts.cel_shading, regions=rmap)
        image, base = Image.fromarray(r.image, "RGB"), Image.fromarray(r.base, "RGB")
        slots, shadow = r.slots, r.shadow
        if (fw, fh) != (w, h):
            image, base = image.resize((w, h), Image.BICUBIC), base.resize((w, h), Image.NEAREST)
            slots = np.asarray(Image.fromarray(slots).resize((w, h), Image.NEAREST))
            shadow = np.asarray(Image.fromarray(shadow).resize((w, h), Image.BILINEAR))
        return image, base, slots, shadow

    def batch(self, sketches, references=None, palettes=None, options: ColorizeOptions | None = None,
              hints=None, **overrides) -> list[ColorizeResult]:
        """Colour many sketches: ``references`` / ``palettes`` / ``hints`` are None, one value for
        all, or a list with one entry per sketch. Each result equals the single call's."""
        sketches = list(sketches)
        n = len(sketches)

        def spread(value, name: str, single: bool) -> list:
            if single:
                return [value] * n
            value = list(value)
            if len(value) != n:
                raise ValueError(f"{name}: {len(value)} entries for {n} sketches")
            return value

        refs = spread(references, "references", not isinstance(references, (list, tuple)))
        pals = spread(palettes, "palettes", palettes is None or isinstance(palettes, (str, Palette)))

        def one_hint_list(v) -> bool:  # [(x, y, slot), ...] rather than one list per sketch
            return v is None or len(v) == 0 or all(
                isinstance(h, dict) or (isinstance(h, (list, tuple)) and len(h) == 3
                                        and all(isinstance(c, (int, float)) for c in h)) for h in v)

        hl = spread(hints, "hints", one_hint_list(hints))
        opts = self.options(options, **overrides)
        return [self(s, reference=r, palette=p, options=opts, hints=h) for s, r, p, h in zip(sketches, refs, pals, hl)]


def _palette_tensor(pal: Palette) -> torch.Tensor:
    return torch.from_numpy(pal.colors.astype(np.float32).reshape(1, -1) / 127.5 - 1.0)


__all__ = ["BACKENDS", "Colorizer", "ColorizeOptions", "ColorizeResult", "DEFAULT_PALETTE", "DEFAULT_SIZE",
           "PALETTE_SIZE", "palette_planes"]
