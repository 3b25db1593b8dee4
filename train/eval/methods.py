"""The rows of the evaluation tables: a model through the shipped pipeline, or a baseline.

Every model runs exactly as it ships: ``Colorizer.batch`` with the weights' own default
options (flat colours, the sketch's lines on top, cel shading; seed 0) at the working size
(the network's size when smaller). Whether a model names parts (a role head: slot palettes,
pins) is decided once, when its rows are built (:func:`names_parts`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

from colorizer import Colorizer, Palette, extract_palette, preset
from colorizer.options import ColorizeOptions
from colorizer.processing import load_image

from train.eval.baselines import BASELINES

__all__ = ["SIZE_MULTIPLE", "Method", "VARIANTS", "names_parts", "build_methods", "kmeans_palette", "seed_kmeans", "select",
           "load_models", "model_name"]

# Working sizes are multiples of this (``colorizer.processing.target_size``), as the pipeline's.
SIZE_MULTIPLE = 16


def names_parts(colorizer) -> bool:
    """Whether a model names the parts of a picture (a role head): its palettes are slot palettes,
    its swatch ``k`` paints slot ``k`` and it takes pins. Read once per model from the pipeline's
    ``part_names`` (None without a role head), or its ``semantic`` flag where that is all it has."""
    if colorizer is None:
        return False
    if hasattr(colorizer, "part_names"):
        return colorizer.part_names is not None
    return bool(getattr(colorizer, "semantic", False))


@dataclass
class Method:
    """One row of the tables: a :class:`Colorizer` with option overrides, or a baseline."""

    name: str
    colorizer: Colorizer | None = None
    baseline: Callable | None = None
    overrides: dict = field(default_factory=dict)
    options: ColorizeOptions | None = None
    parts: bool = False           # the model names parts (:func:`names_parts`)
    seconds: float = 0.0
    palettes: dict = field(default_factory=dict)   # palette cache, shared between rows (see build_methods)

    def palette(self, reference: Image.Image, key) -> Palette:
        """The palette of ``reference``: the pipeline's own (models) or its K-means one (baselines).

        Weights without part names and the baselines share one cache: their palette is the
        same K-means extraction (:func:`kmeans_palette`), computed once per picture.
        """
        hit = self.palettes.get(key)
        if hit is None:
            t = time.perf_counter()
            if self.colorizer is not None:
                hit = self.colorizer.extract_palette(reference)
            else:
                hit = kmeans_palette(reference)
            self.seconds += time.perf_counter() - t
            self.palettes[key] = hit
        return hit

    def colour_results(self, sketches: list[Image.Image], palettes: list[Palette],
                       hints: list[list] | None = None) -> tuple[list[np.ndarray], list]:
        """(H, W, 3) uint8 results at each sketch's size, and the pipeline's ``ColorizeResult`` of
        each (None for baselines)."""
        t = time.perf_counter()
        if self.colorizer is not None:
            res = self.colorizer.batch(sketches, palettes=list(palettes), options=self.options, hints=hints)
            out = [np.asarray(r.image.convert("RGB")) for r in res]
        else:
            out = []
            for s, p in zip(sketches, palettes):
                out.append(self.baseline(np.asarray(s.convert("RGB")), p.colors, p.shares))
            res = [None] * len(out)
        self.seconds += time.perf_counter() - t
        return out, res

    def colour(self, sketches: list[Image.Image], palettes: list[Palette],
               hints: list[list] | None = None) -> list[np.ndarray]:
        """(H, W, 3) uint8 results at each sketch's size."""
        return self.colour_results(sketches, palettes, hints)[0]

    def colour_matched(self, sketch: Image.Image, reference: Image.Image, matches: list) -> np.ndarray:
        """(H, W, 3) uint8 result of the model with point matches ``[(x, y, rx, ry), ...]`` between
        ``sketch`` and ``reference`` (whose palette it takes)."""
        t = time.perf_counter()
        res = self.colorizer(sketch, reference=reference, options=self.options, matches=matches)
        self.seconds += time.perf_counter() - t
        return np.asarray(res.image.convert("RGB"))


