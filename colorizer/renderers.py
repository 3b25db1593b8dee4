"""Renderers: from the network's output to the coloured picture, one per model generation.

The choice is made once, when the weights are loaded (:func:`choose_renderer`):

* :class:`SlotRenderer`, for weights with a role head and 9 palette slots: palette slot ``k``
  is always the part :data:`colorizer.roles.SLOTS` ``[k]``. A reference fills the palette slot
  by slot: the reference is cut into its own flat-colour segments, the role head votes per
  segment, and each slot takes its part's lit base tone (:mod:`colorizer.reference`; with
  ``RenderSettings.reference_parts`` off, one of its 9 K-means colours,
  :func:`colorizer.semantic.assign_slots`); point matches give a region a reference region's
  part and tone (:mod:`colorizer.matches`), and pins and matches spread (:mod:`colorizer.spread`);
  with flat colours the network runs with the default slot palette and every region enclosed
  by the lines takes its role's colour exactly, with a cel-shading tone
  (:func:`colorizer.render.render_roles`); the network's output is cached per sketch, so a
  swatch edit re-renders without running it; hints pin regions to parts.
* :class:`MedianRenderer`, for older weights without a role head: a reference gives its 9
  K-means colours by share, the network paints with them, and a flat colour is the median of
  what it painted in each region (:func:`colorizer.regions.flatten_image`). No hints.

Both return the raw network colours when flat colours are off. Every tunable number comes
from one :class:`colorizer.settings.RenderSettings`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from .errors import ColorizerError
from .matches import scale_matches
from .generator import GeneratorOutput
from .options import ColorizeOptions
from .palette import Palette, extract_palette, palette_vector
from .processing import LINE_THRESHOLD, line_mask, load_image, target_size, to_image, to_tensor
from .regions import flatten_image, region_labels
from .render import RegionMap, region_map, render_roles, slot_probabilities
from .reference import ReferenceParts, reference_parts, source_size
from .roles import NUM_SLOTS, SLOTS
from .runtime import LruCache, Network, Worker
from .semantic import assign_slots, default_slot_palette
from .spread import correct_regions
from .settings import RenderSettings

# References whose slot palettes are kept (a live preview re-uses the same reference).
REFERENCE_CACHE = 16
# Network outputs (roles and shading) kept per sketch for flat colouring by slot, so that
# swatch edits re-render without running the network.
STRUCTURE_CACHE = 8
# JPEG references are decoded at a reduced scale whose sides stay at least this (K-means and
# the segmentation see small copies anyway).
REFERENCE_DRAFT = 256


@dataclass
class Rendered:
    """What a renderer gives the pipeline, at the sketch's size."""
    color: Image.Image                 # the colours, no lines
    base: Image.Image | None = None    # flat colours without shading (slot renderer, flat colours)
    slots: np.ndarray | None = None    # (H, W) uint8 slot of every pixel (same)
    shadow: np.ndarray | None = None   # (H, W) float32 shadow amount in [0, 1] (same)


class Renderer:
    """What the two renderers share: the network, the settings, the raw colours."""

    #: Names of the parts the palette slots stand for (None: the slots are plain colours).
    part_names: tuple[str, ...] | None = None

    def __init__(self, network: Network, settings: RenderSettings):
        self.network = network
        self.cfg = network.cfg
        self.settings = settings

    @property
    def takes_hints(self) -> bool:
        """Whether hints (points pinned to a part) can be used."""
        return self.part_names is not None

    def extract_palette(self, reference, seed: int = 0) -> Palette:
        raise NotImplementedError

    def segment(self, image, views: tuple[str, ...] | None = None) -> np.ndarray:
        raise ColorizerError("these weights have no role head, so they cannot segment a picture into parts")

    def reference_parts(self, reference) -> ReferenceParts:
        raise ColorizerError("these weights have no role head, so they cannot find a reference's parts")

    def render(self, x: torch.Tensor, lines: Image.Image, palette: Palette, pins: list, planes,
               opts: ColorizeOptions, generator: torch.Generator | None, small: Image.Image,
               matches: list = ()) -> Rendered:
        """Colour the network input ``x`` ((1, 3, h, w), ``small`` as a picture) of the sketch
        ``lines`` (greyscale, the result's size) with ``palette``; ``pins`` in ``lines``' pixels,
        ``planes`` their hint planes at the network's size (or None); ``matches``:
        :class:`colorizer.matches.ResolvedMatch` es with their sketch points in ``lines``' pixels."""
        raise NotImplementedError

    def clear_cache(self) -> None:
        """Forget cached reference palettes and network outputs."""

    def run(self, x: torch.Tensor, palette: torch.Tensor, planes, opts: ColorizeOptions,
            generator: torch.Generator | None) -> GeneratorOutput:
        return self.network.run(x, palette, planes, noise=opts.noise, generator=generator,
                                noise_strength=opts.noise_strength, precision=opts.precision)

    def raw(self, out: GeneratorOutput, lines: Image.Image, flat: bool) -> Rendered:
        """The network's colours at the sketch's size; ``flat``: one median colour per region."""
        color = to_image(out.rgb[0])
        if color.size != lines.size:
            color = color.resize(lines.size, Image.BICUBIC)
        if flat:
            color = flatten_image(color, lines, self.settings)
        return Rendered(color)


