"""Generator v2's descriptions: a character (v1 identity), an outfit of layers, and a picture's pose.

Three seeds make a picture: the ``character`` seed gives the identity (hair,
face, skin, eyes: :func:`train.data.anime.spec.make_spec`), the ``outfit`` seed
the clothes and their colours (:func:`make_outfit`), the ``pose`` seed the
framing, view, arms, held object and companion (:func:`make_pose_v2`). So the
same character can be drawn in several poses and in other outfits.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass

from train.data.anime.spec import (
    ACCENT, CLOTH_DARK, CLOTH_LIGHT, CLOTH_MID, CLOTH_BRIGHT, EXPRESSIONS, AnimeSpec, PartColors, Pose, jitter,
    part_colors, weighted, make_spec,
)

__all__ = ["OUTFITS_V2", "ARMS_V2", "HELD", "PART_NAMES", "PARTS_PER_FIGURE", "Outfit", "PoseV2", "make_outfit",
           "make_pose_v2", "dress_spec"]

# Layered outfits: (inner top, outer layer). The outer layer is open unless it is a vest.
OUTFITS_V2 = {
    "blazer_open": ("blouse", "blazer"), "cardigan": ("blouse", "cardigan"), "vest": ("shirt", "vest"),
    "sailor": ("sailor", "none"), "sailor_cardigan": ("sailor", "cardigan"), "dress_sash": ("dress", "none"),
    "dress_belt": ("dress", "none"), "dress_cardigan": ("dress", "cardigan"), "jacket_tshirt": ("tshirt", "jacket"),
    "hoodie_open": ("tshirt", "hoodie"), "blouse": ("blouse", "none"),
}
OUTFIT_WEIGHTS = {"blazer_open": 3, "cardigan": 3, "vest": 2, "sailor": 2, "sailor_cardigan": 1.5, "dress_sash": 2,
                  "dress_belt": 1.5, "dress_cardigan": 1.5, "jacket_tshirt": 2, "hoodie_open": 1.5, "blouse": 1}
ARMS_V2 = ("down", "hip", "behind", "crossed", "book", "bag", "wave", "clasp", "cheek")
ARM_WEIGHTS_V2 = (2.5, 2, 1.5, 2, 1.5, 1.5, 1, 1, 0.7)
HELD = {"book": "book", "bag": "bag"}

# Every part a figure may have, in a fixed order: part ``k`` of figure ``f`` has the garment id
# ``f * PARTS_PER_FIGURE + k + 1`` in the parts map (0 = background, 255 = line). Stable across
# poses and outfits of a character, so pictures of one character can be matched piece by piece.
PART_NAMES = ("skin", "hair", "eye", "eye_white", "mouth", "top", "collar", "frill", "bottom", "jacket", "legwear",
              "shoes", "neckwear", "strings", "hair_acc", "glasses", "hat", "hat_band", "cat_ears", "sash", "belt",
              "gloves", "book", "bag", "helmet", "hood", "mask", "cape", "buckle")
PARTS_PER_FIGURE = 100
assert len(PART_NAMES) < PARTS_PER_FIGURE and 2 * PARTS_PER_FIGURE < 255


@dataclass(frozen=True)
class Outfit:
    """One outfit: an inner top, an optional outer layer (open jackets and cardigans, vests), the
    bottom, legwear, neckwear, waist piece, gloves and cuffs, and the colours of every piece."""

    kind: str
    top: str  # "blouse", "shirt", "sailor", "tshirt", "dress"
    outer: str  # "none", "blazer", "cardigan", "vest", "jacket", "hoodie"
    bottom: str  # "pleated", "skirt", "trousers", "shorts", "none" (dress)
    legwear: str  # "none", "socks", "knee", "thigh", "tights"
    neckwear: str  # "ribbon", "tie", "scarf", "none"
    waist: str  # "none", "sash", "belt"
    sleeves: str  # "short", "long" (of the outermost layer with sleeves)
    gloves: bool
    cuffs: bool  # blouse cuffs showing under the outer sleeve
    frills: bool
    outer_len: float  # hem of the outer layer (body units)
    parts: dict[str, PartColors] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class PoseV2:
    """A v2 picture: the v1 pose (framing, head, expression...) plus the body's turn, the arms,
    the held object and an optional companion drawn beside the character."""

    base: Pose
    arms: str  # one of ARMS_V2
    body_turn: float  # radians; the body turns as a cylinder (3/4 views)
    companion: int | None  # character seed of a second figure, or None
    companion_outfit: int


def make_outfit(character: int, outfit: int = 0) -> Outfit:
    """Outfit ``outfit`` of character ``character`` (its look decides skirts or trousers)."""
    for name, v in (("character", character), ("outfit", outfit)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    girl = make_spec(character).look == "girl"
    rng = random.Random(f"anime-v2-outfit-{character}-{outfit}")
    weights = dict(OUTFIT_WEIGHTS)
    if not girl:
        for k in ("sailor", "sailor_cardigan", "dress_sash", "dress_belt", "dress_cardigan"):
            weights[k] = 0
    kind = weighted(rng, weights)
    top, outer = OUTFITS_V2[kind]
    if top == "dress":
        bottom = "none"
    elif top == "sailor":
        bottom = "pleated"
    elif girl:
        bottom = weighted(rng, {"pleated": 4, "skirt": 2, "trousers": 1, "shorts": 1})
    else:
        bottom = weighted(rng, {"trousers": 5, "shorts": 1})
    legwear = weighted(rng, {"none": 1, "socks": 3, "knee": 3, "thigh": 2, "tights": 1.5}) if girl else \
        weighted(rng, {"none": 1, "socks": 3})
    if bottom == "trousers":
        legwear = "none"
    neckwear = {"blouse": rng.choice(["ribbon", "ribbon", "tie", "none"]), "shirt": rng.choice(["tie", "tie", "ribbon"]),
                "sailor": rng.choice(["scarf", "ribbon"]), "tshirt": "none",
                "dress": rng.choice(["ribbon", "none"])}[top]
    if not girl and neckwear == "ribbon":
        neckwear = "tie"
    waist = {"dress_sash": "sash", "dress_belt": "belt"}.get(kind, "none")
    if waist == "none" and bottom in ("trousers", "shorts", "skirt") and rng.random() < 0.35:
        waist = "belt"
    sleeves = "long" if outer in ("blazer", "cardigan", "jacket", "hoodie") else rng.choice(["short", "long"])
    gloves = rng.random() < 0.15
    cuffs = outer in ("blazer", "cardigan", "jacket") and top in ("blouse", "shirt") and rng.random() < 0.6
    frills = girl and top in ("blouse", "dress") and rng.random() < 0.3

    def cloth(kinds) -> str:
        k = rng.choice(kinds)
        return jitter(rng, rng.choice({"dark": CLOTH_DARK, "mid": CLOTH_MID, "light": CLOTH_LIGHT,
                                        "bright": CLOTH_BRIGHT}[k]), 0.015, 0.08, 0.06)

    white = {"k": 0.86, "tint": (0.92, 0.92, 1.08)}
    P: dict[str, PartColors] = {}
    if top in ("blouse", "shirt"):
        P["top"] = part_colors("top", cloth(["light", "light", "light", "bright"]), **white)
    elif top == "sailor":
        P["top"] = part_colors("top", cloth(["light"]), **white)
        P["collar"] = part_colors("outer", cloth(["dark", "mid"]), 0.72, 0.55)
    elif top == "tshirt":
        P["top"] = part_colors("top", cloth(["light", "bright", "mid", "dark"]), 0.8)
    else:
        P["top"] = part_colors("top", cloth(["bright", "mid", "light", "dark"]), 0.74)
    if outer != "none":
        P["jacket"] = part_colors("outer", cloth({"blazer": ["dark", "dark", "mid"], "cardigan": ["light", "mid", "bright"],
                                            "vest": ["dark", "mid", "light"], "jacket": ["dark", "mid", "bright"],
                                            "hoodie": ["bright", "mid", "dark", "light"]}[outer]), 0.74)
    if bottom != "none":
        P["bottom"] = part_colors("bottom", cloth(["dark", "mid", "mid", "light"]), 0.72)
    if frills:
        P["frill"] = part_colors("outer", "#fbfbfd", **white)
    if legwear != "none":
        sock = rng.choice(["#f8f8fa", "#26262e", "#f8f8fa", "#30304a"]) if legwear != "tights" else \
            rng.choice(["#26262e", "#3a3044", "#e8dcd0"])
        P["legwear"] = part_colors("outer", sock, 0.82 if sock.startswith("#f") else 0.7, 0.5)
    P["shoes"] = part_colors("outer", rng.choice(["#4a3026", "#2a2628", "#6a4030", "#f4f4f4", "#a02a30"]), 0.7, 0.5)
    accent = jitter(rng, rng.choice(ACCENT), 0.01, 0.05, 0.05)
    if neckwear != "none":
        P["neckwear"] = part_colors("accessory", accent, 0.72)
    if outer == "hoodie":
        P["strings"] = part_colors("accessory", rng.choice(["#f8f8f8", accent]), 0.82)
    if waist == "sash":
        P["sash"] = part_colors("accessory", jitter(rng, rng.choice(ACCENT), 0.01, 0.05, 0.05), 0.72)
    elif waist == "belt":
        P["belt"] = part_colors("accessory", rng.choice(["#3a2a22", "#2a2a30", "#6a4a30", "#8a2a2a", "#f0f0f0"]), 0.7, 0.45)
        P["buckle"] = part_colors("accessory", rng.choice(["#d8c070", "#c8ccd4"]), 0.7, 0.6)
    if gloves:
        P["gloves"] = part_colors("accessory", rng.choice(["#f8f8fa", "#26262e", accent]), 0.8, 0.5)
    P["book"] = part_colors("accessory", jitter(rng, rng.choice(CLOTH_MID + CLOTH_BRIGHT), 0.01, 0.05, 0.05), 0.72,
                      extra=("#f6f0e0",))
    P["bag"] = part_colors("accessory", jitter(rng, rng.choice(CLOTH_DARK + CLOTH_MID + ("#7a4a2a", "#f0e0c8")),
                                          0.01, 0.05, 0.05), 0.72)
    outer_len = rng.uniform(270, 330) if outer in ("blazer", "jacket", "hoodie") else rng.uniform(250, 340)
    if outer == "vest":
        outer_len = rng.uniform(236, 262)
    return Outfit(kind=kind, top=top, outer=outer, bottom=bottom, legwear=legwear, neckwear=neckwear, waist=waist,
                  sleeves=sleeves, gloves=gloves, cuffs=cuffs, frills=frills, outer_len=outer_len, parts=P)


def dress_spec(spec: AnimeSpec, o: Outfit) -> AnimeSpec:
    """The identity ``spec`` wearing outfit ``o``: its clothing parts replaced, the rest kept."""
    clothing = ("top", "collar", "jacket", "bottom", "frill", "legwear", "shoes", "neckwear", "strings")
    parts = {k: v for k, v in spec.parts.items() if k not in clothing}
    parts.update(o.parts)
    v1_outfit = {"dress": "dress", "sailor": "sailor", "tshirt": "tshirt"}.get(o.top, "shirt")
    return dataclasses.replace(spec, outfit=v1_outfit, sleeves=o.sleeves, bottom=o.bottom, legwear=o.legwear,
                               neckwear=o.neckwear, frills=o.frills, parts=parts)


def make_pose_v2(character: int, pose: int = 0) -> PoseV2:
    """Picture ``pose`` of character ``character``: framing from bust to full body, 3/4 views,
    arms (crossed, on the hips, behind the back, holding a book or a bag...), sometimes a companion."""
    if not isinstance(pose, int) or isinstance(pose, bool) or pose < 0:
        raise ValueError(f"pose must be a non-negative integer, got {pose!r}")
    rng = random.Random(f"anime-v2-pose-{character}-{pose}")
    framing = rng.choices(("bust", "half", "full"), weights=(3, 4, 3))[0]
    duo = rng.random() < 0.15
    if framing == "bust":
        scale, eye_y = rng.uniform(1.0, 1.3), rng.uniform(100, 118)
    elif framing == "half":
        scale, eye_y = rng.uniform(0.58, 0.74), rng.uniform(54, 72)
    else:
        scale, eye_y = rng.uniform(0.27, 0.31), rng.uniform(30, 40)
    cx = 128 + rng.uniform(-14, 14)
    if duo:  # two figures side by side: each smaller, one on each half
        scale *= 0.72
        eye_y = eye_y * 0.85 + 20
        cx = 128 + rng.choice([-1, 1]) * rng.uniform(56, 66)
    view = rng.choices(("front", "slight", "three_quarter"), weights=(3, 3, 3))[0]
    side = rng.choice([-1.0, 1.0])
    turn = {"front": 0.0, "slight": side * rng.uniform(0.1, 0.3), "three_quarter": side * rng.uniform(0.38, 0.55)}[view]
    arms = rng.choices(ARMS_V2, weights=ARM_WEIGHTS_V2)[0]
    if framing == "bust" and arms in ("bag", "behind"):
        arms = "down"
    if framing == "full" and arms == "cheek":
        arms = "down"
    expression = rng.choice(EXPRESSIONS)
    base = Pose(framing=framing, scale=scale, cx=cx, eye_y=eye_y, turn=turn, tilt=rng.uniform(-0.08, 0.08),
                expression=expression, gaze=rng.uniform(-0.6, 0.6) + 0.5 * math.copysign(1.0, turn) * (turn != 0),
                arms=arms if arms in ("down", "hip", "behind", "wave", "clasp", "cheek") else "down",
                blush=expression in ("shy", "happy", "laugh") or rng.random() < 0.4, mouth_open=rng.uniform(0.6, 1.0),
                stance=rng.uniform(-2.0, 12.0), knees=rng.uniform(0.0, 6.0))
    companion = None
    if duo:
        # companions come from a seed range of their own, never listed as a main character
        # (training: 500,000..899,999; check set: 1,500,000..1,899,999)
        base_c = 500_000 if character < 1_000_000 else 1_500_000
        companion = base_c + (character * 7919 + pose * 104729 + 13) % 400_000
    return PoseV2(base=base, arms=arms, body_turn=turn * 0.6, companion=companion,
                  companion_outfit=rng.randrange(4))
