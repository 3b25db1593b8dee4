"""The end-to-end colorization pipeline: ``Colorizer``.

    from colorizer import Colorizer
    c = Colorizer.from_pretrained()              # shipped weights, offline
    result = c("sketch.png", reference="ref.jpg", seed=0)
    result.image.save("out.png"); print(result.palette.to_hex())

This module is the flow only: options, palette, sketch and hints in; the network input built
once; the renderer chosen at load time (:mod:`colorizer.renderers`) colours it; the lines go
on top. What runs the network lives in :mod:`colorizer.runtime`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image

from .config import GeneratorConfig
from .errors import ColorizerError, InputImageError, PaletteError
from .generator import Generator, GeneratorOutput
from .hints import HintError, hint_planes, parse_hints, scale_hints
from .matches import MatchError, parse_matches, resolve_matches, scale_matches
from .options import ColorizeOptions
from .palette import PALETTE_SIZE, Palette
from .processing import line_mask, load_image, overlay_lines, target_size, to_tensor
from .reference import source_size
from .renderers import Renderer, choose_renderer
from .roles import DEFAULT_SLOT_COLORS
from .runtime import BACKENDS, Network
from .settings import DEFAULT_RENDER, RenderSettings
from .weights import load_generator, resolve_weights

# Used when the caller gives neither a reference nor a palette: one colour per semantic
# slot (colorizer.roles.SLOTS: background, skin, hair, eyes, top, bottom, outer, accessory,
# eye whites & mouth).
DEFAULT_PALETTE = ",".join(DEFAULT_SLOT_COLORS)

# Longer side the network runs at when neither the call nor the weights' config.json
# ("_inference": {"size": ...}) says; the result keeps the sketch's size.
DEFAULT_SIZE = 256


@dataclass
class ColorizeResult:
    image: Image.Image          # the coloured picture at the sketch's size
    color: Image.Image          # the colour layer (no line overlay), sketch's size
    lines: Image.Image          # the sketch as a greyscale line layer, sketch's size
    palette: Palette            # the palette used
    seed: int | None            # the noise seed used (None for noise mode "none")
    size: tuple[int, int] = field(default=(0, 0))  # the size the network ran at
    # With the slot renderer and flat colours: the slot of every pixel (uint8, sketch's size),
    # the flat colours without shading and the shadow amount (0..1) of every pixel.
    slots: np.ndarray | None = None
    base: Image.Image | None = None
    shadow: np.ndarray | None = None
    hints: list = field(default_factory=list)   # the hints used, in the sketch's pixels
    # the point matches used: (x, y, rx, ry), the sketch point in the result's pixels, the
    # reference point in the reference's own
    matches: list = field(default_factory=list)
    options: ColorizeOptions | None = None      # the options used

    @property
    def default_slots(self) -> tuple[int, ...]:
        """Palette slots that kept their default colour (:data:`colorizer.roles.DEFAULT_SLOT_COLORS`)
        because the reference lacks that part or the palette left it out (``palette.defaults``)."""
        d = self.palette.defaults
        return () if d is None else tuple(int(i) for i in np.flatnonzero(d))


class Colorizer:
    """Colours sketches with a :class:`Generator`.

    ``backend`` chooses, once at load time, what runs the network on the CPU ("auto",
    "torch" or "onnx"; see :mod:`colorizer.runtime`). ``render`` (:class:`RenderSettings`)
    holds every tunable number of the rendering after the network; the default is the
    shipped behaviour.

    The renderer is chosen once too (:attr:`renderer`): weights with a role head and 9 slots
    get a :class:`colorizer.renderers.SlotRenderer` (palette slots are parts, listed in
    :attr:`part_names`; a reference fills the palette part by part, flat colours give each
    region its part's colour, hints pin regions), older weights a
    :class:`colorizer.renderers.MedianRenderer` (:attr:`part_names` is None).
    """

    def __init__(self, model: Generator, device: str | torch.device | None = None,
                 weights_id: str = "unknown", backend: str = "auto", render: RenderSettings | None = None):
        if render is not None and not isinstance(render, RenderSettings):
            raise TypeError(f"render must be a RenderSettings, got {type(render).__name__}")
        self.network = Network(model, device, backend)
        self.model = self.network.model
        self.cfg: GeneratorConfig = model.cfg
        self.weights_id = weights_id
        self.render_settings = render or DEFAULT_RENDER
        self.renderer: Renderer = choose_renderer(self.network, self.render_settings)
        size = int(getattr(model, "inference", {}).get("size", DEFAULT_SIZE))
        self.default_options = ColorizeOptions(size=size)

    @property
    def part_names(self) -> tuple[str, ...] | None:
        """The parts the palette slots stand for (:data:`colorizer.roles.SLOTS`), or None for
        weights whose slots are plain colours."""
        return self.renderer.part_names

    @property
    def semantic(self) -> bool:
        """True for weights whose palette slots are parts (``part_names is not None``)."""
        return self.renderer.part_names is not None

    # -- the network -----------------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return self.network.device

    @property
    def backend(self) -> str:
        """"onnx" or "torch": what was chosen at load time."""
        return self.network.backend

    @property
    def requested_backend(self) -> str:
        return self.network.requested_backend

    @property
    def active_backend(self) -> str:
        """"onnx" or "torch": what the next call will run on."""
        return self.network.active_backend

    @property
    def onnx_error(self) -> str | None:
        """Why the ONNX path was given up, if it was."""
        return self.network.onnx_error

    @property
    def int8_error(self) -> str | None:
        """Why int8 requests run in float32, if they do."""
        return self.network.int8_error

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike | None = None,
                        device: str | torch.device | None = None, use_hub: bool = True,
                        backend: str = "auto", render: RenderSettings | None = None) -> "Colorizer":
        """Load weights found by :func:`colorizer.weights.resolve_weights`."""
        folder = resolve_weights(path, use_hub=use_hub)
        return cls(load_generator(folder), device, weights_id=str(folder), backend=backend, render=render)

    @classmethod
    def from_random(cls, cfg: GeneratorConfig | None = None, seed: int = 0,
                    device: str | torch.device | None = None, backend: str = "auto",
                    render: RenderSettings | None = None) -> "Colorizer":
        """Untrained weights - for tests and benchmarks only, never a silent fallback."""
        torch.manual_seed(seed)
        return cls(Generator(cfg or GeneratorConfig()), device, weights_id=f"random(seed={seed})",
                   backend=backend, render=render)

    def run(self, sketches: torch.Tensor, palettes: torch.Tensor, hints: torch.Tensor | None = None,
            noise: str = "random", generator: torch.Generator | None = None,
            noise_strength: float = 1.0, precision: str = "fp32") -> GeneratorOutput:
        """Tensor interface: (N, 3, H, W) sketches, (N, 3K) palettes in [-1, 1], optional
        (N, K, H, W) hint planes. Returns :class:`colorizer.generator.GeneratorOutput`.
        ``precision="int8"`` runs the 8-bit ONNX graph (the float model on the torch backend)."""
        return self.network.run(sketches, palettes, hints, noise=noise, generator=generator,
                                noise_strength=noise_strength, precision=precision)

    def warm_up(self, precisions: tuple[str, ...] = ("fp32",)) -> None:
        """Build the ONNX sessions for ``precisions`` now (the export, and for "int8" the
        quantized graph: a few seconds once per weights, then cached on disk) instead of on the
        first call. Nothing to do on the torch backend."""
        self.network.warm_up(precisions)

    def clear_caches(self) -> None:
        """Forget the cached reference palettes and network outputs (the next call runs the network)."""
        self.renderer.clear_cache()

    # -- palette ---------------------------------------------------------------------------
    def extract_palette(self, reference, seed: int = 0) -> Palette:
        """The palette of a reference picture: the one extraction path of the library, CLI and app.

        JPEG references are decoded at 1/2..1/8 scale (K-means sees a ~128 px copy anyway).
        With the slot renderer each slot takes its part's lit base tone from the reference's own
        flat-colour segments (:mod:`colorizer.reference`; cached per picture; slots the reference
        lacks keep their default colour, marked in ``Palette.defaults``); else the 9 K-means
        colours are ordered by share.
        """
        return self.renderer.extract_palette(reference, seed=seed)

    def segment(self, image, views: tuple[str, ...] | None = None) -> np.ndarray:
        """(K, h, w) slot probabilities of a colour picture (slot renderer only; see
        :meth:`colorizer.renderers.SlotRenderer.segment`)."""
        return self.renderer.segment(image, views)

    def reference_tone(self, reference, x: float, y: float) -> tuple[int, int, int]:
        """The eyedropper: the base tone (RGB) of the reference region under ``(x, y)`` (the
        reference's own pixels): the lit tone of the paint there, not a shadow or a highlight
        (:meth:`colorizer.reference.ReferenceParts.tone_at`). Weights with parts only."""
        return self.renderer.reference_parts(reference).tone_at(x, y)

    def reference_parts(self, reference):
        """The reference's flat-colour segments, their parts and base tones
        (:class:`colorizer.reference.ReferenceParts`; cached per picture). Weights with parts only."""
        return self.renderer.reference_parts(reference)

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

    # -- colouring -------------------------------------------------------------------------
    def options(self, options: ColorizeOptions | None = None, **overrides) -> ColorizeOptions:
        """``options`` (default: these weights' defaults) with ``overrides`` applied."""
        opts = options if options is not None else self.default_options
        opts = opts.replace(**overrides) if overrides else opts.validate()
        if opts.size is None:  # also for an explicit size=None: these weights' own size
            opts = opts.replace(size=self.default_options.size)
        return opts

    def __call__(self, sketch, reference=None, palette=None, options: ColorizeOptions | None = None, *,
                 hints=None, matches=None, match_reference=None, **overrides) -> ColorizeResult:
        """Colour ``sketch`` with the colours of ``reference`` or of ``palette``.

        Options (:class:`colorizer.options.ColorizeOptions`, or any of its fields as
        keywords: ``seed``, ``size``, ``noise``, ``noise_strength``, ``keep_lines``,
        ``flat``, ``cel_shading``, ``output_size``, ``allow_empty``, ``precision``). ``size`` is the
        longer side the network runs at; the result has the sketch's own size (capped by
        ``output_size``). ``hints``: ``[(x, y, slot), ...]`` in the sketch's pixels, each
        pinning the region under the point to that palette slot (weights with parts).
        ``matches``: ``[(x, y, rx, ry), ...]`` (or dicts with those keys), a point of the sketch and
        a point of ``reference`` (each in its own pixels): the sketch region under ``(x, y)`` takes
        the part and the base tone of the reference region under ``(rx, ry)``
        (:mod:`colorizer.matches`). With ``palette`` (swatches edited by hand) the matches' reference
        is ``match_reference``. Pins and matches also move the regions the network sees like the
        clicked one (:mod:`colorizer.spread`).
        """
        opts = self.options(options, **overrides)   # ranges checked (colorizer.options.RANGES)
        size = int(opts.size)
        pal = self._palette(reference, palette)
        src = load_image(sketch, what="sketch")
        pins = parse_hints(hints, src.size[0], src.size[1], self.cfg.palette_size)
        if pins and not self.renderer.takes_hints:
            raise HintError("these weights have no role head, so they cannot take hints; "
                            "use weights with parts (config num_roles > 0)")
        if match_reference is not None and reference is not None:
            raise MatchError("give match_reference only with a palette: the reference already serves the matches")
        source = reference if reference is not None else match_reference
        found = parse_matches(matches, src.size[0], src.size[1],
                              None if source is None else source_size(source) or (1, 1))
        if found and not self.renderer.takes_hints:
            raise MatchError("these weights have no role head, so they cannot take point matches; "
                             "use weights with parts (config num_roles > 0)")
        if opts.output_size is not None and max(src.size) > int(opts.output_size):
            orig = src.size
            src = src.copy()
            src.thumbnail((int(opts.output_size), int(opts.output_size)), Image.BILINEAR)
            pins = scale_hints(pins, orig, src.size)
            found = scale_matches(found, orig, src.size)
        lines = src.convert("L")
        if not opts.allow_empty and float(line_mask(lines).max()) < 0.1:
            raise InputImageError("the sketch is empty: draw or upload some dark lines on a light background")
        tw, th = target_size(*src.size, size, multiple=self.cfg.multiple)
        small = lines.resize((tw, th), Image.BILINEAR if tw < src.size[0] else Image.BICUBIC)
        x = to_tensor(small.convert("RGB"))[None]
        planes = (hint_planes(scale_hints(pins, src.size, (tw, th)), tw, th, self.cfg.palette_size)
                  if self.cfg.hints and pins and self.render_settings.pins_to_network else None)
        seed = opts.seed
        gen = None
        if opts.noise == "random":
            if seed is None:
                seed = int(torch.randint(0, 2**31 - 1, (1,)).item())
            gen = torch.Generator(device="cpu").manual_seed(int(seed))
        else:
            seed = None
        resolved = resolve_matches(self.renderer.reference_parts(source), found) if found else []
        r = self.renderer.render(x, lines, pal, pins, planes, opts, gen, small, matches=resolved)
        image = overlay_lines(r.color, lines) if opts.keep_lines else r.color
        return ColorizeResult(image=image, color=r.color, lines=lines, palette=pal, seed=seed, size=(tw, th),
                              slots=r.slots, base=r.base, shadow=r.shadow, hints=pins, options=opts,
                              matches=[(m.x, m.y, m.rx, m.ry) for m in found])

    def batch(self, sketches, references=None, palettes=None, options: ColorizeOptions | None = None,
              hints=None, *, reference=None, palette=None, **overrides) -> list[ColorizeResult]:
        """Colour many sketches: ``references`` / ``palettes`` / ``hints`` are None, one value for
        all, or a list with one entry per sketch (``reference=`` / ``palette=``: one for all, as in
        the single call). Each result equals the single call's."""
        if reference is not None:
            if references is not None:
                raise PaletteError("give reference= or references=, not both")
            references = reference
        if palette is not None:
            if palettes is not None:
                raise PaletteError("give palette= or palettes=, not both")
            palettes = palette
        sketches = list(sketches)
        n = len(sketches)

        def spread(value, name: str, single: bool) -> list:
            if single:
                return [value] * n
            value = list(value)
            if len(value) != n:
                raise ColorizerError(f"{name}: {len(value)} entries for {n} sketches")
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


__all__ = ["BACKENDS", "Colorizer", "ColorizeOptions", "ColorizeResult", "DEFAULT_PALETTE", "DEFAULT_SIZE",
           "PALETTE_SIZE"]
