"""The 9 editable swatches of the app: their colours, labels, locks and the named palettes.

:class:`Swatches` is the one object the callbacks trade: it is built from the colour
pickers' values (hex, ``#abc`` or the ``rgba(...)`` Gradio's picker sends, parsed by
:mod:`colorizer.palette`), takes a new palette while keeping the locked swatches, and
turns into a :class:`colorizer.Palette` for the model. Swatch ``k`` is palette slot ``k``
(:data:`colorizer.roles.SLOTS`) and carries its label (:data:`colorizer.roles.SLOT_LABELS`:
"Background", "Skin", "Hair"...); a swatch whose colour is a slot default (the reference
had no pixels of that part) says so: "Hair · default".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from colorizer.errors import PaletteError
from colorizer.palette import PALETTE_SIZE, Palette
from colorizer.pipeline import DEFAULT_PALETTE
from colorizer.roles import SLOT_LABELS

# Named palettes, 9 colours each, one per slot (background, skin, hair, eyes, top, bottom,
# outer / other, accessory, eye whites & mouth). "Default" is the library's DEFAULT_PALETTE,
# the palette a call without reference or palette gets.
PALETTE_PRESETS: dict[str, tuple[str, ...]] = {
    "Default": tuple(Palette.from_hex(DEFAULT_PALETTE).to_hex()),
    "Sakura": ("#fff5f7", "#fbe3d6", "#f4a7bb", "#e26d8f", "#8c3a5b", "#f9d5e5", "#c2e0c6", "#6b4f4f", "#2e1f27"),
    "Ocean": ("#eaf6fb", "#f3dccb", "#1d3557", "#457b9d", "#a8dadc", "#e63946", "#f1faee", "#2a9d8f", "#0b1b2b"),
    "Autumn": ("#fdf3e1", "#f1c9a5", "#6f1d1b", "#bb3e03", "#ee9b00", "#ca6702", "#94a073", "#432818", "#1b1b1b"),
    "Cyber": ("#101020", "#f0c8b4", "#ff2a6d", "#05d9e8", "#d1f7ff", "#7700a6", "#fffb00", "#005678", "#01012b"),
    "Pastel": ("#fdfcfb", "#ffe5d9", "#cdb4db", "#ffc8dd", "#bde0fe", "#a2d2ff", "#caffbf", "#fdffb6", "#6d6875"),
    "Forest": ("#f4f1e8", "#e9c9a8", "#2d4030", "#588157", "#a3b18a", "#dad7cd", "#8b5e34", "#bc6c25", "#1a1f16"),
    "Monochrome": ("#ffffff", "#e6e6e6", "#bfbfbf", "#999999", "#737373", "#4d4d4d", "#333333", "#1a1a1a",
                   "#000000"),
}
DEFAULT_PRESET = "Default"
DEFAULT_MARK = " · default"


def swatch_label(slot: int, default: bool = False) -> str:
    """The label of swatch ``slot``: its part ("Hair"), "· default" when the colour is the slot's default."""
    name = SLOT_LABELS[slot] if 0 <= slot < len(SLOT_LABELS) else f"Colour {slot + 1}"
    return name + (DEFAULT_MARK if default else "")


def hex_colors(colors, size: int = PALETTE_SIZE) -> list[str]:
    """Exactly ``size`` colours (a list, or a comma-separated string) -> lowercase ``#rrggbb``.

    Parsed by :meth:`Palette.from_hex`, but stricter: it repeats a short palette, while a
    saved palette or a row of swatches must hold every colour.
    """
    if isinstance(colors, Palette):
        colors = colors.to_hex()
    if isinstance(colors, str):
        # the split Palette.from_hex does, to count first: commas, but not inside 'rgba(r, g, b, a)'
        items = [c for c in re.findall(r"rgba?\([^)]*\)|[^,]+", colors) if c.strip()]
    else:
        items = [str(c) for c in colors]
    if len(items) != size:
        raise PaletteError(f"a palette needs exactly {size} colours, got {len(items)}")
    return Palette.from_hex(items, size).to_hex()


