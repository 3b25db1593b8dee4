"""What the app keeps between events: the sketch, the shown result, the output folder, the settings.

* :class:`SketchIn` - the sketch of one tab (Draw or Upload), decoded once when it changes,
  or why there is none.
* :class:`Shown` - the result on the page with everything that made it (sketch, swatches,
  options, pins), so that downloads and swatch edits always match what is shown.
* :class:`Outputs` - the app's folder of per-result files: bounded, pruned, removed at exit.
* ``SETTINGS`` and :func:`options_from` / :func:`settings_values` - the settings widgets'
  values <-> :class:`colorizer.options.ColorizeOptions`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from colorizer import ColorizerError
from colorizer.options import ColorizeOptions

from .pins import Pins
from .project import MAX_SEED
from .swatches import Swatches

# The defaults of every colouring setting (UI, API, project files).
DEFAULTS = ColorizeOptions()
# The settings the UI shows (all ColorizeOptions fields).
SETTINGS = ("seed", "size", "noise_strength", "keep_lines", "flat", "cel_shading")
# Per-result folders kept, and for how long (seconds).
MAX_OUTPUT_DIRS = 48
OUTPUT_MAX_AGE = 3600


@dataclass(frozen=True, eq=False)
class SketchIn:
    """One tab's sketch (black on white RGB), or the message saying why there is none. Two are equal
    when they hold the same picture (its hash) or the same message: Gradio compares states by hash."""

    image: Image.Image | None = None
    error: str | None = None
    key: str | None = None   # a hash of the picture: which sketch a result was made from

    def __eq__(self, other) -> bool:
        return isinstance(other, SketchIn) and (self.key, self.error) == (other.key, other.error)

    def __hash__(self) -> int:
        return hash((self.key, self.error))

    def get(self) -> Image.Image:
        if self.image is None:
            raise ColorizerError(self.error or "no sketch yet: draw one on the canvas or upload an image")
        return self.image


@dataclass(frozen=True, eq=False)
class Shown:
    """The result on the page and what made it; ``stale`` says why it no longer matches the inputs."""

    result: object           # colorizer.ColorizeResult
    sketch: Image.Image
    swatches: Swatches
    options: ColorizeOptions
    pins: Pins
    seconds: float
    stale: str | None = None
    sketch_key: str | None = None
    files: tuple[str, ...] | None = None  # the downloads written from this result
    matches: tuple = ()                   # the point matches (x, y, rx, ry) it took
    reference: str | None = None          # the reference file they point into

    def marked(self, why: str | None) -> "Shown":
        return replace(self, stale=why)

    def with_files(self, files: tuple[str, ...]) -> "Shown":
        return replace(self, files=files)


class Outputs:
    """Per-result folders in one temporary folder: at most :data:`MAX_OUTPUT_DIRS`, none older than
    :data:`OUTPUT_MAX_AGE`; the whole folder is removed when the app closes or the process exits."""

    def __init__(self, max_dirs: int = MAX_OUTPUT_DIRS, max_age: float = OUTPUT_MAX_AGE):
        self.root = Path(tempfile.mkdtemp(prefix="colorizer-app-"))
        self.max_dirs, self.max_age = max_dirs, max_age
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.root), True)
        atexit.register(self._finalizer)

    def new_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        now = time.time()
        dirs = []
        for d in self.root.iterdir():
            try:
                dirs.append((d.stat().st_mtime, d))
            except OSError:
                pass
        dirs.sort()
        for i, (mtime, d) in enumerate(dirs):
            if now - mtime > self.max_age or len(dirs) - i >= self.max_dirs:
                shutil.rmtree(d, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=self.root))

    def close(self) -> None:
        """Remove the folder now."""
        self._finalizer()


def _whole(name: str, value, low: int, high: int) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ColorizerError(f"{name} must be a whole number, got {value!r}"[:120]) from None
    if not (low <= v <= high) or v != int(v):
        raise ColorizerError(f"{name} must be a whole number from {low} to {high}, got {value!r}"[:120])
    return int(v)


def options_from(values: dict) -> ColorizeOptions:
    """The settings widgets' values (by SETTINGS name) -> options (noise strength 0 turns the noise off)."""
    strength = DEFAULTS.noise_strength if values.get("noise_strength") is None else values["noise_strength"]
    seed, size = values.get("seed"), values.get("size")
    opts = DEFAULTS.replace(
        seed=DEFAULTS.seed if seed in (None, "") else _whole("seed", seed, 0, MAX_SEED),
        size=DEFAULTS.size if size in (None, "") else _whole("size", size, 0, 1 << 16),
        noise_strength=strength, keep_lines=values.get("keep_lines"), flat=values.get("flat"),
        cel_shading=values.get("cel_shading"))
    return opts.replace(noise=DEFAULTS.noise if opts.noise_strength > 0 else "none")


def settings_values(options: ColorizeOptions, network_size: int) -> dict:
    """Options -> the settings widgets' values by SETTINGS name."""
    values = {name: getattr(options, name) for name in SETTINGS}
    if values["seed"] is None:
        values["seed"] = 0
    if values["size"] is None:
        values["size"] = network_size
    return values


__all__ = ["DEFAULTS", "MAX_OUTPUT_DIRS", "OUTPUT_MAX_AGE", "SETTINGS", "Outputs", "Shown", "SketchIn",
           "options_from", "settings_values"]
