"""Pins: "the region under this point belongs to that part" - the app's click hints.

A pin is ``(x, y, slot)`` in the sketch's own pixels, slot ``k`` being
:data:`colorizer.roles.SLOTS` ``[k]`` (the swatch of the same number). The library
takes pins as ``hints`` (:func:`colorizer.hints.parse_hints`): the network sees them and
flat rendering fills the region under each point with that slot's colour.

:class:`Pins` is the immutable list the callbacks trade (kept in a ``gr.State``): it adds,
removes, undoes and clears, checks a click against the sketch (outside the picture, on
a line) and turns into table rows, dropdown choices and JSON. :func:`draw_markers` draws
numbered markers on a picture. No Gradio here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from colorizer.hints import MAX_HINTS, HintError, parse_hints
from colorizer.processing import LINE_THRESHOLD, line_mask
from colorizer.roles import NUM_SLOTS, SLOT_INDEX, SLOT_LABELS

from colorizer.documents import DocumentError, JsonLimits, read_json

# Undo steps kept.
MAX_UNDO = 50
# The hint list text read: MAX_HINTS hints fit many times over.
HINT_LIMITS = JsonLimits(max_bytes=16 * 1024, max_depth=3, max_values=1024)


class PinError(DocumentError):
    """A pin that cannot be placed or read (outside the picture, on a line, bad value)."""


def slot_label(slot: int) -> str:
    return SLOT_LABELS[slot] if 0 <= slot < len(SLOT_LABELS) else f"Colour {slot + 1}"


def slot_number(value) -> int:
    """A slot given as a number or a name (``2``, ``"2"``, ``"hair"``, ``"Hair"``) -> its index."""
    if isinstance(value, bool):
        raise PinError(f"a slot is a number 0..{NUM_SLOTS - 1} or a name, got {value!r}")
    if isinstance(value, str):
        key = " ".join(value.strip().lower().split())
        if key.lstrip("-").isdigit():
            return int(key)
        for i, (name, label) in enumerate(zip(SLOT_INDEX, SLOT_LABELS)):
            if key in (name, label.lower()):
                return i
        raise PinError(f"unknown slot {value!r}; the slots are {', '.join(SLOT_INDEX)} (or 0..{NUM_SLOTS - 1})")
    return value


def read_point_list(value, name: str, shape: str, example: str, max_count: int, error: type) -> list:
    """The list of points that the JSON text (bounded by :data:`HINT_LIMITS`) or list ``value``
    holds: ``[]`` for None or blank text, else a list of at most ``max_count`` entries, each still
    to be checked by the caller. ``name`` ("hints"), ``shape`` ("[x, y, slot]") and ``example``
    word the messages; refusals raise ``error``."""
    if value is None:
        return []
    if isinstance(value, (bytes, bytearray, str)):
        text = value.encode("utf-8", "replace") if isinstance(value, str) else bytes(value)
        if not text[:HINT_LIMITS.max_bytes + 1].strip():
            return []
        try:
            value = read_json(text, f"{name} list (a JSON list of {shape}, e.g. {example})", HINT_LIMITS)
        except DocumentError as e:
            raise error(str(e)) from None
    if isinstance(value, dict) or not isinstance(value, (list, tuple)):
        raise error(f"{name} must be a list of {shape}, got {type(value).__name__}")
    if len(value) > max_count:
        raise error(f"at most {max_count} {name}, got {len(value)}")
    return list(value)


def parse_pin_list(value, num_slots: int = NUM_SLOTS, size: tuple[int, int] | None = None) -> list[tuple[int, int, int]]:
    """Pins from JSON text or a list of ``[x, y, slot]`` (slot: number or name) or ``{"x", "y", "slot"}``.

    ``size`` (w, h) checks that every point lies inside the picture; without it only the
    shape, the slot and non-negative coordinates are checked. Raises :class:`PinError`.
    """
    value = read_point_list(value, "hints", "[x, y, slot]", "[[120, 80, 2]]", MAX_HINTS, PinError)
    items = []
    for i, h in enumerate(value):
        if isinstance(h, dict):
            h = [h.get("x"), h.get("y"), h.get("slot")]
        if isinstance(h, (list, tuple)) and len(h) == 3:
            try:
                h = [h[0], h[1], slot_number(h[2])]
            except PinError as e:
                raise PinError(f"hint {i}: {e}") from None
            if any(isinstance(v, bool) for v in h):
                raise PinError(f"hint {i} must hold three numbers (x, y, slot), got {h!r}")
            if any(isinstance(v, (int, float)) and not (math.isfinite(v) and abs(v) < 2**31) for v in h):
                raise PinError(f"hint {i}: x, y and slot must be numbers below 2^31, got {h!r}"[:200])
            if any(isinstance(v, (int, float)) and v < 0 for v in h[:2]):
                raise PinError(f"hint {i}: x and y must be 0 or more (pixels of the sketch), got {h[:2]!r}")
        items.append(h)
    w, h = size if size is not None else (2**31 - 1, 2**31 - 1)
    try:
        return parse_hints(items, w, h, num_slots)
    except HintError as e:
        raise PinError(str(e)) from None


@dataclass(frozen=True)
class Pins:
    """The pins of the current sketch, in order, with the undo history (earlier pin lists)."""

    points: tuple[tuple[int, int, int], ...] = ()
    history: tuple[tuple[tuple[int, int, int], ...], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "points", tuple(tuple(int(v) for v in p) for p in self.points))

    @classmethod
    def of(cls, points) -> "Pins":
        """A fresh pin list (no history) from ``[(x, y, slot), ...]`` (JSON text is fine)."""
        return cls(tuple(parse_pin_list(points)))

    def __len__(self) -> int:
        return len(self.points)

    def _with(self, points) -> "Pins":
        history = (self.history + (self.points,))[-MAX_UNDO:]
        return Pins(tuple(points), history)

    def add(self, x: int, y: int, slot: int) -> "Pins":
        if len(self.points) >= MAX_HINTS:
            raise PinError(f"at most {MAX_HINTS} pins; remove some first")
        return self._with(self.points + ((int(x), int(y), int(slot)),))

    def remove(self, index: int) -> "Pins":
        if not 0 <= index < len(self.points):
            raise PinError(f"there is no pin {index + 1} (there are {len(self.points)})")
        return self._with(self.points[:index] + self.points[index + 1:])

    def clear(self) -> "Pins":
        return self._with(()) if self.points else self

    def undo(self) -> "Pins":
        if not self.history:
            return self
        return Pins(self.history[-1], self.history[:-1])

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    def to_list(self) -> list[list[int]]:
        return [list(p) for p in self.points]

    def rows(self) -> list[list]:
        """Table rows: number, part, x, y."""
        return [[i + 1, slot_label(s), x, y] for i, (x, y, s) in enumerate(self.points)]

    def choices(self) -> list[tuple[str, int]]:
        """Dropdown choices (label, index)."""
        return [(f"{i + 1} · {slot_label(s)} at ({x}, {y})", i) for i, (x, y, s) in enumerate(self.points)]

    def outside(self, size: tuple[int, int]) -> list[int]:
        """Indexes of the pins outside a picture of ``size`` (w, h)."""
        w, h = size
        return [i for i, (x, y, _) in enumerate(self.points) if not (0 <= x < w and 0 <= y < h)]


def click_to_sketch(index, shown_size: tuple[int, int], sketch_size: tuple[int, int]) -> tuple[int, int]:
    """A click ``index`` ([x, y] in the pixels of a picture of ``shown_size``) -> the sketch's pixels."""
    try:
        cx, cy = (float(v) for v in index)
    except (TypeError, ValueError):
        raise PinError(f"could not read the clicked point {index!r}") from None
    if not (math.isfinite(cx) and math.isfinite(cy)):
        raise PinError(f"could not read the clicked point {index!r}")
    sw, sh = shown_size
    kw, kh = sketch_size
    if not (0 <= cx < sw and 0 <= cy < sh):
        raise PinError(f"the point ({cx:g}, {cy:g}) is outside the {sw}x{sh} picture: click on the picture")
    return min(kw - 1, int(cx * kw / sw)), min(kh - 1, int(cy * kh / sh))


