"""Random anime character descriptions: the identity (:class:`AnimeSpec`) and the pose (:class:`Pose`).

The identity depends only on the seed: hair style and colour, skin, eyes,
outfit and every part colour. The pose depends on ``(seed, variant)``: framing,
head turn and tilt, expression and arm pose. Two variants of a seed are "the
same character in another picture".
"""

from __future__ import annotations

import colorsys
import random
from dataclasses import dataclass, field

__all__ = ["sheen", "jitter", "part_colors", "weighted", "PartColors", "AnimeSpec", "Pose", "make_spec", "make_pose",
           "EXPRESSIONS", "ARM_POSES", "FRAMINGS",
           "OUTFITS", "HEADWEAR", "shade", "lighten", "mix"]

FRAMINGS = ("bust", "half", "full")
EXPRESSIONS = ("smile", "neutral", "happy", "laugh", "content", "surprised", "angry", "sad", "wink", "sleepy", "shy")
ARM_POSES = ("down", "wave", "hip", "clasp", "behind", "cheek")
OUTFITS = ("sailor", "blazer", "dress", "hoodie", "tshirt", "shirt")
# Head coverings that hide most of the hair (fantasy and game characters): a metal helmet with
# cheek guards (role accessory), a cloth hood falling to the shoulders (role outer), the hood
# with a cloth mask over the lower face (both outer). Only drawn when asked for (make_spec's
# ``headwear``), so a seed's character without it is unchanged.
HEADWEAR = ("helmet", "hood", "hood_mask")
HELMET_COLORS = ("#b9bfcc", "#8d97ab", "#d4d8e0", "#c9a24e", "#a8743e", "#6f7a8c", "#a0343c", "#3e4a6a")


# ----------------------------------------------------------------------------- colours

def _rgb(h: str) -> tuple[float, float, float]:
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb)


def mix(a: str, b: str, t: float) -> str:
    ra, rb = _rgb(a), _rgb(b)
    return _hex(tuple(x + (y - x) * t for x, y in zip(ra, rb)))


def shade(h: str, k: float = 0.78, tint: tuple[float, float, float] = (0.96, 0.92, 1.06)) -> str:
    """Cel-shadow tone: darker, shifted a little towards violet, more saturated."""
    r, g, b = _rgb(h)
    hh, ll, ss = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb(hh, ll, min(1.0, ss * 1.12 + 0.04))
    return _hex((r * k * tint[0], g * k * tint[1], b * k * tint[2]))


def lighten(h: str, t: float = 0.45) -> str:
    return mix(h, "#ffffff", t)


def sheen(h: str) -> str:
    """Hair highlight: brighter and a little less saturated, keeping the hue (not a grey wash)."""
    r, g, b = _rgb(h)
    hh, ss, vv = colorsys.rgb_to_hsv(r, g, b)
    return _hex(colorsys.hsv_to_rgb(hh, ss * 0.72, min(1.0, vv * 1.22 + 0.2)))


def jitter(rng: random.Random, h: str, dh: float = 0.02, ds: float = 0.08, dv: float = 0.06) -> str:
    """``h`` with its hue, saturation and value moved a little at random."""
    r, g, b = _rgb(h)
    hh, ss, vv = colorsys.rgb_to_hsv(r, g, b)
    hh = (hh + rng.uniform(-dh, dh)) % 1.0
    ss = min(1.0, max(0.0, ss * (1 + rng.uniform(-ds, ds))))
    vv = min(1.0, max(0.0, vv * (1 + rng.uniform(-dv, dv))))
    return _hex(colorsys.hsv_to_rgb(hh, ss, vv))


