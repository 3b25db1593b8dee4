"""Command line of the data package: ``build``, ``pack``, ``palettes``, ``make-test-manifest``, ``licences`` and
``checkset``."""

from __future__ import annotations

import argparse
import sys


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m train.data", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="render the (sketch, colour) corpus from the pinned sources")
    b.add_argument("--out", default="data", help="output folder (default: data)")
    b.add_argument("--size", type=int, default=256, help="square side in pixels (256 or 512)")
    b.add_argument("--limit", type=int, default=None, help="build at most N drawings (quick tests)")
    b.add_argument("--sources", type=_csv, default=None, help="comma list of sources: openmoji,dicebear (default), openclipart, "
                   "bigheads, facesjs, wesnoth, anime")
    b.add_argument("--workers", type=int, default=2, help="render processes")
    b.add_argument("--seeds-per-style", type=int, default=None, help="DiceBear seeds per style (default 1000)")
    b.add_argument("--cache", default=None, help="cache folder (default: <out>/.cache)")

    p = sub.add_parser("pack", help="pack train+val into one file for an offline GPU machine")
    p.add_argument("--data", default="data", help="built corpus folder, or several comma-separated (data,data_om)")
    p.add_argument("--out", default=".pack/corpus.npz", help="pack file to write")
    p.add_argument("--max-mib", type=float, default=55.0, help="size budget in MiB")
    p.add_argument("--size", type=int, default=None, help="resize to this side (default: as built)")
    p.add_argument("--sketch-levels", type=int, default=4, help="grey levels kept in sketches (0 = all 256)")
    p.add_argument("--sources", type=_csv, default=None, help="only these sources (default: all)")
    p.add_argument("--min-label-coverage", type=float, default=None,
                   help="only pairs whose part labels know this share of the pixels (what a semantic-slot run "
                        "trains on: 0.9); default: pairs with or without labels")
    p.add_argument("--max-val", type=int, default=None, help="at most this many val pairs (default: all)")
    p.add_argument("--workers", type=int, default=2)

    pl = sub.add_parser("palettes", help="precompute the self-reference palette (K-means of the colour picture) of "
                        "every train/val pair, which the trainer reads through its palette cache")
    pl.add_argument("--data", default="data", help="built corpus folder (default: data)")
    pl.add_argument("--out", default=".pack/palettes", help="palette cache folder (default: .pack/palettes)")

    m = sub.add_parser("make-test-manifest", help="(maintainers) freeze the test split ids")
    m.add_argument("--cache", default="data/.cache")
    m.add_argument("--sources", type=_csv, default=["openmoji", "dicebear", "openclipart"])

    lc = sub.add_parser("licences", help="(maintainers) rewrite <out>/LICENSES.csv for the pictures on disk, "
                        "from the sources' listings (nothing is rendered)")
    lc.add_argument("--out", default="data", help="built corpus folder (default: data)")
    lc.add_argument("--sources", type=_csv, default=None, help="comma list of the sources on disk "
                    "(default: openmoji,dicebear)")
    lc.add_argument("--seeds-per-style", type=int, default=None, help="DiceBear seeds per style listed (default 1000)")
    lc.add_argument("--cache", default=None, help="cache folder (default: <out>/.cache)")

    c = sub.add_parser("checkset", help="build the anime check set (measured on, never trained on)")
    c.add_argument("--out", required=True, help="output folder (gets a CHECKSET marker training refuses)")
    c.add_argument("--size", type=int, default=512, help="square side in pixels (default 512)")
    c.add_argument("--generator-count", type=int, default=200, help="held-out generator seeds from 1,000,000")
    c.add_argument("--v2-count", type=int, default=60, help="held-out generator v2 characters from 1,100,000 "
                   "(default 60)")
    c.add_argument("--subsets", type=_csv, default=None, help="comma list: ardentryst,generator,v2 (default all); "
                   "subsets already in --out and not named are kept")
    c.add_argument("--check", action="store_true", help="build nothing: say whether the generated subsets in "
                   "--out still hold today's generators' pictures (exit 1 when not)")

    args = parser.parse_args(argv)
    if args.command == "build":
        from train.data.build import DEFAULT_SOURCES, build

        build(
            out=args.out,
            size=args.size,
            limit=args.limit,
            sources=args.sources or DEFAULT_SOURCES,
            workers=args.workers,
            seeds_per_style=args.seeds_per_style,
            cache_dir=args.cache,
        )
    elif args.command == "pack":
        from train.data.pack import pack

        pack(args.data, args.out, max_mib=args.max_mib, size=args.size, sketch_levels=args.sketch_levels,
             workers=args.workers, sources=args.sources, min_label_coverage=args.min_label_coverage, max_val=args.max_val)
    elif args.command == "palettes":
        from pathlib import Path

        from tqdm import tqdm

        from train.dataset import PaletteCache, discover

        cache = PaletteCache(args.out)
        for split in ("train", "val"):
            for pair in tqdm(discover(Path(args.data) / split), desc=split, mininterval=10):
                cache.get(pair.id, pair.load()[1].convert("RGB"))
    elif args.command == "make-test-manifest":
        from train.data.build import make_test_manifest

        print(make_test_manifest(args.cache, sources=args.sources))
    elif args.command == "licences":
        from train.data.build import DEFAULT_SOURCES, rebuild_licences

        try:
            r = rebuild_licences(args.out, sources=args.sources or DEFAULT_SOURCES, cache_dir=args.cache,
                                 seeds_per_style=args.seeds_per_style)
        except (ValueError, RuntimeError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        per = {split: {k: v for k, v in c.items() if k != "total"} for split, c in r["counts_on_disk"].items()}
        print(f"{args.out}/LICENSES.csv: {r['rows']} rows ({r['rows_from_sources']} from the sources' listings) "
              f"for {r['colour_pictures']} colour pictures on disk; per split and source: {per}")
        if r["unlisted"]:
            print(f"error: {len(r['unlisted'])} colour pictures have no licence row (another source?), e.g. "
                  f"{r['unlisted'][:5]}", file=sys.stderr)
            return 1
    elif args.command == "checkset":
        from train.data.checkset import SUBSETS, CheckSetError, build_checkset
        from train.data.checkset_generated import check_generated

        if args.check:
            checks = check_generated(args.out, args.subsets)
            print("\n".join(c.message for c in checks) or f"{args.out}: no generated subset")
            return 1 if any(c.status != "ok" for c in checks) else 0
        try:
            manifest = build_checkset(args.out, size=args.size, generator_count=args.generator_count,
                                      subsets=args.subsets or SUBSETS, v2_count=args.v2_count)
        except CheckSetError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        counts = ", ".join(f"{k} {v['count']}" for k, v in manifest["subsets"].items())
        print(f"check set in {args.out}: {counts} pictures at {args.size} px")
    return 0


if __name__ == "__main__":
    sys.exit(main())
