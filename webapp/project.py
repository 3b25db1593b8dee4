"""The app's JSON files: projects (redo a result) and palettes.

A **project** holds the palette, the colouring options (:class:`colorizer.options.ColorizeOptions`,
written in full), the pins (``"hints": [[x, y, slot], ...]`` in the sketch's pixels), the point
matches (``"matches": [[x, y, rx, ry], ...]``, sketch and reference pixels; absent when none), the
weights id and a hash of the sketch: with the same sketch and weights it reproduces the result. Fields a file lacks take ``ColorizeOptions()``'s defaults. Version 1
files (settings at the top level) still load.

A **palette file** is ``{"format": ..., "name": ..., "colors": [9 x "#rrggbb"]}``; a project
file or a bare JSON list of colours loads as a palette too.

Every JSON file the app reads goes through the library's bounded reader
(:func:`colorizer.documents.read_json`: size, depth, values and number length checked before
parsing, NaN and Infinity refused). Errors are :class:`ProjectError` (a
:class:`colorizer.documents.DocumentError`) with messages for users.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from dataclasses import dataclass, field

from PIL import Image

from colorizer.errors import ColorizerError
from colorizer.options import ColorizeOptions
from colorizer.palette import PALETTE_SIZE, Palette

from colorizer.documents import DocumentError, read_json

from .pins import PinError, parse_pin_list
from .refclicks import MatchListError, parse_match_list
from .swatches import strict_palette

PROJECT_FORMAT = "anime-sketch-colorizer-project"
PROJECT_VERSION = 2
PALETTE_FORMAT = "anime-sketch-colorizer-palette"
# Seeds a project may hold (a 64-bit signed integer, what the network's random generator and JSON carry).
MAX_SEED = 2**63 - 1
# Options that only shape a run, not the picture of a sketch: not kept in projects.
_RUN_ONLY = ("output_size", "allow_empty", "precision")
# Version 1 kept these settings at the top level.
_V1_FIELDS = ("seed", "size", "noise_strength", "keep_lines", "flat")


class ProjectError(DocumentError):
    """A project or palette file is not one this app wrote (or is damaged)."""


def image_sha256(img: Image.Image) -> str:
    rgb = img.convert("RGB")
    h = hashlib.sha256(f"{rgb.size[0]}x{rgb.size[1]}:".encode())
    h.update(rgb.tobytes())
    return h.hexdigest()


@dataclass
class Project:
    palette: Palette
    options: ColorizeOptions = field(default_factory=ColorizeOptions)
    weights_id: str = "unknown"
    sketch_sha256: str | None = None
    library_version: str | None = None
    hints: list = field(default_factory=list)
    matches: list = field(default_factory=list)

    def __post_init__(self):
        self.palette = strict_palette(self.palette, PALETTE_SIZE)
        try:
            self.hints = [list(h) for h in parse_pin_list(self.hints, PALETTE_SIZE)]
        except PinError as e:
            raise ProjectError(f"the project file's 'hints' are bad: {e}") from None
        try:
            self.matches = [list(m) for m in parse_match_list(self.matches)]
        except MatchListError as e:
            raise ProjectError(f"the project file's 'matches' are bad: {e}") from None

    @classmethod
    def create(cls, palette, options: ColorizeOptions, weights_id: str, sketch: Image.Image | None = None,
               hints=(), matches=()) -> "Project":
        from colorizer import __version__

        return cls(palette=palette, options=options.replace(output_size=None, allow_empty=False),
                   weights_id=str(weights_id), sketch_sha256=None if sketch is None else image_sha256(sketch),
                   library_version=__version__, hints=list(hints),
                   matches=list(matches))

    def __eq__(self, other) -> bool:
        return isinstance(other, Project) and self.to_dict() == other.to_dict()

    def to_dict(self) -> dict:
        opts = {k: v for k, v in self.options.to_dict().items() if k not in _RUN_ONLY}
        d = {"format": PROJECT_FORMAT, "version": PROJECT_VERSION, "palette": self.palette.to_hex(),
             "options": opts, "hints": [list(h) for h in self.hints], "weights_id": self.weights_id}
        if self.matches:
            d["matches"] = [list(m) for m in self.matches]
        if self.library_version is not None:
            d["library_version"] = self.library_version
        if self.sketch_sha256 is not None:
            d["sketch_sha256"] = self.sketch_sha256
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_json(cls, src) -> "Project":
        """Read and validate a project (a path, JSON text or bytes)."""
        d = read_document(src)
        if not isinstance(d, dict) or d.get("format") != PROJECT_FORMAT:
            raise ProjectError("this is not a project file saved by Anime Sketch Colorizer "
                               "(press Colorize: the project file is among the downloads)")
        try:
            version = int(d.get("version", 1))
        except (TypeError, ValueError):
            raise ProjectError(f"the project file has a bad version: {d.get('version')!r}") from None
        if version > PROJECT_VERSION:
            raise ProjectError(f"the project was saved by a newer app (version {version}); update the app")
        if "palette" not in d:
            raise ProjectError("the project file lacks the field 'palette'")
        if version == 1:
            given = {k: d[k] for k in _V1_FIELDS if k in d}
        else:
            given = d.get("options", {})
            if not isinstance(given, dict):
                raise ProjectError("the project file's 'options' must be a JSON object")
            given = {k: v for k, v in given.items() if k not in _RUN_ONLY}
        try:
            options = ColorizeOptions.from_dict(_typed(given))
            if options.seed is not None and not 0 <= options.seed <= MAX_SEED:
                raise ProjectError(f"the project file's 'seed' must be a whole number from 0 to {MAX_SEED}, "
                                   f"got {options.seed}")
            return cls(palette=d["palette"], options=options,
                       weights_id=str(d.get("weights_id", "unknown")),
                       sketch_sha256=_opt_str(d.get("sketch_sha256")),
                       library_version=_opt_str(d.get("library_version")),
                       hints=d.get("hints") or [], matches=d.get("matches") or [])
        except ProjectError:
            raise
        except (ColorizerError, TypeError, ValueError) as e:
            raise ProjectError(f"the project file has a bad value: {e}") from None


def read_document(src, what: str = "project or palette file") -> object:
    """A project, palette or character JSON document from a path, JSON text or bytes (bounded; see the module)."""
    if isinstance(src, (str, os.PathLike)) and not str(src).lstrip().startswith(("{", "[")) and len(str(src)) < 4096:
        p = Path(src)
        if not p.is_file():
            raise ProjectError(f"no such file: {p.name}")
        src = p
    try:
        return read_json(src, what)
    except ProjectError:
        raise
    except DocumentError as e:
        raise ProjectError(str(e)) from None


def _opt_str(x) -> str | None:
    return None if x is None else str(x)


def _typed(given: dict) -> dict:
    """JSON values -> the types of the option fields (a hand-edited ``"size": "256"`` is fine)."""
    defaults = ColorizeOptions()
    out = {}
    for k, v in given.items():
        default = getattr(defaults, k, None)
        if v is None or not hasattr(defaults, k):
            out[k] = v  # None is meaningful (fresh seed, the weights' size); unknown keys fail in replace()
        elif isinstance(default, bool):
            if not isinstance(v, bool):
                raise ProjectError(f"the project file's {k!r} must be true or false, got {v!r}")
            out[k] = v
        elif k in ("seed", "size", "output_size"):
            out[k] = int(v)
        elif isinstance(default, float):
            out[k] = float(v)
        else:
            out[k] = v
    return out


# -- palette files -----------------------------------------------------------------------

def palette_to_json(palette: Palette, name: str = "My palette") -> str:
    return json.dumps({"format": PALETTE_FORMAT, "name": str(name), "colors": strict_palette(palette).to_hex()},
                      indent=2) + "\n"


def palette_from_json(src) -> Palette:
    """Read a palette file: ours, a project file, or a bare JSON list of hex colours."""
    d = read_document(src)
    if isinstance(d, list):
        colors = d
    elif isinstance(d, dict) and isinstance(d.get("colors"), list):
        colors = d["colors"]
    elif isinstance(d, dict) and isinstance(d.get("palette"), list):
        colors = d["palette"]
    else:
        raise ProjectError('a palette file holds {"colors": ["#rrggbb", ...]} with 9 colours')
    return strict_palette(colors)


__all__ = ["MAX_SEED", "PALETTE_FORMAT", "PROJECT_FORMAT",
           "PROJECT_VERSION", "Project", "ProjectError", "image_sha256", "palette_from_json", "palette_to_json",
           "read_document"]
