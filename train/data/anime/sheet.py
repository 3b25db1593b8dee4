"""Contact sheet of generated characters: colour | line art | labels for each sample."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from colorizer.roles import ROLES

__all__ = ["LABEL_COLORS", "labels_to_rgb", "contact_sheet", "contact_sheet_v2"]

# A fixed, legible colour per role for showing label maps (index = role value).
LABEL_COLORS: tuple[tuple[int, int, int], ...] = (
    (255, 255, 255),  # background
    (250, 200, 160),  # skin
    (140, 80, 200),   # hair
    (40, 120, 255),   # eye
    (200, 255, 255),  # eye_white
    (230, 30, 60),    # mouth
    (60, 190, 90),    # top
    (240, 170, 30),   # bottom
    (20, 80, 90),     # outer
    (255, 90, 210),   # accessory
    (0, 0, 0),        # line
)
assert len(LABEL_COLORS) == len(ROLES)


def labels_to_rgb(labels) -> Image.Image:
    lut = np.full((256, 3), 128, np.uint8)  # unknown = grey
    lut[: len(LABEL_COLORS)] = np.array(LABEL_COLORS, np.uint8)
    return Image.fromarray(lut[np.asarray(labels)], "RGB")


def contact_sheet(seeds, size: int = 192, cols: int = 3, variant: int = 0, fantasy: bool = False) -> Image.Image:
    """One tile per seed (colour | line art | labels), ``cols`` tiles per row, with a role legend.
    ``fantasy``: each character as :mod:`train.data.sources.anime_fantasy` draws it (its gear,
    that source's pose; ``variant`` is then ignored)."""
    from train.data.anime import generate
    from train.data.sources import anime_fantasy

    seeds = list(seeds)
    rows = -(-len(seeds) // cols)
    gap, label_h = 6, 14
    tile_w = 3 * size + 2 * 2
    legend_h = 22
    W = cols * tile_w + (cols + 1) * gap
    H = legend_h + rows * (size + label_h + gap) + gap
    sheet = Image.new("RGB", (W, H), (235, 235, 235))
    d = ImageDraw.Draw(sheet)
    x = gap
    for i, name in enumerate(ROLES):
        d.rectangle([x, 5, x + 12, 17], fill=LABEL_COLORS[i], outline=(90, 90, 90))
        d.text((x + 16, 5), name, fill=(20, 20, 20))
        x += 16 + 7 * len(name) + 12
    for k, seed in enumerate(seeds):
        r, c = divmod(k, cols)
        x0 = gap + c * (tile_w + gap)
        y0 = legend_h + gap + r * (size + label_h + gap)
        gear = anime_fantasy.gear_of(seed) if fantasy else ("none", False)
        s = generate(seed, size=size, variant=anime_fantasy.VARIANT if fantasy else variant, headwear=gear[0],
                     cape=gear[1])
        sheet.paste(s.color, (x0, y0 + label_h))
        sheet.paste(s.sketch.convert("RGB"), (x0 + size + 2, y0 + label_h))
        sheet.paste(labels_to_rgb(s.labels), (x0 + 2 * size + 4, y0 + label_h))
        p = s.pose
        extra = (f"  {gear[0]}" if gear[0] != "none" else "") + ("  cape" if gear[1] else "")
        d.text((x0, y0), f"seed {seed}  {p.framing}  {p.expression}  {s.spec.outfit}{extra}", fill=(30, 30, 30))
    return sheet


def contact_sheet_v2(pictures, size: int = 192, cols: int = 3) -> Image.Image:
    """Generator v2: one tile per ``(character, pose, outfit)`` (sketch | colour | labels), ``cols`` tiles
    per row, with a role legend and each tile's styles, outfit and pose."""
    from train.data.anime.v2 import generate_v2

    pictures = list(pictures)
    rows = -(-len(pictures) // cols)
    gap, label_h, legend_h = 6, 14, 22
    tile_w = 3 * size + 2 * 2
    sheet = Image.new("RGB", (cols * tile_w + (cols + 1) * gap, legend_h + rows * (size + label_h + gap) + gap),
                      (235, 235, 235))
    d = ImageDraw.Draw(sheet)
    x = gap
    for i, name in enumerate(ROLES):
        d.rectangle([x, 5, x + 12, 17], fill=LABEL_COLORS[i], outline=(90, 90, 90))
        d.text((x + 16, 5), name, fill=(20, 20, 20))
        x += 16 + 7 * len(name) + 12
    for k, (character, pose, outfit) in enumerate(pictures):
        r, c = divmod(k, cols)
        x0 = gap + c * (tile_w + gap)
        y0 = legend_h + gap + r * (size + label_h + gap)
        s = generate_v2(character, pose, outfit, size=size)
        sheet.paste(s.sketch.convert("RGB"), (x0, y0 + label_h))
        sheet.paste(s.color, (x0 + size + 2, y0 + label_h))
        sheet.paste(labels_to_rgb(s.labels), (x0 + 2 * size + 4, y0 + label_h))
        duo = "  +friend" if s.pose.companion is not None else ""
        d.text((x0, y0), f"{character}/{pose}/{outfit} {s.sketch_style} {s.color_style} {s.outfit.kind} "
                         f"{s.pose.arms} {s.pose.base.framing}{duo}", fill=(30, 30, 30))
    return sheet