HAIR = {
    "black": "#2f3142", "blue_black": "#283050", "dark_brown": "#4e342e", "brown": "#7b4e34",
    "chestnut": "#9a5a3a", "light_brown": "#b98a5e", "blonde": "#f1d488", "golden": "#e5b448",
    "orange": "#e07a3a", "red": "#b52f35", "crimson": "#8e1f3a", "pink": "#f3a0bf", "hot_pink": "#e0609a",
    "light_blue": "#98c4ee", "blue": "#3e64b8", "navy": "#2e3c78", "silver": "#cfd3df", "white": "#edeff5",
    "green": "#5eaa78", "mint": "#98d8c4", "purple": "#7c5cb8", "lavender": "#bca6e4", "teal": "#2f8f96",
}
# Rough frequency of hair colours in anime casts.
HAIR_WEIGHTS = {
    "black": 8, "blue_black": 3, "dark_brown": 6, "brown": 7, "chestnut": 4, "light_brown": 4, "blonde": 5,
    "golden": 3, "orange": 3, "red": 3, "crimson": 2, "pink": 4, "hot_pink": 2, "light_blue": 3, "blue": 3,
    "navy": 2, "silver": 3, "white": 2, "green": 2, "mint": 2, "purple": 3, "lavender": 2, "teal": 2,
}
SKIN = ("#fff1e8", "#fde4d4", "#f9d7c0", "#f3c9aa", "#e9b58f", "#d69a70", "#bb7e55", "#9a6240", "#74462e", "#5a3524")
SKIN_WEIGHTS = (4, 8, 8, 6, 4, 3, 2, 2, 2, 1)
EYES = ("#3b6fd0", "#2f9be0", "#3aa87a", "#7ab83a", "#c8323c", "#e0523a", "#8a4fc8", "#c060c0",
        "#d8a02a", "#8a5a30", "#5a3a28", "#30a8b0", "#7a8aa0", "#e070a0", "#4048a0")
CLOTH_DARK = ("#25304f", "#2b2b33", "#3a2f2a", "#4a1f2a", "#23402f", "#3c3f48", "#4b2f5a", "#5a3a22")
CLOTH_MID = ("#3e5a9a", "#a33040", "#3f7a55", "#7a4a8a", "#8a6a4a", "#5a6a7a", "#b05a2a", "#2e7f8a", "#6a7a3a",
             "#c04870", "#4a4a8a")
CLOTH_LIGHT = ("#f4f1ea", "#f7f7fb", "#dde6f4", "#f5dce4", "#fbf0d0", "#e4f0e0", "#ece4f4", "#e8dcc8", "#fad8c0",
               "#cfe4f4")
CLOTH_BRIGHT = ("#e84860", "#f08a3a", "#f2c640", "#58b868", "#48a0e0", "#9068d8", "#f070a8", "#40c0c0", "#e05050",
                "#7088e8")
ACCENT = ("#d8283c", "#e84870", "#f0a020", "#2860c0", "#208a50", "#f0d040", "#9040c0", "#202a48", "#f07090",
          "#40b0e0", "#ffffff")
BACKGROUNDS = ("#e8eef8", "#f8e8ee", "#eef6e4", "#fdf3dc", "#e6e0f4", "#dff2f2", "#f4e4d8", "#d8e4f0", "#fde0e0",
               "#e0ecd8", "#c8d8f0", "#f0d0dc")


@dataclass(frozen=True)
class PartColors:
    """Colours of one part: its role, base colour, cel-shadow tone, highlight and any extra tones."""

    role: str
    base: str
    shadow: str
    highlight: str
    extra: tuple[str, ...] = ()

    @property
    def tones(self) -> tuple[str, ...]:
        return (self.base, self.shadow, self.highlight, *self.extra)


def part_colors(role: str, base: str, k: float = 0.78, hl: float = 0.45, tint=(0.96, 0.92, 1.06), extra=()) -> PartColors:
    """A part of ``role`` in ``base`` with its cel shadow (:func:`shade` by ``k``) and highlight."""
    return PartColors(role, base, shade(base, k, tint), lighten(base, hl), tuple(extra))