@dataclass(frozen=True)
class Swatches:
    """The swatch row: ``colors`` (``#rrggbb``), ``locks`` (a locked swatch keeps its colour
    when a reference, a preset or a palette file arrives) and ``defaults`` (the colour is the
    slot's default because the reference lacked that part)."""

    colors: tuple[str, ...]
    locks: tuple[bool, ...] = ()
    defaults: tuple[bool, ...] = ()

    def __post_init__(self):
        colors = tuple(hex_colors(list(self.colors), len(self.colors) or PALETTE_SIZE))
        locks = tuple(bool(x) for x in self.locks) or (False,) * len(colors)
        defaults = tuple(bool(x) for x in self.defaults) or (False,) * len(colors)
        if len(locks) != len(colors):
            raise PaletteError(f"{len(colors)} swatches but {len(locks)} locks")
        if len(defaults) != len(colors):
            raise PaletteError(f"{len(colors)} swatches but {len(defaults)} default marks")
        object.__setattr__(self, "colors", colors)
        object.__setattr__(self, "locks", locks)
        object.__setattr__(self, "defaults", defaults)

    @classmethod
    def default(cls, size: int = PALETTE_SIZE) -> "Swatches":
        return cls(PALETTE_PRESETS[DEFAULT_PRESET][:size])

    @classmethod
    def from_values(cls, colors, locks=None, defaults=None) -> "Swatches":
        """From the colour pickers' values; an empty picker counts as white."""
        return cls(tuple(c or "#ffffff" for c in colors), tuple(locks or ()), tuple(defaults or ()))

    @classmethod
    def from_text(cls, text: str, size: int = PALETTE_SIZE, locks=None) -> "Swatches":
        """From a typed ``'#rrggbb,...'``: like the library, fewer colours repeat cyclically."""
        return cls(tuple(Palette.from_hex(text, size).to_hex()), tuple(locks or ()))

    def __len__(self) -> int:
        return len(self.colors)

    @property
    def text(self) -> str:
        return ",".join(self.colors)

    @property
    def labels(self) -> list[str]:
        return [swatch_label(i, d) for i, d in enumerate(self.defaults)]

    def receive(self, new) -> "Swatches":
        """The ``new`` colours (a Palette or list of exactly as many colours) in the unlocked swatches;
        a Palette's ``defaults`` mark them (a locked swatch keeps its colour and its mark)."""
        marks = getattr(new, "defaults", None)
        marks = (False,) * len(self) if marks is None or len(marks) != len(self) else tuple(bool(m) for m in marks)
        new = hex_colors(new, len(self))
        keep = self.locks
        return Swatches(tuple(c if lock else n for c, n, lock in zip(self.colors, new, keep)), keep,
                        tuple(d if lock else m for d, m, lock in zip(self.defaults, marks, keep)))

    def edited(self, colors) -> "Swatches":
        """New colours typed or picked by the user: a swatch that changed is no longer a default."""
        new = hex_colors(list(colors), len(self))
        return Swatches(tuple(new), self.locks,
                        tuple(d and n == c for d, n, c in zip(self.defaults, new, self.colors)))

    def to_palette(self) -> Palette:
        pal = Palette.from_hex(list(self.colors), len(self))
        return Palette(pal.colors, pal.shares, defaults=np.array(self.defaults, bool))

    def outputs(self) -> list[str]:
        """The values of the swatch pickers followed by the hex text box."""
        return [*self.colors, self.text]


def merge_locked(current, new, locks) -> list[str]:
    """``new`` with the swatches whose lock is set kept from ``current``."""
    if not (len(current) == len(new) == len(locks)):
        raise PaletteError("palette lengths differ")
    return list(Swatches(tuple(current), tuple(locks)).receive(new).colors)


__all__ = ["DEFAULT_MARK", "DEFAULT_PRESET", "PALETTE_PRESETS", "Swatches", "hex_colors", "merge_locked",
           "swatch_label"]
