"""``ColorizeOptions``: the one place where the defaults of a colouring call live.

The library call (``Colorizer.__call__``), the CLI, the app, its API endpoint and
the project files all start from ``ColorizeOptions()`` and override fields, so a
default changed here changes everywhere at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .errors import ColorizerError

NOISE_MODES = ("random", "const", "none")


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

    def replace(self, **changes: Any) -> "ColorizeOptions":
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"unknown colouring option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **changes).validate()

    def validate(self) -> "ColorizeOptions":
        if self.noise not in NOISE_MODES:
            raise ColorizerError(f"noise must be one of {', '.join(NOISE_MODES)}, got {self.noise!r}")
        if self.seed is not None and not isinstance(self.seed, (int,)) :
            try:
                object.__setattr__(self, "seed", int(self.seed))
            except (TypeError, ValueError):
                raise ColorizerError(f"seed must be a whole number, got {self.seed!r}") from None
        return self

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], base: "ColorizeOptions | None" = None) -> "ColorizeOptions":
        """Options from a (project file's) dict; missing fields keep ``base``'s (default: the defaults)."""
        if not isinstance(d, dict):
            raise ColorizerError(f"colouring options must be a JSON object, got {type(d).__name__}")
        return (base or cls()).replace(**d)


__all__ = ["ColorizeOptions", "NOISE_MODES"]
