"""Command line: ``python -m colorizer SKETCH... (--reference IMG | --palette HEX,...) -o OUT``.

Colours one sketch, many sketches, or every image in a folder with one palette.
With a single sketch, ``-o`` may name the output file; otherwise it is a folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import NOISE_MODES, ColorizeOptions
from .pipeline import DEFAULT_SIZE

# Every option's default is ColorizeOptions()'s, as in the library and the app.
DEFAULTS = ColorizeOptions()

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def _expand(inputs: list[str]) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file())
        else:
            files.append(p)
    return files


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m colorizer", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sketches", nargs="+", help="sketch images or folders of them")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--reference", "-r", help="reference picture whose 9-colour palette is used")
    src.add_argument("--palette", "-p", help="comma-separated hex colours, e.g. '#ffffff,#f6d7c3,...'")
    ap.add_argument("-o", "--output", required=True, help="output file (one sketch) or folder")
    ap.add_argument("--size", type=int, default=DEFAULTS.size,
                    help=f"longer side the network runs at (64-1024; default: the weights' own, else "
                         f"{DEFAULT_SIZE}); the result keeps the sketch's size")
    ap.add_argument("--seed", type=int, default=DEFAULTS.seed, help="noise seed (results repeat for a seed)")
    ap.add_argument("--noise", choices=NOISE_MODES, default=DEFAULTS.noise, help="noise mode")
    ap.add_argument("--noise-strength", type=float, default=DEFAULTS.noise_strength,
                    help=f"scale of the injected noise (0 = none, 1 = as trained; default {DEFAULTS.noise_strength:g})")
    ap.add_argument("--keep-lines", action=argparse.BooleanOptionalAction, default=DEFAULTS.keep_lines,
                    help="lay the original lines over the colours")
    ap.add_argument("--flat", action=argparse.BooleanOptionalAction, default=DEFAULTS.flat,
                    help="one colour per region enclosed by the lines (--no-flat: the raw network)")
    ap.add_argument("--cel-shading", action=argparse.BooleanOptionalAction, default=DEFAULTS.cel_shading,
                    help="with flat colours, a shadow tone where the network painted one")
    ap.add_argument("--weights", help="weights folder (default: COLORIZER_WEIGHTS, then weights/)")
    ap.add_argument("--random-weights", metavar="PRESET",
                    help="use untrained weights of a preset (tests and benchmarks only)")
    ap.add_argument("--device", help="cpu or cuda (default: cuda when available)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from tqdm import tqdm

    from . import Colorizer, ColorizerError, preset
    from .palette import Palette

    try:
        if args.random_weights:
            model = Colorizer.from_random(preset(args.random_weights), device=args.device)
            print(f"warning: using UNTRAINED weights of preset {args.random_weights!r}", file=sys.stderr)
        else:
            model = Colorizer.from_pretrained(args.weights, device=args.device)
        files = _expand(args.sketches)
        if not files:
            raise ColorizerError("no sketch images found in the given paths")
        palette = (model.extract_palette(args.reference) if args.reference
                   else Palette.from_hex(args.palette, model.cfg.palette_size) if args.palette else None)
        options = DEFAULTS.replace(seed=args.seed, size=args.size, noise=args.noise,
                                   noise_strength=args.noise_strength, keep_lines=args.keep_lines,
                                   flat=args.flat, cel_shading=args.cel_shading)
        out = Path(args.output)
        single_file = len(files) == 1 and out.suffix.lower() in IMAGE_SUFFIXES
        if not single_file:
            out.mkdir(parents=True, exist_ok=True)
        failures = 0
        used = None
        for f in tqdm(files, desc="colorizing", unit="img", disable=len(files) < 2):
            try:
                res = model(f, palette=palette, options=options)
            except ColorizerError as e:
                failures += 1
                tqdm.write(f"skipped {f}: {e}", file=sys.stderr)
                continue
            used = res.palette
            dest = out if single_file else out / (f.stem + ".png")
            res.image.save(dest)
        if used is not None:
            print("palette: " + ",".join(used.to_hex()))
        print(f"wrote {len(files) - failures} image(s) to {out}")
        if failures and failures == len(files):
            return 2  # nothing usable was given: a user error, like a bad palette
        return 1 if failures else 0
    except ColorizerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
