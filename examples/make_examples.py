"""Draw the app's example sketches and reference pictures with PIL (deterministic).

    python examples/make_examples.py

Writes small PNGs to examples/sketches/ and examples/references/. Own work,
released under CC0 1.0 (see examples/README.md).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
S = 384          # sketch size
R = 256          # reference size
W = 4            # line width
INK = 0


def _canvas(size=S):
    img = Image.new("L", (size, size), 255)
    return img, ImageDraw.Draw(img)


def _arc(d, box, start, end, width=W):
    d.arc(box, start, end, fill=INK, width=width)


def girl_portrait() -> Image.Image:
    """A chibi girl's head: round face, big eyes, bangs, twin tails, collar."""
    img, d = _canvas()
    cx = S // 2
    # twin tails (behind the head)
    d.ellipse((30, 150, 110, 330), outline=INK, width=W)
    d.ellipse((274, 150, 354, 330), outline=INK, width=W)
    # hair mass
    d.ellipse((70, 40, 314, 280), outline=INK, width=W, fill=255)
    # face
    d.ellipse((100, 100, 284, 290), outline=INK, width=W, fill=255)
    # bangs: zig-zag along the forehead
    pts = [(100, 170), (125, 115), (145, 160), (170, 105), (192, 155), (215, 105), (240, 160), (262, 115), (284, 170)]
    d.line(pts, fill=INK, width=W, joint="curve")
    # eyes
    for ex in (cx - 42, cx + 42):
        d.ellipse((ex - 20, 185, ex + 20, 235), outline=INK, width=W)
        d.ellipse((ex - 9, 198, ex + 9, 222), fill=INK)
        d.ellipse((ex - 4, 201, ex + 2, 207), fill=255)
        _arc(d, (ex - 24, 176, ex + 24, 200), 200, 340, W)
    # mouth and blush marks
    _arc(d, (cx - 14, 245, cx + 14, 265), 20, 160, 3)
    for bx in (cx - 70, cx + 55):
        d.line([(bx, 245), (bx + 8, 238)], fill=INK, width=2)
        d.line([(bx + 7, 247), (bx + 15, 240)], fill=INK, width=2)
    # hair ties
    d.ellipse((78, 150, 100, 172), outline=INK, width=W)
    d.ellipse((284, 150, 306, 172), outline=INK, width=W)
    # neck + collar
    d.line([(cx - 22, 288), (cx - 22, 318)], fill=INK, width=W)
    d.line([(cx + 22, 288), (cx + 22, 318)], fill=INK, width=W)
    d.polygon([(cx - 95, 384), (cx - 80, 320), (cx, 335), (cx + 80, 320), (cx + 95, 384)], outline=INK, width=W)
    d.polygon([(cx - 35, 318), (cx, 350), (cx + 35, 318)], outline=INK, width=W)
    return img


def cat_mascot() -> Image.Image:
    """A sitting cat with a bell collar."""
    img, d = _canvas()
    # body
    d.ellipse((92, 190, 292, 370), outline=INK, width=W)
    # tail
    _arc(d, (250, 230, 360, 360), 270, 90, W)
    # head
    d.ellipse((102, 60, 282, 220), outline=INK, width=W, fill=255)
    # ears
    d.polygon([(115, 110), (120, 30), (175, 72)], outline=INK, width=W, fill=255)
    d.polygon([(269, 110), (264, 30), (209, 72)], outline=INK, width=W, fill=255)
    d.polygon([(130, 95), (133, 55), (160, 78)], outline=INK, width=2)
    d.polygon([(254, 95), (251, 55), (224, 78)], outline=INK, width=2)
    # eyes, nose, mouth
    d.ellipse((140, 120, 168, 155), outline=INK, width=W)
    d.ellipse((216, 120, 244, 155), outline=INK, width=W)
    d.ellipse((149, 130, 161, 150), fill=INK)
    d.ellipse((225, 130, 237, 150), fill=INK)
    d.polygon([(184, 165), (200, 165), (192, 175)], fill=INK)
    _arc(d, (172, 168, 193, 190), 0, 150, 3)
    _arc(d, (191, 168, 212, 190), 30, 180, 3)
    # whiskers
    for dy in (-6, 6):
        d.line([(120, 172 + dy), (70, 165 + 3 * dy)], fill=INK, width=2)
        d.line([(264, 172 + dy), (314, 165 + 3 * dy)], fill=INK, width=2)
    # collar + bell
    _arc(d, (132, 180, 252, 236), 20, 160, W)
    d.ellipse((180, 222, 204, 246), outline=INK, width=W, fill=255)
    d.line([(192, 236), (192, 246)], fill=INK, width=2)
    # paws
    d.ellipse((140, 330, 185, 372), outline=INK, width=W)
    d.ellipse((199, 330, 244, 372), outline=INK, width=W)
    return img


