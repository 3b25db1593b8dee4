"""Error types raised by the colorizer library.

Every error a user can cause (a bad file, a bad hex string, weights that do not
match their config) is a subclass of :class:`ColorizerError`, which is itself a
``ValueError``: callers (the CLI, the app) catch one type and show its message.
"""


class ColorizerError(ValueError):
    """Base class for errors caused by user input or user-supplied files."""


class InputImageError(ColorizerError):
    """An image could not be read or is unusable (corrupt, too large, empty)."""


class PaletteError(ColorizerError):
    """A palette is malformed (bad hex string, wrong number of colours)."""


class WeightsError(ColorizerError):
    """Weights are missing, unreadable, or do not match their configuration."""
