"""Upload an exported weights folder to the Hugging Face Hub.

    python -m train.publish --repo OWNER/NAME --folder weights/ [--revision TAG] [--private] [--dry-run]

The folder is validated first (config.json, model.safetensors, README.md; the
weights load strictly and are finite). ``--dry-run`` stops after validation and
prints what would be uploaded: no network.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from colorizer.weights import CONFIG_NAME, WEIGHTS_NAME, load_generator

REQUIRED = (CONFIG_NAME, WEIGHTS_NAME, "README.md")
_REPO = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


def validate_folder(folder: str | Path) -> list[Path]:
    """Raise ValueError unless ``folder`` is a complete, loadable weights folder; return its files."""
    folder = Path(folder)
    missing = [n for n in REQUIRED if not (folder / n).is_file()]
    if missing:
        raise ValueError(f"{folder} lacks {', '.join(missing)}; run python -m train.export first")
    stray = [p.name for p in folder.iterdir() if p.suffix in (".pt", ".pth", ".bin", ".pkl", ".ckpt")]
    if stray:
        raise ValueError(f"{folder} holds pickle files ({', '.join(stray)}); ship safetensors only")
    load_generator(folder)  # strict load, finite check
    return sorted(p for p in folder.iterdir() if p.is_file())


def publish(repo: str, folder: str | Path, revision: str | None = None, private: bool = False,
            dry_run: bool = False, message: str = "Upload colorizer weights") -> list[Path]:
    if not _REPO.match(repo):
        raise ValueError(f"--repo must look like OWNER/NAME, got {repo!r}")
    files = validate_folder(folder)
    for f in files:
        print(f"  {f.name:24s} {f.stat().st_size / 1e6:8.2f} MB")
    if dry_run:
        print(f"dry run: would upload {len(files)} files to https://huggingface.co/{repo}"
              + (f" and tag {revision}" if revision else ""))
        return files
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo, private=private, exist_ok=True)
    api.upload_folder(repo_id=repo, folder_path=str(folder), commit_message=message)
    if revision:
        api.create_tag(repo, tag=revision, exist_ok=True)
    print(f"uploaded to https://huggingface.co/{repo}")
    return files


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m train.publish", description=__doc__.split("\n")[0])
    p.add_argument("--repo", required=True, help="OWNER/NAME on the Hugging Face Hub")
    p.add_argument("--folder", default="weights", help="exported weights folder")
    p.add_argument("--revision", help="tag to create after the upload (e.g. v0.1.0)")
    p.add_argument("--private", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="validate and list, no network")
    a = p.parse_args(argv)
    publish(a.repo, a.folder, a.revision, a.private, a.dry_run)


if __name__ == "__main__":
    main()