def star_wand() -> Image.Image:
    """A magical-girl wand: star head, ribbon, sparkles."""
    img, d = _canvas()
    cx, cy, r1, r2 = 150, 130, 95, 42
    pts = []
    for k in range(10):
        r = r1 if k % 2 == 0 else r2
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    d.polygon(pts, outline=INK, width=W)
    d.ellipse((cx - 20, cy - 18, cx + 20, cy + 22), outline=INK, width=W)
    # handle
    d.line([(185, 205), (320, 360)], fill=INK, width=W)
    d.line([(205, 190), (340, 345)], fill=INK, width=W)
    d.line([(320, 360), (340, 345)], fill=INK, width=W)
    # ribbon bow
    d.polygon([(195, 200), (150, 240), (165, 270)], outline=INK, width=W)
    d.polygon([(195, 200), (245, 215), (240, 250)], outline=INK, width=W)
    d.line([(160, 262), (140, 320)], fill=INK, width=W)
    d.line([(238, 246), (268, 300)], fill=INK, width=W)
    # sparkles
    for sx, sy, s in ((300, 70, 18), (320, 160, 12), (60, 300, 16), (90, 40, 10)):
        d.line([(sx - s, sy), (sx + s, sy)], fill=INK, width=3)
        d.line([(sx, sy - s), (sx, sy + s)], fill=INK, width=3)
    return img


def _gradient(size, top, bottom) -> Image.Image:
    img = Image.new("RGB", (size, size))
    d = ImageDraw.Draw(img)
    for y in range(size):
        t = y / (size - 1)
        d.line([(0, y), (size, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    return img


def ref_sunset() -> Image.Image:
    img = _gradient(R, (255, 138, 101), (116, 58, 160))
    d = ImageDraw.Draw(img)
    d.ellipse((78, 110, 178, 210), fill=(255, 214, 102))
    d.rectangle((0, 190, R, R), fill=(32, 42, 84))
    d.polygon([(0, 190), (60, 150), (120, 190)], fill=(60, 50, 110))
    d.polygon([(110, 190), (190, 140), (256, 190)], fill=(80, 60, 130))
    for x in range(10, R, 40):
        d.rectangle((x, 205, x + 18, 209), fill=(255, 190, 120))
    return img


def ref_sakura() -> Image.Image:
    img = Image.new("RGB", (R, R), (250, 236, 242))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 180, R, R), fill=(140, 190, 120))
    d.line([(40, 256), (90, 120), (150, 60)], fill=(96, 60, 52), width=14)
    d.line([(90, 120), (200, 110)], fill=(96, 60, 52), width=9)
    pinks = [(247, 168, 196), (236, 112, 150), (255, 206, 222)]
    k = 0
    for cx, cy in ((150, 60), (200, 110), (120, 90), (60, 150), (180, 40), (230, 80), (100, 40)):
        for dx, dy in ((-18, 0), (18, 0), (0, -18), (0, 18), (0, 0)):
            col = pinks[k % 3]
            k += 1
            d.ellipse((cx + dx - 16, cy + dy - 16, cx + dx + 16, cy + dy + 16), fill=col)
    d.ellipse((190, 170, 240, 220), fill=(70, 110, 190))
    return img.filter(ImageFilter.SMOOTH)


def ref_character() -> Image.Image:
    """A flat-colour 'character' card: blue hair, skin, red uniform, gold trim."""
    img = Image.new("RGB", (R, R), (236, 244, 255))
    d = ImageDraw.Draw(img)
    d.ellipse((58, 20, 198, 170), fill=(52, 84, 170))           # hair
    d.ellipse((78, 50, 178, 160), fill=(252, 221, 200))         # face
    d.ellipse((96, 95, 116, 120), fill=(40, 160, 140))          # eyes
    d.ellipse((140, 95, 160, 120), fill=(40, 160, 140))
    d.polygon([(40, 256), (70, 170), (186, 170), (216, 256)], fill=(200, 40, 60))   # uniform
    d.polygon([(108, 170), (128, 210), (148, 170)], fill=(255, 255, 255))          # collar
    d.rectangle((40, 236, 216, 244), fill=(240, 190, 60))       # gold trim
    d.ellipse((120, 214, 136, 230), fill=(240, 190, 60))
    return img


def main():
    sk = HERE / "sketches"
    rf = HERE / "references"
    sk.mkdir(parents=True, exist_ok=True)
    rf.mkdir(parents=True, exist_ok=True)
    for name, fn in (("girl", girl_portrait), ("cat", cat_mascot), ("wand", star_wand)):
        fn().save(sk / f"{name}.png", optimize=True)
    for name, fn in (("sunset", ref_sunset), ("sakura", ref_sakura), ("character", ref_character)):
        fn().save(rf / f"{name}.png", optimize=True)
    print("wrote", sorted(p.name for p in sk.glob("*.png")), sorted(p.name for p in rf.glob("*.png")))


if __name__ == "__main__":
    main()
