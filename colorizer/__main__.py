"""Command line: ``colorizer SKETCH... (--reference IMG | --palette HEX,... | --palette-file
CHARACTER.json) -o OUT`` (or ``python -m colorizer ...``).

Colours one sketch, many sketches, or every image in a folder with one palette.
With a single sketch, ``-o`` may name the output file; otherwise it is a folder.
An output file ending in .psd or .ora is a layered file (colours, one layer per
part, shading, lines; see colorizer.layered); --format picks the folder's format.

Exit status: 0 every sketch was coloured; 2 a usage error or bad input (one line on
stderr, nothing coloured); 3 some sketches were skipped (each named on stderr), the
others written; 1 an internal error (a bug: one line on stderr, please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from .options import NOISE_MODES, ColorizeOptions
from .pipeline import DEFAULT_SIZE
from .roles import SLOTS

# Every option's default is ColorizeOptions()'s, as in the library and the app.
DEFAULTS = ColorizeOptions()

# Exit statuses (see the module doc).
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_SKIPPED = 3


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (and exit status 2)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {message} (see --help)\n")


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


def _expand(inputs: list[str]) -> list[Path]:
    from .errors import ColorizerError

    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        try:
            if p.is_dir():
                files += sorted(f for f in p.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file())
            else:
                files.append(p)
        except OSError as e:
            raise ColorizerError(f"cannot read {item[:200]}: {e.strerror or 'not readable'}") from None
    return files


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="colorizer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sketches", nargs="+", help="sketch images or folders of them")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--reference", "-r", help="reference picture whose 9-colour palette is used")
    src.add_argument("--palette", "-p", help="comma-separated hex colours, e.g. '#ffffff,#f6d7c3,...'")
    src.add_argument("--palette-file", metavar="CHARACTER.json",
                     help="a character palette file (colorizer.character): its colours, slot by slot, "
                          "for every sketch")
    ap.add_argument("--match", action="append", metavar="X,Y,RX,RY",
                    help="a point match (repeatable; needs --reference): the sketch region under X,Y takes the "
                         "part and the base tone of the reference region under RX,RY, each point in its own "
                         "picture's pixels")
    ap.add_argument("-o", "--output", required=True,
                    help="output file (one sketch; .psd / .ora: layered) or folder")
    ap.add_argument("--format", choices=("png", "psd", "ora"), default=None,
                    help="format of the files written into an output folder (default png); "
                         "a single output file's suffix decides its own")
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
    ap.add_argument("--weights", help="weights folder (default: COLORIZER_WEIGHTS, then the packaged colorizer/pretrained/)")
    ap.add_argument("--random-weights", metavar="PRESET",
                    help="use untrained weights of a preset (tests and benchmarks only)")
    ap.add_argument("--device", help="cpu or cuda (default: cuda when available)")
    return ap


def _outputs(out: Path, files: list[Path], fmt: str | None) -> tuple[bool, Path]:
    """Whether ``out`` is a single output file, checked before any work; a folder is made here."""
    from .errors import ColorizerError
    from .layered import LAYERED_SUFFIXES

    suffixes = IMAGE_SUFFIXES | set(LAYERED_SUFFIXES)
    names_file = out.suffix.lower() in suffixes
    if names_file and len(files) > 1:
        raise ColorizerError(f"-o {out} names a file, but {len(files)} sketches are given; name a folder")
    if names_file:
        if fmt and out.suffix.lower().lstrip(".") != fmt:
            raise ColorizerError(f"--format {fmt} disagrees with the output file name {out.name}")
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise ColorizerError(f"cannot write {out}: the folder {folder} does not exist")
        if out.is_dir():
            raise ColorizerError(f"cannot write {out}: it is a folder")
        if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            raise ColorizerError(f"cannot write {out}: permission denied")
        return True, out
    if out.exists() and not out.is_dir():
        raise ColorizerError(f"-o {out} is an existing file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ColorizerError(f"cannot make the output folder {out}: {e.strerror or 'not writable'}") from None
    if not os.access(out, os.W_OK):
        raise ColorizerError(f"cannot write into the output folder {out}: permission denied")
    return False, out


def _run(args) -> int:
    from tqdm import tqdm

    from . import Colorizer, ColorizerError, preset
    from .layered import LAYERED_SUFFIXES, save_layered
    from .palette import Palette

    files = _expand(args.sketches)
    if not files:
        raise ColorizerError("no sketch images found in the given paths")
    single_file, out = _outputs(Path(args.output), files, args.format)
    matches = [m.split(",") for m in args.match or []]
    if matches and not args.reference:
        raise ColorizerError("--match needs --reference: a match names a point of the reference")
    options = DEFAULTS.replace(seed=args.seed, size=args.size, noise=args.noise,
                               noise_strength=args.noise_strength, keep_lines=args.keep_lines,
                               flat=args.flat, cel_shading=args.cel_shading)
    if args.random_weights:
        model = Colorizer.from_random(preset(args.random_weights), device=args.device)
        print(f"warning: using UNTRAINED weights of preset {args.random_weights!r}", file=sys.stderr)
    else:
        model = Colorizer.from_pretrained(args.weights, device=args.device)
    if args.reference:
        palette = model.extract_palette(args.reference)
    elif args.palette:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            palette = Palette.from_hex(args.palette, model.cfg.palette_size)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    else:
        palette = None
    if args.palette_file:
        from .character import load_character

        name, palette = load_character(args.palette_file)
        if len(palette) != model.cfg.palette_size:
            raise ColorizerError(f"these weights take {model.cfg.palette_size} colours; a character "
                                 f"palette has {len(palette)}")
        if model.part_names is None:
            print("warning: these weights have no part slots; the character's colours are used as a "
                  "plain palette", file=sys.stderr)
        missing = [s for s, d in zip(SLOTS, palette.defaults) if d]
        print(f"character: {name}" + (f" (defaults for {', '.join(missing)})" if missing else ""))
    failures = 0
    used = None
    for f in tqdm(files, desc="colorizing", unit="img", disable=len(files) < 2):
        dest = out if single_file else out / (f.stem + "." + (args.format or "png"))
        try:
            res = (model(f, reference=args.reference, options=options, matches=matches) if matches
                   else model(f, palette=palette, options=options))
            if dest.suffix.lower() in LAYERED_SUFFIXES:
                save_layered(res, dest)  # a picture too large for the format is skipped, not fatal
            else:
                res.image.save(dest)
        except ColorizerError as e:
            failures += 1
            tqdm.write(f"skipped {f}: {e}", file=sys.stderr)
            continue
        except (OSError, ValueError) as e:  # the picture could not be written
            failures += 1
            tqdm.write(f"skipped {f}: cannot write {dest} ({getattr(e, 'strerror', None) or 'write failed'})",
                       file=sys.stderr)
            continue
        used = res.palette
    if used is not None:
        print("palette: " + ",".join(used.to_hex()))
        if used.defaults is not None and used.defaults.any() and not args.palette_file:
            kept = [s for s, d in zip(SLOTS, used.defaults) if d]
            print(f"default colours kept for: {', '.join(kept)}")
    print(f"wrote {len(files) - failures} image(s) to {out}")
    if failures and failures == len(files):
        return EXIT_USAGE  # nothing usable was given: a user error, like a bad palette
    return EXIT_SKIPPED if failures else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .errors import ColorizerError

    try:
        return _run(args)
    except ColorizerError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: out of memory; try a smaller picture or --size", file=sys.stderr)
        return EXIT_USAGE
    except Exception as e:  # a bug: one line, no traceback (COLORIZER_DEBUG=1 shows it)
        if os.environ.get("COLORIZER_DEBUG"):
            raise
        print(f"error: internal error ({type(e).__name__}); please report it with the command you ran. "
              f"COLORIZER_DEBUG=1 shows the details.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