@dataclass(frozen=True)
class AnimeSpec:
    """One character's identity. ``parts`` maps part names to their colours and role."""

    seed: int
    look: str  # "girl" or "boy": lashes, eye size, outfit and hair pools
    # hair
    bangs: str  # "swept", "even", "parted", "side", "hime", "spiky"
    bang_len: float  # tip height in head units: negative = above the brows, positive = over the eyes
    back: str  # "none", "short", "bob", "medium", "long"
    back_len: float
    tail: str  # "none", "ponytail", "twin_tails", "braids", "buns", "side_tail"
    tail_len: float
    side_locks: float  # length of the locks framing the face (0 = none)
    ahoge: bool
    hair_volume: float
    # face
    face_width: float
    chin: float  # 0 round .. 1 pointed
    eye_size: float
    eye_tilt: float  # >0 outer corners up (tsurime), <0 down (tareme)
    eye_height: float
    iris_size: float
    lashes: int
    # body and clothes
    outfit: str
    sleeves: str  # "short", "long"
    bottom: str  # "pleated", "skirt", "trousers", "shorts", "none" (dress)
    legwear: str  # "none", "socks", "knee", "thigh", "tights"
    neckwear: str  # "ribbon", "tie", "scarf", "none"
    frills: bool
    accessories: tuple[str, ...]  # any of "bow", "clips", "glasses", "beret", "sunhat", "headband", "cat_ears", "flower"
    shoulder: float
    parts: dict[str, PartColors] = field(default_factory=dict)
    light: int = -1  # -1 light from the left of the picture, +1 from the right
    shape_seed: int = 0
    wavy: bool = False  # long back hair falls in waves
    headwear: str = "none"  # "none" or one of HEADWEAR
    cape: bool = False  # a cape hanging behind the body from the shoulders (role outer)

    @property
    def role_colors(self) -> dict[str, str]:
        """Main base colour of every role the character uses (the first part listed for the role)."""
        out: dict[str, str] = {}
        for pc in self.parts.values():
            out.setdefault(pc.role, pc.base)
        return out

    def role_tones(self) -> dict[str, set[str]]:
        """Every colour a role's pixels may have (base, shadows, highlights of all its parts)."""
        out: dict[str, set[str]] = {}
        for pc in self.parts.values():
            out.setdefault(pc.role, set()).update(pc.tones)
        return out


@dataclass(frozen=True)
class Pose:
    """Framing and pose of one picture of a character."""

    framing: str
    scale: float
    cx: float
    eye_y: float
    turn: float  # radians, >0 turns towards the picture's right
    tilt: float  # radians
    expression: str
    gaze: float  # -1..1 iris shift
    arms: str
    blush: bool
    mouth_open: float
    stance: float = 0.0  # feet apart (body units at the ankles)
    knees: float = 0.0  # knees drawn in


