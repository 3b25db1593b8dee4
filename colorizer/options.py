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

from .errors import ColorizerError

NOISE_MODES = ("random", "const", "none")
PRECISIONS = ("fp32", "int8")


def _whole(name: str, v: Any) -> int:
    """``v`` as an int: ints, integral floats and integer strings; a ColorizerError otherwise."""
    if isinstance(v, (bool, np.bool_)):
        raise ColorizerError(f"{name} must be a whole number, got {v!r}")
    if isinstance(v, (int, np.integer)):
        return int(v)
    try:
        f = float(v.strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise ColorizerError(f"{name} must be a whole number, got {v!r}") from None
    if not math.isfinite(f) or f != int(f):
        raise ColorizerError(f"{name} must be a whole number, got {v!r}")
    return int(f)


@dataclass(frozen=True)
class ColorizeOptions:
    # Seed of the injected noise; None draws a fresh one (reported in the result).
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
        if self.noise not in NOISE_MODES:
            raise ColorizerError(f"noise must be one of {', '.join(NOISE_MODES)}, got {self.noise!r}")
        if self.precision not in PRECISIONS:
            raise ColorizerError(f"precision must be one of {', '.join(PRECISIONS)}, got {self.precision!r}")
        for name in ("seed", "size", "output_size"):  # whole numbers (256.0 or "256" from a form too) or None
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, _whole(name, v))
        try:
            strength = float(self.noise_strength)
        except (TypeError, ValueError):
            strength = math.nan
        if isinstance(self.noise_strength, bool) or not math.isfinite(strength) or strength < 0:
            raise ColorizerError(f"noise_strength must be a finite number >= 0, got {self.noise_strength!r}")
        object.__setattr__(self, "noise_strength", strength)
        for name in ("keep_lines", "flat", "cel_shading", "allow_empty"):
            v = getattr(self, name)
            if isinstance(v, (int, np.integer, np.bool_)) and int(v) in (0, 1):  # bools, numpy bools, 0/1
                object.__setattr__(self, name, bool(v))
            else:
                raise ColorizerError(f"{name} must be true or false, got {v!r}")
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], base: "ColorizeOptions | None" = None) -> "ColorizeOptions":
        """Options from a (project file's) dict; missing fields keep ``base``'s (default: the defaults)."""
        if not isinstance(d, dict):
            raise ColorizerError(f"colouring options must be a JSON object, got {type(d).__name__}")
        return (base or cls()).replace(**d)


__all__ = ["ColorizeOptions", "NOISE_MODES", "PRECISIONS"]
