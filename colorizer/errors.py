"""Error types raised by the colorizer library.

Every error a user can cause (a bad file, a bad hex string, weights that do not
match their config) is a subclass of :class:`ColorizerError`, which is itself a
``ValueError``: callers (the CLI, the app) catch one type and show its message.
"""


class ColorizerError(ValueError):
    """Base class for errors caused by user input or user-supplied files."""


class InputImageError(ColorizerError):
    """An image could not be read or is unusable (corrupt, too large, empty)."""


class ImageLimitError(InputImageError):
    """A picture over the limits (``colorizer.processing.ImageLimits``): too many pixels, too long a
    side, too large a file, too many layers."""


class OptionsError(ColorizerError):
    """A colouring option out of its range or of the wrong kind (the message names the field)."""


class PaletteError(ColorizerError):
    """A palette is malformed (bad hex string, wrong number of colours)."""


class WeightsError(ColorizerError):
    """Weights are missing, unreadable, or do not match their configuration."""


def shown(v) -> str:
    """``v`` for an error message: short, and safe for numbers too long to print."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 80:
        return f"a number of about {int(v.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(v)
    except Exception:  # a repr that fails
        text = f"a {type(v).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."