def check_point(sketch: Image.Image, x: int, y: int) -> None:
    """Refuse a point outside ``sketch`` or on one of its lines (:class:`PinError` saying so)."""
    w, h = sketch.size
    if not (0 <= x < w and 0 <= y < h):
        raise PinError(f"the point ({x}, {y}) is outside the {w}x{h} sketch: click on the picture")
    if float(line_mask(sketch.crop((x, y, x + 1, y + 1)).convert("L"))[0, 0]) >= LINE_THRESHOLD:
        raise PinError(f"the point ({x}, {y}) is on a line of the sketch: click inside the region you mean, "
                       "not on its outline")


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def draw_markers(image: Image.Image, pins, palette_rgb, scale: tuple[float, float] = (1.0, 1.0)) -> Image.Image:
    """``image`` with a numbered marker at every pin (points scaled by ``scale``), filled with
    the pin's swatch colour and ringed black and white so it shows on any colour."""
    out = image.convert("RGB").copy()
    if not len(pins):
        return out
    d = ImageDraw.Draw(out)
    r = max(8, round(max(out.size) / 26))
    font = _font(max(10, int(r * 1.4)))
    colors = np.asarray(palette_rgb, dtype=np.uint8).reshape(-1, 3)
    for i, (x, y, s) in enumerate(getattr(pins, "points", pins)):
        cx, cy = (x + 0.5) * scale[0], (y + 0.5) * scale[1]
        fill = tuple(int(v) for v in colors[s]) if 0 <= s < len(colors) else (255, 255, 255)
        d.ellipse((cx - r - 2, cy - r - 2, cx + r + 2, cy + r + 2), fill=(0, 0, 0))
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255))
        d.ellipse((cx - r + 2, cy - r + 2, cx + r - 2, cy + r - 2), fill=fill)
        luma = 0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2]
        d.text((cx, cy), str(i + 1), fill=(0, 0, 0) if luma > 140 else (255, 255, 255), font=font, anchor="mm")
    return out


__all__ = ["HINT_LIMITS", "MAX_UNDO", "PinError", "Pins", "check_point", "click_to_sketch", "draw_markers",
           "parse_pin_list", "slot_label", "slot_number"]
