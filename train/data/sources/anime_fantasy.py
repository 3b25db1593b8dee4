"""The procedural anime characters again, in fantasy and game gear: head coverings and capes.

Fantasy and game characters often cover most of their hair and wear capes: a
metal helmet with cheek guards (role ``accessory``), a cloth hood worn up
(``outer``), a hood with a cloth mask over the lower face (``outer``), a cape
behind the body (``outer``). The plain corpus has none of these, so to the role
head a sketch's head outline always meant hair and nothing hung behind a body.
This source draws character ``seed`` of :mod:`train.data.sources.anime` in its
second pose (``variant=1``) with the gear :func:`gear_of` picks by the seed
(at least one piece).

Ids are ``anime_fantasy-<seed>``; the group is the plain character's
(``anime-<seed>``), so a character and its twin in gear always share a split.
Seeds from :data:`HELD_OUT_SEED` up are never listed (the check set's).
"""

from __future__ import annotations

import random
from pathlib import Path

from train.data.sources import Item
from train.data.sources.anime import GENERATOR_VERSION, seed_items
from train.data.sources.anime import item_id as plain_id
from train.data.sources.anime import versions  # noqa: F401  (same generator and renderer)

NAME = "anime_fantasy"
DEFAULT_COUNT = 6_000
VARIANT = 1
HEADWEAR_WEIGHTS = {"helmet": 0.35, "hood": 0.3, "hood_mask": 0.2, "none": 0.15}
CAPE_PROB = 0.45

__all__ = ["NAME", "DEFAULT_COUNT", "gear_of", "item_id", "items", "make", "GENERATOR_VERSION"]


def gear_of(seed: int) -> tuple[str, bool]:
    """``(headwear, cape)`` of character ``seed`` in this source; never neither."""
    r = random.Random(f"anime-fantasy-gear-{seed}")
    kinds = list(HEADWEAR_WEIGHTS)
    headwear = r.choices(kinds, [HEADWEAR_WEIGHTS[k] for k in kinds])[0]
    cape = r.random() < CAPE_PROB or headwear == "none"
    return headwear, cape


def item_id(seed: int) -> str:
    return f"{NAME}-{seed:06d}"


def items(cache_dir: Path | None = None, limit: int | None = None, count: int = DEFAULT_COUNT, **_: object) -> list[Item]:
    """Items for seeds ``0..count-1`` (at most ``limit`` of them), each grouped with its plain twin."""
    return seed_items(NAME, "train.data.sources.anime_fantasy:make", limit, count, group=plain_id)


def make(item: Item, size: int):
    """Render one item: ``(sketch L, colour RGB, labels L)``."""
    from train.data.anime import generate

    if item.seed is None:
        raise ValueError(f"{item.id}: anime items need a seed")
    headwear, cape = gear_of(int(item.seed))
    s = generate(int(item.seed), size=size, variant=VARIANT, headwear=headwear, cape=cape)
    return s.sketch, s.color, s.labels
