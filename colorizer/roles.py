"""The part roles of a character picture and the 9 semantic palette slots.

One list, shared by the corpus (label maps), training (the role head and the
palette built from a target), the pipeline (segmenting a reference, flat
rendering, hints) and the app (swatch labels).

**Label maps** are single-channel PNGs whose pixel values are indices into
:data:`ROLES`; :data:`IGNORE` (255) marks pixels whose role is unknown (a source
that only knows where the skin is labels everything else 255). A shadow or a
highlight carries the role of its part.

**Palette slots**: slot ``k`` of a palette always means :data:`SLOTS` ``[k]``, so
"the hair is #c0503a" is said by putting #c0503a in slot 2. Every role but
``line`` feeds exactly one slot (:data:`ROLE_TO_SLOT`); eye whites and the
mouth, both small, share the last slot.
"""

from __future__ import annotations

import numpy as np

# Pixel values of a label map, in this order. Never reorder: label PNGs on disk use these indices.
ROLES: tuple[str, ...] = (
    "background",   # 0  paper or a plain backdrop
    "skin",         # 1  face, neck, arms, legs
    "hair",         # 2  all hair, including ahoge, braids and the strand shading
    "eye",          # 3  iris and pupil
    "eye_white",    # 4  sclera
    "mouth",        # 5  open mouth, tongue
    "top",          # 6  shirt, blouse, sailor top, dress bodice, hoodie
    "bottom",       # 7  skirt, trousers, shorts
    "outer",        # 8  blazer, jacket, collar, socks and shoes, other clothing
    "accessory",    # 9  ribbons, clips, ties, glasses frames, hats
    "line",         # 10 the ink
)
ROLE_INDEX: dict[str, int] = {name: i for i, name in enumerate(ROLES)}
NUM_ROLES = len(ROLES)
IGNORE = 255
LINE = ROLE_INDEX["line"]

# The 9 palette slots, in order, with the label a user sees.
SLOTS: tuple[str, ...] = ("background", "skin", "hair", "eyes", "top", "bottom", "outer", "accessory", "details")
SLOT_LABELS: tuple[str, ...] = ("Background", "Skin", "Hair", "Eyes", "Top", "Bottom", "Outer / other",
                                "Accessory", "Eye whites & mouth")
NUM_SLOTS = len(SLOTS)
SLOT_INDEX: dict[str, int] = {name: i for i, name in enumerate(SLOTS)}

# role -> slot; "line" has no slot (lines stay the sketch's ink).
ROLE_TO_SLOT: dict[str, int | None] = {
    "background": 0, "skin": 1, "hair": 2, "eye": 3, "eye_white": 8, "mouth": 8,
    "top": 4, "bottom": 5, "outer": 6, "accessory": 7, "line": None,
}

# A colour for every slot, used when a reference has no pixels of that role
# (such a slot is reported as a default in the result).
DEFAULT_SLOT_COLORS: tuple[str, ...] = (
    "#ffffff",  # background: paper
    "#f6d7c3",  # skin
    "#3b3a4f",  # hair
    "#5b7db1",  # eyes
    "#f4f1ea",  # top
    "#3d4a6b",  # bottom
    "#c8553d",  # outer / other
    "#e8a0b4",  # accessory
    "#f7f7f7",  # eye whites & mouth
)


def role_to_slot_lut() -> np.ndarray:
    """(256,) uint8 lookup table: label value -> slot index; line and ignore -> 255."""
    lut = np.full(256, IGNORE, dtype=np.uint8)
    for name, slot in ROLE_TO_SLOT.items():
        if slot is not None:
            lut[ROLE_INDEX[name]] = slot
    return lut


def labels_to_slots(labels: np.ndarray) -> np.ndarray:
    """Map a label map (role indices, 255 = unknown) to slot indices (255 = line or unknown)."""
    return role_to_slot_lut()[np.asarray(labels, dtype=np.uint8)]


__all__ = [
    "ROLES", "ROLE_INDEX", "NUM_ROLES", "IGNORE", "LINE", "SLOTS", "SLOT_LABELS", "NUM_SLOTS", "SLOT_INDEX",
    "ROLE_TO_SLOT", "DEFAULT_SLOT_COLORS", "role_to_slot_lut", "labels_to_slots",
]
