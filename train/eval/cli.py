"""Command line of the evaluation package: ``python -m train.eval <command> ...``.

    python -m train.eval pairs --weights colorizer/pretrained [--data data/test] [--size 256] [--limit 100]
    python -m train.eval checkset --weights NEW --compare colorizer/pretrained [--checkset data/checkset]
    python -m train.eval pairs --random-weights tiny --limit 20      # untrained, for smoke tests
    python -m train.eval role-confusion --weights colorizer/pretrained --checkset data/checkset
    python -m train.eval slot-pictures --weights colorizer/pretrained

Every model is run exactly as it ships (``train.eval.methods``), beside trivial baselines.
``--raw`` / ``--flat`` / ``--keep-lines`` / ``--no-shading`` add rows with the flat colours and the
line overlay off / flat only / lines only / flat colours without cel shading.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from train.eval import confusion, pictures
from train.eval.checkset import CHECK_SUBSETS, REFERENCES, evaluate_checkset
from train.eval.methods import load_models
from train.eval.pairs import DEFAULT_LIMIT, evaluate_pairs
from train.eval.report import CELL, markdown_checkset, markdown_pairs

__all__ = ["parser", "main"]


def _harness_options(ap: argparse.ArgumentParser, default_limit: int | None) -> None:
    """Options shared by ``pairs`` and ``checkset``."""
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="weights folder (config.json + model.safetensors)")
    src.add_argument("--random-weights", metavar="PRESET",
                     help="untrained weights of a config preset (tiny, default, paper); for smoke tests")
    ap.add_argument("--compare", nargs="+", default=[], metavar="DIR",
                    help="more weights folders to evaluate in the same table (e.g. today's and new weights)")
    ap.add_argument("--size", type=int, default=256, help="working size: longer side, px (default 256)")
    ap.add_argument("--net-size", type=int, default=None,
                    help="longer side the networks run at, when smaller than --size: the pipeline scales "
                         "their output up (default: --size)")
    ap.add_argument("--limit", type=int, default=default_limit,
                    help=f"evaluate at most N images (per check-set subset), evenly spaced "
                         f"(default {default_limit}; 0 = all)")
    ap.add_argument("--out", default=None, help="output folder (default eval/<weights name>)")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    ap.add_argument("--device", default="cpu", help="torch device for the models (default cpu)")
    ap.add_argument("--backend", default="auto", choices=("auto", "torch", "onnx"),
                    help="Colorizer backend (default auto, as shipped)")
    ap.add_argument("--noise", default=None, choices=("random", "const", "none"),
                    help="noise mode (default: the pipeline's, seeded by --seed)")
    ap.add_argument("--seed", type=int, default=0, help="noise seed of every call (default 0)")
    ap.add_argument("--raw", action="store_true",
                    help="also score each model with flat colours and the line overlay off, as '<model> (raw)'")
    ap.add_argument("--no-shading", action="store_true",
                    help="also score each model with flat colours but no cel shading, as '<model> (no cel shading)'")
    ap.add_argument("--grid-size", type=int, default=CELL,
                    help=f"pixels per grid cell (default {CELL}; e.g. 512 to look at full-size outputs)")
    ap.add_argument("--no-progress", action="store_true")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m train.eval", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("pairs", help="the test split: PSNR, SSIM, palette adherence and steer")
    _harness_options(p, DEFAULT_LIMIT)
    p.add_argument("--data", default="data/test", help="split folder with sketch/ and color/ (default data/test)")
    p.add_argument("--batch-size", type=int, default=16, help="sketches per Colorizer.batch call")
    p.add_argument("--max-pixels", type=int, default=16384,
                   help="non-line pixels sampled per image for adherence and steer (default 16384)")
    p.add_argument("--keep-lines", action="store_true",
                   help="also score each model without flat colours but with the sketch's lines, as '<model> + lines'")
    p.add_argument("--flat", action="store_true",
                   help="also score each model with flat colours but no line overlay, as '<model> + flat'")

    c = sub.add_parser("checkset", help="the anime check set: slot accuracy, edits, hints, clicks, cross reference")
    _harness_options(c, DEFAULT_LIMIT)
    c.add_argument("--checkset", default="data/checkset", metavar="DIR",
                   help="check-set folder (python -m train.data checkset; default data/checkset)")
    c.add_argument("--subsets", default=",".join(CHECK_SUBSETS),
                   help=f"check-set subsets, comma-separated (default {','.join(CHECK_SUBSETS)})")
    c.add_argument("--edits", type=int, default=1,
                   help="slots edited per picture, taking the picture's slots in rotation over the pictures "
                        "(default 1; 0 = every slot present in every picture)")
    c.add_argument("--reference", default="pose", choices=tuple(REFERENCES),
                   help="the other picture of a generated character that the cross-reference measures use: "
                        "pose (reference/, another pose; default) or outfit (reference_outfit/, another outfit: "
                        "the v2 subset only; other subsets then fall back to their own picture)")
    c.add_argument("--no-colour", action="store_true",
                   help="leave out the colour measures (palette ΔE, colour accuracy, pins, matches, clicks, "
                        "role confusion)")

    rc = sub.add_parser("role-confusion", help="which slot the sketch segmentation gives each true part",
                        description=confusion.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    confusion.add_arguments(rc)
    sp = sub.add_parser("slot-pictures", help="the README pictures: slots grid, swatch edit, one click",
                        description=pictures.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    pictures.add_arguments(sp)
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if args.command == "role-confusion":
        return confusion.run(args)
    if args.command == "slot-pictures":
        return pictures.run(args)
    import torch

    torch.set_num_threads(max(1, args.threads))
    models = load_models(args.weights, args.random_weights, args.compare, device=args.device,
                         backend=args.backend)
    out = args.out or str(Path("eval") / next(iter(models)).replace(" ", "-"))
    if args.command == "checkset":
        summary = evaluate_checkset(models, args.checkset, out, size=args.size, limit=args.limit or None,
                                    subsets=[s for s in args.subsets.split(",") if s], edits=args.edits,
                                    progress=not args.no_progress, cell=args.grid_size, net_size=args.net_size,
                                    noise=args.noise, seed=args.seed, raw=args.raw, no_shading=args.no_shading,
                                    colour=not args.no_colour, reference=args.reference)
        print(markdown_checkset(summary))
        print(f"wrote {out}/results.md, results.json, grid_<subset>.png")
        return 0
    summary = evaluate_pairs(models, args.data, out, size=args.size, limit=args.limit or None,
                             batch_size=args.batch_size, max_pixels=args.max_pixels, progress=not args.no_progress,
                             keep_lines=args.keep_lines, flat=args.flat, cell=args.grid_size,
                             net_size=args.net_size, raw=args.raw, noise=args.noise, seed=args.seed,
                             no_shading=args.no_shading)
    print(markdown_pairs(summary))
    print(f"wrote {out}/results.md, results.json, grid.png")
    return 0
