"""Command line of the trainer.

    python -m train --config FILE [--set key=value ...] [--out runs/NAME]
                    [--resume] [--init-from WEIGHTS_DIR] [--dry-run]
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
                   help="override an option, e.g. --set batch_size=8 --set generator_overrides.base_channels=32")
    p.add_argument("--out", default=None, help="run folder (default runs/<config name>)")
    p.add_argument("--resume", action="store_true", help="continue from the run's latest checkpoint")
    p.add_argument("--init-from", default=None, help="start G and EMA from a weights folder")
    p.add_argument("--dry-run", action="store_true", help="run one step, print shapes and losses, exit")
    p.add_argument("--no-progress", action="store_true", help="no tqdm bar")
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    out = Path(args.out or f"runs/{Path(args.config).stem if args.config else 'default'}")
    config = args.config
    if config is None and args.resume and (out / "train_config.json").is_file():
        config = out / "train_config.json"
    cfg = load_config(config, args.overrides)
    from .trainer import train
    train(cfg, out, resume=args.resume, init_from=args.init_from, dry_run=args.dry_run,
          progress=not args.no_progress)


if __name__ == "__main__":
    main()