def weighted(rng: random.Random, weights: dict):
    """One key of ``weights``, drawn with the given weights."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def make_spec(seed: int, headwear: str = "none", cape: bool = False) -> AnimeSpec:
    """The identity of character ``seed`` (any integer >= 0), optionally wearing ``headwear``
    (one of :data:`HEADWEAR`) and a ``cape``. Their colours come from a random stream of their
    own, so every other draw, and so the rest of the character, is the same as without them."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if headwear != "none" and headwear not in HEADWEAR:
        raise ValueError(f"headwear must be 'none' or one of {HEADWEAR}, got {headwear!r}")
    rng = random.Random(f"anime-spec-{seed}")
    look = "girl" if rng.random() < 0.72 else "boy"
    girl = look == "girl"

    # ---- hair
    if girl:
        bangs = weighted(rng, {"swept": 4, "even": 3, "parted": 3, "side": 2, "hime": 1.5, "spiky": 0.5})
        back = weighted(rng, {"none": 0.3, "short": 1, "bob": 2.5, "medium": 3, "long": 5})
        tail = weighted(rng, {"none": 5, "ponytail": 2, "twin_tails": 2, "braids": 1.2, "buns": 0.8,
                               "side_tail": 0.8})
    else:
        bangs = weighted(rng, {"swept": 3, "even": 2, "parted": 2, "side": 1.5, "spiky": 3})
        back = weighted(rng, {"none": 1.5, "short": 5, "bob": 0.8, "medium": 0.8, "long": 0.3})
        tail = weighted(rng, {"none": 10, "ponytail": 0.6})
    if tail in ("twin_tails", "buns", "braids") and back == "long":
        back = rng.choice(["short", "bob", "medium"])
    back_len = {"none": 0, "short": rng.uniform(30, 42), "bob": rng.uniform(48, 72), "medium": rng.uniform(95, 135),
                "long": rng.uniform(170, 330)}[back]
    tail_len = rng.uniform(110, 300) if tail in ("ponytail", "twin_tails", "side_tail") else rng.uniform(100, 200)
    side_locks = 0.0
    if rng.random() < (0.75 if girl else 0.35):
        side_locks = rng.choice([rng.uniform(30, 50), rng.uniform(50, 90), rng.uniform(90, 150)])
    hair_name = weighted(rng, HAIR_WEIGHTS)
    hair = jitter(rng, HAIR[hair_name])

    # ---- face
    skin = jitter(rng, rng.choices(SKIN, weights=SKIN_WEIGHTS)[0], 0.01, 0.05, 0.02)
    eyes = jitter(rng, rng.choice(EYES), 0.02, 0.1, 0.08)

    # ---- outfit
    outfit = weighted(rng, {"sailor": 3, "blazer": 3, "dress": 2, "hoodie": 1.5, "tshirt": 1.5, "shirt": 1.2}
                       if girl else {"sailor": 0, "blazer": 3, "dress": 0, "hoodie": 2, "tshirt": 2, "shirt": 2.5})
    sleeves = "long" if outfit in ("blazer", "hoodie") else rng.choice(["short", "long"])
    if outfit == "dress":
        bottom = "none"
    elif outfit == "sailor":
        bottom = "pleated"
    elif girl:
        bottom = weighted(rng, {"pleated": 4, "skirt": 2, "trousers": 1, "shorts": 1})
    else:
        bottom = weighted(rng, {"trousers": 5, "shorts": 1})
    legwear = weighted(rng, {"none": 2, "socks": 3, "knee": 3, "thigh": 2, "tights": 1.5}) if girl else \
        weighted(rng, {"none": 1, "socks": 3})
    if bottom == "trousers":
        legwear = "none"
    neckwear = {"sailor": rng.choice(["ribbon", "scarf"]), "blazer": rng.choice(["ribbon", "tie", "tie"]),
                "dress": rng.choice(["ribbon", "none"]), "shirt": rng.choice(["tie", "none", "none"]),
                "hoodie": "none", "tshirt": "none"}[outfit]
    if not girl and neckwear == "ribbon":
        neckwear = "tie"
    frills = outfit == "dress" or (girl and outfit in ("shirt", "blazer", "sailor") and rng.random() < 0.3)

    acc: list[str] = []
    if girl and rng.random() < 0.28 and tail not in ("twin_tails",):
        acc.append("bow")
    if rng.random() < 0.22:
        acc.append("clips")
    if rng.random() < 0.16:
        acc.append("glasses")
    r = rng.random()
    if r < 0.09:
        acc.append("beret")
    elif r < 0.17 and girl:
        acc.append("headband")
    elif r < 0.22:
        acc.append("cat_ears")
    elif r < 0.27 and girl:
        acc.append("sunhat")
    if girl and rng.random() < 0.08 and "bow" not in acc:
        acc.append("flower")

    # ---- colours of every part
    parts: dict[str, PartColors] = {}
    bg = "#ffffff" if rng.random() < 0.7 else rng.choice(BACKGROUNDS)
    parts["background"] = PartColors("background", bg, bg, bg)
    skin_pc = PartColors("skin", skin, shade(skin, 0.86, (1.0, 0.9, 0.92)), lighten(skin, 0.35),
                         (mix(skin, "#ff6a80", 0.28),))  # extra: blush
    parts["skin"] = skin_pc
    hair_k = 0.72 if hair_name not in ("black", "blue_black", "navy", "dark_brown") else 0.68
    hl_hair = lighten(hair, 0.5) if hair_name in ("white", "silver") else sheen(hair)
    if hair_name in ("black", "blue_black"):
        hl_hair = mix(hair, "#8a96c8", 0.55)
    parts["hair"] = PartColors("hair", hair, shade(hair, hair_k), hl_hair)
    parts["eye"] = PartColors("eye", eyes, shade(eyes, 0.55), lighten(eyes, 0.45),
                              (shade(eyes, 0.28, (0.9, 0.9, 1.0)), "#ffffff"))
    parts["eye_white"] = PartColors("eye_white", "#fbfbff", "#d9dcef", "#fbfbff")
    parts["mouth"] = PartColors("mouth", "#8c2a36", "#6a1e2a", "#e67a86")

    def cloth(kind):
        return jitter(rng, rng.choice({"dark": CLOTH_DARK, "mid": CLOTH_MID, "light": CLOTH_LIGHT,
                                        "bright": CLOTH_BRIGHT}[kind]), 0.015, 0.08, 0.06)

    accent = jitter(rng, rng.choice(ACCENT), 0.01, 0.05, 0.05)
    white_k = {"k": 0.86, "tint": (0.92, 0.92, 1.08)}
    if outfit == "sailor":
        winter = rng.random() < 0.3
        top = cloth("dark") if winter else cloth("light")
        collar = cloth("dark") if not winter else cloth("light")
        skirt = collar if rng.random() < 0.6 else cloth("dark")
        parts["top"] = part_colors("top", top, **(white_k if not winter else {"k": 0.72}))
        parts["collar"] = part_colors("outer", collar, 0.72 if not winter else 0.86, 0.55)
        parts["bottom"] = part_colors("bottom", skirt, 0.72)
    elif outfit == "blazer":
        parts["top"] = part_colors("top", cloth("light"), **white_k)
        blazer = cloth(rng.choice(["dark", "dark", "mid"]))
        parts["jacket"] = part_colors("outer", blazer, 0.72)
        parts["bottom"] = part_colors("bottom", cloth(rng.choice(["dark", "mid"])), 0.72)
    elif outfit == "dress":
        dress = cloth(rng.choice(["bright", "mid", "light", "dark"]))
        parts["top"] = part_colors("top", dress, 0.74)
    elif outfit == "hoodie":
        parts["top"] = part_colors("top", cloth(rng.choice(["bright", "mid", "light", "dark"])), 0.76)
    else:
        parts["top"] = part_colors("top", cloth(rng.choice(["light", "light", "bright", "mid", "dark"])), 0.8)
        if outfit == "shirt" and rng.random() < 0.5:
            parts["jacket"] = part_colors("outer", cloth(rng.choice(["dark", "mid", "light"])), 0.74)
    if "bottom" not in parts and bottom != "none":
        if bottom in ("trousers", "shorts") and rng.random() < 0.4:
            parts["bottom"] = part_colors("bottom", jitter(rng, "#4a68a0"), 0.74)  # denim
        else:
            parts["bottom"] = part_colors("bottom", cloth(rng.choice(["dark", "mid", "light"])), 0.74)
    if frills:
        parts["frill"] = part_colors("outer", "#fbfbfd", **white_k)
    if legwear != "none":
        sock = rng.choice(["#f8f8fa", "#26262e", "#f8f8fa", "#30304a"]) if legwear != "tights" else \
            rng.choice(["#26262e", "#3a3044", "#e8dcd0"])
        parts["legwear"] = part_colors("outer", sock, 0.82 if sum(_rgb(sock)) > 1.5 else 0.7, 0.5)
    parts["shoes"] = part_colors("outer", rng.choice(["#4a3026", "#2a2628", "#6a4030", "#f4f4f4", "#a02a30"]), 0.7, 0.5)
    if neckwear != "none":
        parts["neckwear"] = part_colors("accessory", accent, 0.72)
    if outfit == "hoodie":
        parts["strings"] = part_colors("accessory", rng.choice(["#f8f8f8", accent]), 0.82)
    hair_acc = jitter(rng, rng.choice(ACCENT), 0.01, 0.05, 0.05)
    if tail in ("ponytail", "twin_tails", "side_tail", "braids", "buns") or any(
            a in acc for a in ("bow", "clips", "headband", "flower")):
        parts["hair_acc"] = part_colors("accessory", hair_acc, 0.74)
    if "glasses" in acc:
        parts["glasses"] = part_colors("accessory", rng.choice(["#2a2a30", "#8a2a2a", "#3a4a8a", "#a08050", "#c0c0c8"]),
                                 0.8, 0.4)
    if "beret" in acc:
        parts["hat"] = part_colors("accessory", cloth(rng.choice(["dark", "mid", "bright", "light"])), 0.74)
    if "sunhat" in acc:
        parts["hat"] = part_colors("accessory", jitter(rng, rng.choice(["#f3e2b0", "#fbfbf6", "#f0c8d8", "#d8e8f8"])), 0.8)
        parts["hat_band"] = part_colors("accessory", accent, 0.72)
    if "cat_ears" in acc:
        parts["cat_ears"] = part_colors("accessory", rng.choice([hair, "#2a2a30", "#f4f4f4", "#f0b0c8"]), 0.74,
                                  extra=("#f6b8c8",))

    hw = random.Random(f"anime-headwear-{seed}")
    if headwear != "none":
        if headwear == "helmet":
            parts["helmet"] = part_colors("accessory", jitter(hw, hw.choice(HELMET_COLORS), 0.01, 0.05, 0.05), 0.7, 0.55)
        else:
            kind = hw.choice(["dark", "dark", "mid", "light"])
            hood = jitter(hw, hw.choice({"dark": CLOTH_DARK, "mid": CLOTH_MID, "light": CLOTH_LIGHT}[kind]),
                           0.015, 0.08, 0.06)
            parts["hood"] = part_colors("outer", hood, 0.72 if kind != "light" else 0.84)
            if headwear == "hood_mask":
                mask = hood if hw.random() < 0.6 else jitter(hw, hw.choice(CLOTH_DARK + CLOTH_MID), 0.015, 0.08, 0.06)
                parts["mask"] = part_colors("outer", mask, 0.74)
    if cape:
        if "hood" in parts and hw.random() < 0.7:  # a cloak: hood and cape of one cloth
            cape_c = parts["hood"].base
        else:
            cape_c = jitter(hw, hw.choice(CLOTH_DARK + CLOTH_MID + ACCENT), 0.015, 0.08, 0.06)
        parts["cape"] = part_colors("outer", cape_c, 0.72)

    return AnimeSpec(
        seed=seed, look=look, bangs=bangs, bang_len=rng.uniform(-16, -3) if bangs != "hime" else rng.uniform(-12, -4),
        back=back, back_len=back_len, tail=tail, tail_len=tail_len, side_locks=side_locks,
        ahoge=rng.random() < 0.3, hair_volume=rng.uniform(0.97, 1.1) if bangs != "spiky" else rng.uniform(1.05, 1.15),
        face_width=rng.uniform(37.5, 41.5) if girl else rng.uniform(39, 43), chin=rng.uniform(0.45, 1.0),
        eye_size=rng.uniform(1.06, 1.24) if girl else rng.uniform(0.9, 1.04),
        eye_tilt=rng.choice([rng.uniform(-0.1, 0.0), rng.uniform(0.0, 0.14)]),
        eye_height=rng.uniform(0.92, 1.12) if girl else rng.uniform(0.75, 0.95),
        iris_size=rng.uniform(0.6, 0.74), lashes=rng.choice([1, 2, 3]) if girl else 0,
        outfit=outfit, sleeves=sleeves, bottom=bottom, legwear=legwear, neckwear=neckwear, frills=frills,
        accessories=tuple(acc), shoulder=rng.uniform(54, 62) if girl else rng.uniform(62, 70),
        parts=parts, light=rng.choice([-1, 1]), shape_seed=rng.randrange(1 << 30),
        wavy=back in ("medium", "long") and rng.random() < 0.3, headwear=headwear, cape=bool(cape),
    )


