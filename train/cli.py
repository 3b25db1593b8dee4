"""Command line of the trainer.

    python -m train --config FILE [--set block.option=value ...] [--out runs/NAME]
                    [--resume | --resume auto] [--init-from WEIGHTS_DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import load_config


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m train", description="Train the sketch colorizer.")
    p.add_argument("--config", help="YAML config (train/configs/*.yaml); with --resume and no "
                                    "--config, the run's own train_config.json is used")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override an option by its dotted path, e.g. --set schedule.lr_g=1.5e-4 "
                        "--set model.generator_overrides.base_channels=32 (the flat names of older "
                        "configs, e.g. lr_g, are accepted too)")
    p.add_argument("--out", default=None, help="run folder (default runs/<config name>)")
    p.add_argument("--resume", nargs="?", const="yes", choices=("yes", "auto"), default=None,
                   help="continue from the run's newest whole checkpoint; '--resume auto': do so when "
                        "there is one, else start (from --init-from if given), so one command both "
                        "starts and restarts a run")
    p.add_argument("--init-from", default=None, help="start G and EMA from a weights folder")
    p.add_argument("--dry-run", action="store_true",
                   help="print the resolved config, run one step, print shapes and losses, write nothing")
    p.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    out = Path(args.out or f"runs/{Path(args.config).stem if args.config else 'default'}")
    resume = {None: False, "yes": True, "auto": "auto"}[args.resume]
    config = args.config
    if config is None and resume and (out / "train_config.json").is_file():
        config = out / "train_config.json"
    try:
        cfg = load_config(config, args.overrides)
    except (ValueError, FileNotFoundError) as e:
        raise SystemExit(f"python -m train: {e}") from None
    from .trainer import train
    try:
        train(cfg, out, resume=resume, init_from=args.init_from, dry_run=args.dry_run,
              progress=not args.no_progress)
    except FileNotFoundError as e:  # no corpus, no checkpoint to resume, no weights folder
        raise SystemExit(f"python -m train: {e}") from None


if __name__ == "__main__":
    main()
