"""Command line of the anime generator: ``sheet`` (contact sheet) and ``sample`` (one picture's three images).

    python -m train.data.anime sheet --out docs/anime_contact_sheet.png
    python -m train.data.anime sheet --v2 --n 12 --cols 3 --size 160 --out docs/anime_v2_sheet.png
    python -m train.data.anime sample --seed 12 --variant 1 --size 512 --out /tmp/anime12
    python -m train.data.anime sample --v2 --seed 12 --variant 1 --outfit 2 --size 512 --out /tmp/anime12v2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m train.data.anime", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sheet", help="contact sheet: colour | line art | labels per sample, with a role legend")
    s.add_argument("--out", default="docs/anime_contact_sheet.png")
    s.add_argument("--n", type=int, default=24, help="number of samples (default 24)")
    s.add_argument("--first", type=int, default=0, help="first seed (default 0)")
    s.add_argument("--size", type=int, default=192, help="tile side in pixels (default 192)")
    s.add_argument("--cols", type=int, default=4, help="samples per row (default 4)")
    s.add_argument("--variant", type=int, default=0)
    s.add_argument("--fantasy", action="store_true",
                   help="the characters in their fantasy gear, as the anime_fantasy source draws them")
    s.add_argument("--v2", action="store_true",
                   help="generator v2: sketch | colour | labels of character seed, pose --variant, outfit 0")
    o = sub.add_parser("sample", help="write <out>_{color,sketch,labels}.png for one seed")
    o.add_argument("--seed", type=int, required=True)
    o.add_argument("--variant", type=int, default=0)
    o.add_argument("--size", type=int, default=256)
    o.add_argument("--out", required=True, help="path prefix")
    o.add_argument("--v2", action="store_true",
                   help="generator v2: --seed is the character, --variant the pose; also writes <out>_parts.png")
    o.add_argument("--outfit", type=int, default=0, help="generator v2's outfit seed (default 0)")
    a = ap.parse_args(argv)

    if a.command == "sheet":
        from train.data.anime import HELD_OUT_SEED
        from train.data.anime.sheet import contact_sheet, contact_sheet_v2

        if a.n < 1 or a.cols < 1 or a.size < 32:
            ap.error("--n and --cols must be >= 1 and --size >= 32")
        if a.first < 0 or a.first + a.n > HELD_OUT_SEED:
            ap.error(f"seeds must lie in 0..{HELD_OUT_SEED - 1} (higher ones are the held-out check set)")
        if a.v2:
            img = contact_sheet_v2([(c, a.variant, 0) for c in range(a.first, a.first + a.n)], size=a.size,
                                   cols=a.cols)
        else:
            img = contact_sheet(range(a.first, a.first + a.n), size=a.size, cols=a.cols, variant=a.variant,
                                fantasy=a.fantasy)
        out = Path(a.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        img.save(out, optimize=True)
        print(f"{out}: {img.width}x{img.height}, {out.stat().st_size / 1024:.0f} KiB")
    else:
        from train.data.anime import generate
        from train.data.anime.sheet import labels_to_rgb

        if a.v2:
            from train.data.anime.v2 import generate_v2

            smp = generate_v2(a.seed, a.variant, a.outfit, size=a.size)
        else:
            smp = generate(a.seed, size=a.size, variant=a.variant)
        prefix = Path(a.out)
        prefix.parent.mkdir(parents=True, exist_ok=True)
        smp.color.save(f"{prefix}_color.png")
        smp.sketch.save(f"{prefix}_sketch.png")
        smp.labels.save(f"{prefix}_labels.png")
        labels_to_rgb(smp.labels).save(f"{prefix}_labels_shown.png")
        if a.v2:
            smp.parts.save(f"{prefix}_parts.png")
        print(f"{prefix}_{{color,sketch,labels,labels_shown{',parts' if a.v2 else ''}}}.png; {smp.pose}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