def make_pose(seed: int, variant: int = 0) -> Pose:
    """Framing, head angle, expression and arms of picture ``variant`` of character ``seed``."""
    if not isinstance(variant, int) or isinstance(variant, bool) or variant < 0:
        raise ValueError(f"variant must be a non-negative integer, got {variant!r}")
    rng = random.Random(f"anime-pose-{seed}-{variant}")
    framing = rng.choices(FRAMINGS, weights=(4.5, 3, 2.5))[0]
    if framing == "bust":
        scale, eye_y, cx = rng.uniform(1.05, 1.32), rng.uniform(104, 118), 128 + rng.uniform(-14, 14)
    elif framing == "half":
        scale, eye_y, cx = rng.uniform(0.6, 0.74), rng.uniform(54, 70), 128 + rng.uniform(-16, 16)
    else:
        scale, eye_y, cx = rng.uniform(0.27, 0.3), rng.uniform(30, 38), 128 + rng.uniform(-20, 20)
    expression = rng.choice(EXPRESSIONS)
    arms = rng.choices(ARM_POSES, weights=(4, 1.5, 1.5, 1.5, 1.5, 1 if framing != "full" else 0))[0]
    return Pose(
        framing=framing, scale=scale, cx=cx, eye_y=eye_y,
        turn=rng.choice([0.0, rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)]),
        tilt=rng.uniform(-0.08, 0.08), expression=expression, gaze=rng.uniform(-0.6, 0.6),
        arms=arms, blush=expression in ("shy", "happy", "laugh") or rng.random() < 0.25,
        mouth_open=rng.uniform(0.6, 1.0),
        stance=rng.uniform(-2.0, 12.0), knees=rng.uniform(0.0, 6.0),
    )