# Row variants of every model: name suffix -> option overrides (the plain name: the defaults).
VARIANTS = {"raw": (" (raw)", {"flat": False, "keep_lines": False}),
            "no_shading": (" (no cel shading)", {"cel_shading": False}),
            "flat": (" + flat", {"flat": True, "keep_lines": False}),
            "keep_lines": (" + lines", {"flat": False, "keep_lines": True})}


def build_methods(models: dict[str, Colorizer], size: int, net_size: int | None = None,
                  raw: bool = False, flat: bool = False, keep_lines: bool = False, no_shading: bool = False,
                  noise: str | None = None, seed: int = 0, baselines: bool = True) -> list[Method]:
    """The shipped defaults of every model (plus the asked variants), then the baselines."""
    out = []
    asked = {"raw": raw, "flat": flat, "keep_lines": keep_lines, "no_shading": no_shading}
    for name, c in models.items():
        base = {"size": int(net_size or size), "seed": seed}
        if noise is not None:
            base["noise"] = noise
        rows = [(name, {})] + [(name + VARIANTS[k][0], VARIANTS[k][1])
                               for k in ("raw", "flat", "keep_lines", "no_shading") if asked[k]]
        parts = names_parts(c)
        for label, over in rows:
            out.append(Method(label, colorizer=c, overrides=over, options=c.options(**base, **over), parts=parts))
    if baselines:
        out += [Method(f"baseline: {name}", baseline=fn) for name, fn in BASELINES.items()]
    # variants of one model share its palettes; K-means palettes are shared by everyone using them
    shared: dict = {}
    for m in out:
        if not m.parts:
            m.palettes = shared
        else:
            m.palettes = next(x for x in out if x.colorizer is m.colorizer).palettes
    return out


def kmeans_palette(reference, size: int = 9) -> Palette:
    """The K-means palette of a reference exactly as ``Colorizer.extract_palette`` makes it for
    weights without part names (alpha kept, JPEG draft decoding)."""
    return extract_palette(load_image(reference, keep_alpha=True, draft=256), size, seed=0)


def seed_kmeans(methods: list[Method], key, palette: Palette) -> None:
    """Put an already computed K-means palette into the shared cache."""
    for m in methods:
        if not m.parts:
            m.palettes.setdefault(key, palette)
            return


def select(items: list, limit: int | None) -> list:
    """At most ``limit`` items, evenly spaced over the sorted list (all when ``limit`` is None/0)."""
    if not limit or len(items) <= limit:
        return list(items)
    idx = np.unique(np.linspace(0, len(items) - 1, limit).round().astype(int))
    return [items[i] for i in idx]


def model_name(path: str, taken: set[str]) -> str:
    """A table name for the weights folder ``path``: its folder name, numbered when taken."""
    p = Path(path).resolve()
    name = p.name if p.is_dir() else p.parent.name
    base, i = name or str(path), 2
    while name in taken:
        name = f"{base} ({i})"
        i += 1
    return name


def load_models(weights: str | None = None, random_weights: str | None = None, compare=(),
                device: str = "cpu", backend: str = "auto") -> dict[str, Colorizer]:
    """``{table name: Colorizer}``: ``weights`` (a folder) or untrained ``random_weights`` (a config
    preset), then every folder of ``compare``."""
    models: dict[str, Colorizer] = {}
    if random_weights:
        models[f"random {random_weights}"] = Colorizer.from_random(preset(random_weights), device=device,
                                                                   backend=backend)
    elif weights:
        models[model_name(weights, set())] = Colorizer.from_pretrained(weights, device=device, use_hub=False,
                                                                       backend=backend)
    for d in compare:
        models[model_name(d, set(models))] = Colorizer.from_pretrained(d, device=device, use_hub=False,
                                                                       backend=backend)
    return models