class MedianRenderer(Renderer):
    """Weights without a role head: see the module doc."""

    def extract_palette(self, reference, seed: int = 0) -> Palette:
        img = load_image(reference, keep_alpha=True, draft=REFERENCE_DRAFT, what="reference")
        return extract_palette(img, self.cfg.palette_size, seed=seed)

    def render(self, x, lines, palette, pins, planes, opts, generator, small, matches=()) -> Rendered:
        out = self.run(x, palette_vector(palette)[None], planes, opts, generator)
        return self.raw(out, lines, opts.flat)


def _mirror(t: torch.Tensor | None) -> torch.Tensor | None:
    return None if t is None else torch.flip(t, dims=[-1])


class SlotRenderer(Renderer):
    """Weights with a role head and 9 slots: see the module doc."""

    part_names = SLOTS

    def __init__(self, network: Network, settings: RenderSettings):
        super().__init__(network, settings)
        self._palettes: LruCache[str, Palette] = LruCache(REFERENCE_CACHE)
        self._parts: LruCache[str, ReferenceParts] = LruCache(REFERENCE_CACHE)
        # per sketch: the network's output and the sketch's regions (see regions())
        self._structure: LruCache[str, tuple[GeneratorOutput, tuple]] = LruCache(STRUCTURE_CACHE)
        self._worker = Worker()
        self._slot_input = palette_vector(default_slot_palette())[None]

    def clear_cache(self) -> None:
        self._palettes.clear()
        self._parts.clear()
        self._structure.clear()

    def _roles(self, x: torch.Tensor, palette: torch.Tensor, planes, mirror: bool, **run) -> GeneratorOutput:
        """The network's output; with ``mirror`` its role logits averaged with the mirrored input's."""
        out = self.network.run(x, palette, planes, **run)
        if not mirror or out.roles is None:
            return out
        other = self.network.run(_mirror(x), palette, _mirror(planes), **run)
        return GeneratorOutput(out.rgb, (out.roles + _mirror(other.roles)) / 2)

    # -- references ------------------------------------------------------------------------
    def extract_palette(self, reference, seed: int = 0) -> Palette:
        """The slot palette of a reference (cached per picture and seed)."""
        img = load_image(reference, keep_alpha=True, draft=REFERENCE_DRAFT, what="reference")
        if self.settings.reference_parts:
            return self._parts_of(img, source_size(reference) or img.size).palette
        key = hashlib.sha1(img.tobytes() + f"{img.size}{img.mode}{seed}".encode()).hexdigest()
        hit = self._palettes.get(key)
        if hit is None:
            km = extract_palette(img, self.cfg.palette_size, seed=seed)
            hit = self._palettes.put(key, self._slot_palette(img, km))
        return hit

    def reference_parts(self, reference) -> ReferenceParts:
        """The reference's flat-colour segments, their parts and base tones
        (:func:`colorizer.reference.reference_parts`), in the reference's own pixels; cached."""
        img = load_image(reference, keep_alpha=True, draft=REFERENCE_DRAFT, what="reference")
        return self._parts_of(img, source_size(reference) or img.size)

    def _parts_of(self, img: Image.Image, size: tuple[int, int]) -> ReferenceParts:
        key = hashlib.sha1(img.tobytes() + f"{img.size}{img.mode}{size}".encode()).hexdigest()
        hit = self._parts.get(key)
        if hit is None:
            rgba = img.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            white.alpha_composite(rgba)
            probs = self.segment(white.convert("RGB"))
            h, w = probs.shape[1:]
            arr = np.asarray(rgba.resize((w, h), Image.BILINEAR))
            hit = self._parts.put(key, reference_parts(arr[..., :3], probs, arr[..., 3] >= 128, size,
                                                       self.settings.reference))
        return hit

    def segment(self, image, views: tuple[str, ...] | None = None) -> np.ndarray:
        """(K, h, w) slot probabilities of a colour picture (at most ``settings.segment_size``
        px): the mean over ``views`` (default ``settings.reference_views``) of the role head's
        segmentation."""
        return self._segment(load_image(image), views)[0]

    def _segment(self, img: Image.Image, views: tuple[str, ...] | None,
                 want_ink: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        from .lines import extract_lines

        views = self.settings.reference_views if views is None else tuple(views)
        if not views:
            raise ColorizerError("segment: give at least one view")
        tw, th = target_size(*img.size, self.settings.segment_size, multiple=self.cfg.multiple)
        rgb = img.convert("RGB").resize((tw, th), Image.BILINEAR if tw < img.size[0] else Image.BICUBIC)
        total = ink = None
        for view in views:
            seen = rgb if view == "colour" else extract_lines(rgb, view)
            if want_ink and view != "colour":
                d = line_mask(seen)
                ink = d if ink is None else np.maximum(ink, d)
            out = self._roles(to_tensor(seen.convert("RGB"))[None], self._slot_input, None,
                              self.settings.mirrors("reference"), noise="const")
            p = slot_probabilities(out.roles[0].float().numpy(), self.cfg.palette_size)
            total = p if total is None else total + p
        if want_ink and ink is None:
            ink = line_mask(rgb)
        return total / len(views), ink

    def _slot_palette(self, img: Image.Image, km: Palette) -> Palette:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        white.alpha_composite(rgba)
        if self.settings.reference_regions:
            probs, ink = self._segment(white.convert("RGB"), None, want_ink=True)
        else:
            probs = self.segment(white.convert("RGB"))
        # Pixels and their slots at the segmentation's size: opaque pixels only.
        h, w = probs.shape[1:]
        arr = np.asarray(rgba.resize((w, h), Image.BILINEAR))
        opaque = arr[..., 3].ravel() >= 128
        line_like = probs.sum(axis=0).ravel() < 0.5   # the role head calls it ink
        if self.settings.reference_regions:
            labels, n = region_labels(ink > LINE_THRESHOLD, self.settings.seal(h, w), self.settings.neck(h, w))
            flat = labels.ravel()
            votes = np.stack([np.bincount(flat, weights=probs[s].ravel(), minlength=n + 1)
                              for s in range(probs.shape[0])], axis=1)
            slots = votes.argmax(axis=1).astype(np.uint8)[flat]
            slots[flat == 0] = 255
        else:
            slots = probs.argmax(axis=0).astype(np.uint8).ravel()
        slots[line_like] = 255
        return assign_slots(arr[..., :3].reshape(-1, 3)[opaque], slots[opaque], km, self.cfg.palette_size,
                            self.settings.min_slot_share)

    # -- sketches --------------------------------------------------------------------------
    def regions(self, lines: Image.Image) -> tuple[np.ndarray, RegionMap]:
        """The line darkness and the :class:`colorizer.render.RegionMap` of the sketch at the size
        flat colours are rendered at."""
        s = self.settings
        fw, fh = s.flat_size(*lines.size)
        ske = lines.resize((fw, fh), Image.BILINEAR) if lines.size != (fw, fh) else lines
        dark = line_mask(ske)
        return dark, region_map(dark, s.seal(fh, fw), s.neck(fh, fw))

    def render(self, x, lines, palette, pins, planes, opts, generator, small, matches=()) -> Rendered:
        if not opts.flat:
            return self.raw(self.run(x, palette_vector(palette)[None], planes, opts, generator), lines, flat=False)
        # Flat colours: the network runs with the default slot palette and gives the role of every
        # region and where its shading falls; the user's palette only paints. So editing one swatch
        # recolours that part's regions and nothing else, and an edit needs no new network run
        # (cached per sketch, hints and noise).
        from .onnx_backend import weights_version

        key = hashlib.sha1(np.asarray(small).tobytes() + repr((small.size, pins if planes is not None else (),
                                                               lines.size, opts.noise,
                                                               generator.initial_seed() if generator else None,
                                                               opts.noise_strength, opts.precision,
                                                               weights_version(self.network.model))
                                                              ).encode()).hexdigest()
        hit = self._structure.get(key)
        if hit is None:
            # The sketch's regions depend on its lines only: found in the worker thread while
            # the network runs (ONNX Runtime and OpenCV leave the interpreter lock free).
            job = self._worker.submit(self.regions, lines)
            try:
                out = self._roles(x, self._slot_input, planes, self.settings.mirrors("sketch"), noise=opts.noise,
                                  generator=generator, noise_strength=opts.noise_strength, precision=opts.precision)
            finally:
                regions = job.result()
            hit = self._structure.put(key, (out, regions))
        out, regions = hit
        return self._paint(to_image(out.rgb[0]), out.roles[0], lines, palette, pins, opts, regions, matches)

    def _paint(self, color: Image.Image, roles: torch.Tensor, lines: Image.Image, pal: Palette, pins: list,
               opts: ColorizeOptions, regions: tuple[np.ndarray, RegionMap], matches: list = ()) -> Rendered:
        """Flat colours by part at the sketch's size (rendered at ``settings.flat_size``, then
        scaled); ``regions``: :meth:`regions` of ``lines``."""
        from .hints import scale_hints

        s = self.settings
        w, h = lines.size
        fw, fh = s.flat_size(w, h)
        col = color.resize((fw, fh), Image.BICUBIC) if color.size != (fw, fh) else color
        logits = roles.float()[None]
        if logits.shape[-2:] != (fh, fw):
            logits = torch.nn.functional.interpolate(logits, size=(fh, fw), mode="bilinear", align_corners=False)
        probs = slot_probabilities(logits[0].numpy(), self.cfg.palette_size)
        dark, rmap = regions
        flat_pins = scale_hints(pins, (w, h), (fw, fh))
        corrected = None
        if flat_pins or matches:  # pins and point matches, each spreading to the regions seen alike
            moved = scale_matches([m.match for m in matches], (w, h), (fw, fh))
            points = [(p.x, p.y, m.slot, m.color) for p, m in zip(moved, matches)]
            corrected = correct_regions(rmap.labels, rmap.nearest, rmap.n, probs, flat_pins, points, s.spread)
        r = render_roles(np.asarray(col.convert("RGB")), dark, probs, pal.colors,
                         pins=flat_pins, seal=s.seal(fh, fw), neck=s.neck(fh, fw),
                         cel_shading=opts.cel_shading, regions=rmap, settings=s, corrected=corrected)
        image, base = Image.fromarray(r.image, "RGB"), Image.fromarray(r.base, "RGB")
        slots, shadow = r.slots, r.shadow
        if (fw, fh) != (w, h):
            image, base = image.resize((w, h), Image.BICUBIC), base.resize((w, h), Image.NEAREST)
            slots = np.asarray(Image.fromarray(slots).resize((w, h), Image.NEAREST))
            shadow = np.asarray(Image.fromarray(shadow).resize((w, h), Image.BILINEAR))
        return Rendered(image, base, slots, shadow)


def choose_renderer(network: Network, settings: RenderSettings) -> Renderer:
    """The renderer of these weights: :class:`SlotRenderer` with a role head and 9 slots,
    else :class:`MedianRenderer`."""
    cfg = network.cfg
    if cfg.num_roles and cfg.palette_size == NUM_SLOTS:
        return SlotRenderer(network, settings)
    return MedianRenderer(network, settings)


__all__ = ["MedianRenderer", "REFERENCE_CACHE", "Rendered", "Renderer", "STRUCTURE_CACHE", "SlotRenderer",
           "choose_renderer"]
