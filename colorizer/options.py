"""``ColorizeOptions``: the one place where the defaults of a colouring call live.

The library call (``Colorizer.__call__``), the CLI, the app, its API endpoint and
the project files all start from ``ColorizeOptions()`` and override fields, so a
default changed here changes everywhere at once.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .documents import json_kind
from .errors import OptionsError, shown
from .processing import DEFAULT_LIMITS, MAX_SIZE, MIN_SIZE

NOISE_MODES = ("random", "const", "none")
PRECISIONS = ("fp32", "int8")
# Seeds are whole numbers in 0..MAX_SEED (a signed 64-bit integer, as JSON readers and the
# noise generator hold it).
MAX_SEED = 2**63 - 1
# Largest noise strength (1 = as trained; the app's slider stops at 2).
MAX_NOISE_STRENGTH = 4.0
# (low, high) of every whole-number option.
RANGES = {"seed": (0, MAX_SEED), "size": (MIN_SIZE, MAX_SIZE), "output_size": (MIN_SIZE, DEFAULT_LIMITS.max_side)}


def _whole(name: str, v: Any) -> int:
    """``v`` as an int within :data:`RANGES`: ints, integral floats and integer strings; an
    :class:`OptionsError` naming the field and its range otherwise."""
    lo, hi = RANGES[name]
    bad = OptionsError(f"{name} must be a whole number from {lo} to {hi}, got {shown(v)}")
    if isinstance(v, (bool, np.bool_)):
        raise bad
    if isinstance(v, (int, np.integer)):
        n = int(v)
    else:
        if isinstance(v, str) and len(v) > 40:
            raise bad
        try:
            f = float(v.strip()) if isinstance(v, str) else float(v)
        except (TypeError, ValueError, OverflowError):
            raise bad from None
        if not math.isfinite(f) or f != int(f):
            raise bad
        n = int(f)
    if not lo <= n <= hi:
        raise bad
    return n


@dataclass(frozen=True)
class ColorizeOptions:
    # Seed of the injected noise, 0..MAX_SEED; None draws a fresh one (reported in the result).
    seed: int | None = 0
    # Longer side, in pixels, the network runs at (64..1024, rounded to the model's size
    # multiple). None: the size the weights were trained at (their config.json), else 256.
    size: int | None = None
    # Noise injection mode of the generator: "random" (seeded), "const" or "none".
    noise: str = "random"
    # Scale of the injected noise (0 = none, 1 = as trained).
    noise_strength: float = 1.0
    # Multiply the sketch's own full-resolution lines over the colours.
    keep_lines: bool = True
    # One colour per line-enclosed region (the role the network gives it, in its slot's colour);
    # False returns the network's raw colours.
    flat: bool = True
    # With flat colours: a shadow tone where the network's output is clearly darker than the
    # region's base colour (two-tone cel shading). Ignored when flat is off.
    cel_shading: bool = True
    # Cap on the longer side of the result (None: the sketch's own size); a live preview uses it.
    output_size: int | None = None
    # Colour a sketch with no lines instead of raising an error.
    allow_empty: bool = False
    # Arithmetic of the network: "fp32", or "int8" (8-bit convolutions through ONNX Runtime: the
    # app's live preview; on the project's 2-core CPU the whole 256 px preview takes 0.69-0.89 of
    # the float time and its slots agree on more than 97 % of pixels). int8 runs in
    # float32 where the ONNX backend is not in use.
    precision: str = "fp32"

    def replace(self, **changes: Any) -> "ColorizeOptions":
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown colouring option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **changes).validate()

    def validate(self) -> "ColorizeOptions":
        if not isinstance(self.noise, str) or self.noise not in NOISE_MODES:
            raise OptionsError(f"noise must be one of {', '.join(NOISE_MODES)}, got {shown(self.noise)}")
        if not isinstance(self.precision, str) or self.precision not in PRECISIONS:
            raise OptionsError(f"precision must be one of {', '.join(PRECISIONS)}, got {shown(self.precision)}")
        for name in ("seed", "size", "output_size"):  # whole numbers (256.0 or "256" from a form too) or None
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, _whole(name, v))
        try:
            strength = float(self.noise_strength)
        except (TypeError, ValueError, OverflowError):
            strength = math.nan
        if isinstance(self.noise_strength, bool) or not math.isfinite(strength) \
                or not 0.0 <= strength <= MAX_NOISE_STRENGTH:
            raise OptionsError(f"noise_strength must be a number from 0 to {MAX_NOISE_STRENGTH:g}, "
                               f"got {shown(self.noise_strength)}")
        object.__setattr__(self, "noise_strength", strength)
        for name in ("keep_lines", "flat", "cel_shading", "allow_empty"):
            v = getattr(self, name)
            if isinstance(v, (int, np.integer, np.bool_)) and int(v) in (0, 1):  # bools, numpy bools, 0/1
                object.__setattr__(self, name, bool(v))
            else:
                raise OptionsError(f"{name} must be true or false, got {shown(v)}")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], base: "ColorizeOptions | None" = None) -> "ColorizeOptions":
        """Options from a (project file's) dict; missing fields keep ``base``'s (default: the defaults)."""
        if not isinstance(d, dict):
            raise OptionsError(f"colouring options must be a JSON object, got {json_kind(d)}")
        return (base or cls()).replace(**d)


__all__ = ["ColorizeOptions", "MAX_NOISE_STRENGTH", "MAX_SEED", "NOISE_MODES", "PRECISIONS", "RANGES"]
