"""The 9 editable swatches of the app: a :class:`colorizer.Palette` plus locks, and the named palettes.

:class:`Swatches` is the one palette object the callbacks trade (kept in a ``gr.State``):
a :class:`Palette` (its ``defaults`` mark a colour that is a slot default because the
reference had no pixels of that part: "Hair · default") and a lock per swatch (a locked
swatch keeps its colour when a reference, a preset or a character file arrives). Swatch
``k`` is palette slot ``k`` (:data:`colorizer.roles.SLOTS`) and carries its label
(:data:`colorizer.roles.SLOT_LABELS`). Hex text exists only at the widgets:
:func:`strict_palette` reads the pickers' and boxes' values, :meth:`Swatches.hex` writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from colorizer.errors import PaletteError
from colorizer.palette import PALETTE_SIZE, Palette
from colorizer.roles import DEFAULT_SLOT_COLORS, SLOT_LABELS

DEFAULT_PRESET = "Default"
DEFAULT_MARK = " · default"


def strict_palette(colors, size: int = PALETTE_SIZE) -> Palette:
    """Exactly ``size`` colours (a list, or a comma-separated string of hex / ``rgba(...)``) -> a Palette.

    Parsed by :meth:`Palette.from_hex`, but stricter: that fills a short palette up, while a
    saved palette or a row of swatches must hold every colour.
    """
    if isinstance(colors, Palette):
        items = colors.to_hex()
    elif isinstance(colors, str):
        # the split Palette.from_hex does, to count first: commas, but not inside 'rgba(r, g, b, a)'
        items = [c for c in re.findall(r"rgba?\([^)]*\)|[^,]+", colors[:64 * size]) if c.strip()]
    elif isinstance(colors, (list, tuple)):
        items = [str(c) for c in colors]
    else:
        raise PaletteError(f"a palette is a list of {size} hex colours, got {type(colors).__name__}")
    if len(items) != size:
        raise PaletteError(f"a palette needs exactly {size} colours, got {len(items)}")
    return Palette.from_hex(items, size)


# Named palettes, 9 colours each, one per slot (background, skin, hair, eyes, top, bottom,
# outer / other, accessory, eye whites & mouth). "Default" is the library's slot defaults,
# the palette a call without reference or palette gets.
PALETTE_PRESETS: dict[str, Palette] = {name: strict_palette(list(colors)) for name, colors in {
    DEFAULT_PRESET: DEFAULT_SLOT_COLORS,
    "Sakura": ("#fff5f7", "#fbe3d6", "#f4a7bb", "#e26d8f", "#8c3a5b", "#f9d5e5", "#c2e0c6", "#6b4f4f", "#2e1f27"),
    "Ocean": ("#eaf6fb", "#f3dccb", "#1d3557", "#457b9d", "#a8dadc", "#e63946", "#f1faee", "#2a9d8f", "#0b1b2b"),
    "Autumn": ("#fdf3e1", "#f1c9a5", "#6f1d1b", "#bb3e03", "#ee9b00", "#ca6702", "#94a073", "#432818", "#1b1b1b"),
    "Cyber": ("#101020", "#f0c8b4", "#ff2a6d", "#05d9e8", "#d1f7ff", "#7700a6", "#fffb00", "#005678", "#01012b"),
    "Pastel": ("#fdfcfb", "#ffe5d9", "#cdb4db", "#ffc8dd", "#bde0fe", "#a2d2ff", "#caffbf", "#fdffb6", "#6d6875"),
    "Forest": ("#f4f1e8", "#e9c9a8", "#2d4030", "#588157", "#a3b18a", "#dad7cd", "#8b5e34", "#bc6c25", "#1a1f16"),
    "Monochrome": ("#ffffff", "#e6e6e6", "#bfbfbf", "#999999", "#737373", "#4d4d4d", "#333333", "#1a1a1a",
                   "#000000"),
}.items()}


def swatch_label(slot: int, default: bool = False) -> str:
    """The label of swatch ``slot``: its part ("Hair"), "· default" when the colour is the slot's default."""
    name = SLOT_LABELS[slot] if 0 <= slot < len(SLOT_LABELS) else f"Colour {slot + 1}"
    return name + (DEFAULT_MARK if default else "")


def _marks(palette: Palette) -> np.ndarray:
    return np.zeros(len(palette), bool) if palette.defaults is None else np.asarray(palette.defaults, bool)


@dataclass(frozen=True)
class Swatches:
    """The swatch row: ``palette`` (its ``defaults`` always set: the default marks) and ``locks``."""

    palette: Palette
    locks: tuple[bool, ...] = ()

    def __post_init__(self):
        if not isinstance(self.palette, Palette):
            raise PaletteError(f"swatches hold a Palette, got {type(self.palette).__name__}")
        pal = Palette(self.palette.colors, self.palette.shares, _marks(self.palette))
        locks = tuple(bool(x) for x in self.locks) or (False,) * len(pal)
        if len(locks) != len(pal):
            raise PaletteError(f"{len(pal)} swatches but {len(locks)} locks")
        object.__setattr__(self, "palette", pal)
        object.__setattr__(self, "locks", locks)

    @classmethod
    def default(cls, size: int = PALETTE_SIZE) -> "Swatches":
        pal = PALETTE_PRESETS[DEFAULT_PRESET]
        return cls(Palette(pal.colors[:size], pal.shares[:size]))

    def __len__(self) -> int:
        return len(self.palette)

    def __eq__(self, other) -> bool:
        return (isinstance(other, Swatches) and self.locks == other.locks
                and np.array_equal(self.palette.colors, other.palette.colors)
                and np.array_equal(self.palette.defaults, other.palette.defaults))

    __hash__ = None  # mutable numpy inside: not hashable

    @property
    def defaults(self) -> tuple[bool, ...]:
        return tuple(bool(x) for x in self.palette.defaults)

    @property
    def labels(self) -> list[str]:
        return [swatch_label(i, d) for i, d in enumerate(self.defaults)]

    def hex(self) -> list[str]:
        """The colours as ``#rrggbb`` for the widgets."""
        return self.palette.to_hex()

    @property
    def text(self) -> str:
        """The palette as the hex text box shows it."""
        return ",".join(self.hex())

    def with_locks(self, locks) -> "Swatches":
        return Swatches(self.palette, tuple(locks))

    def receive(self, new: Palette) -> "Swatches":
        """``new`` (a palette of as many colours) in the unlocked swatches, with its default marks;
        a locked swatch keeps its colour and its mark."""
        if len(new) != len(self):
            raise PaletteError(f"the palette holds {len(new)} colours; the swatches take {len(self)}")
        keep = np.array(self.locks, bool)
        colors = np.where(keep[:, None], self.palette.colors, new.colors)
        marks = np.where(keep, self.palette.defaults, _marks(new))
        return Swatches(Palette(colors, self.palette.shares, marks), self.locks)

    def edited(self, new: Palette) -> "Swatches":
        """New colours picked or typed by the user: a swatch that changed is no longer a default."""
        if len(new) != len(self):
            raise PaletteError(f"the palette holds {len(new)} colours; the swatches take {len(self)}")
        same = np.all(new.colors == self.palette.colors, axis=1)
        return Swatches(Palette(new.colors, self.palette.shares, self.palette.defaults & same), self.locks)


__all__ = ["DEFAULT_MARK", "DEFAULT_PRESET", "PALETTE_PRESETS", "Swatches", "strict_palette", "swatch_label"]
