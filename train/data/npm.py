"""Install the pinned npm sources (OpenMoji, DiceBear, Big Heads, facesjs) into a cache folder with ``npm ci``."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

__all__ = ["NODE_DIR", "ensure_node_modules", "package_versions", "run_node_batches"]

NODE_DIR = Path(__file__).with_name("node")  # committed package.json, package-lock.json, scripts


def _lock_digest() -> str:
    return hashlib.sha256((NODE_DIR / "package-lock.json").read_bytes()).hexdigest()


def ensure_node_modules(cache_dir: Path) -> Path:
    """Return ``<cache_dir>/node/node_modules``, running ``npm ci`` there first if needed.

    The install is redone only when the committed lock file changes (a stamp
    file records its SHA-256). Needs ``npm`` on PATH and access to the npm registry
    the first time.
    """
    work = Path(cache_dir).resolve() / "node"
    modules = work / "node_modules"
    stamp = work / ".lock.sha256"
    digest = _lock_digest()
    if modules.is_dir() and stamp.is_file() and stamp.read_text().strip() == digest:
        return modules
    if shutil.which("npm") is None:
        raise RuntimeError("npm is not installed; install Node.js 18+ (Debian: apt-get install nodejs npm)")
    work.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(NODE_DIR / name, work / name)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=work,
        check=True,
    )
    stamp.write_text(digest + "\n")
    return modules


def package_versions(modules: Path) -> dict[str, str]:
    """Installed versions of the top-level pinned packages (read from their package.json)."""
    import json

    deps = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    out = {}
    for name in deps:
        meta = Path(modules) / name / "package.json"
        out[name] = json.loads(meta.read_text())["version"] if meta.is_file() else "missing"
    return out


def run_node_batches(script: Path, args: list[str], seeds: list[str], batch: int = 500, tag: str = "node") -> list[str]:
    """Run ``node script *args *seeds`` in batches; return the seeds it reported as skipped.

    The scripts report a seed they cannot make as ``skip <seed>: <reason>`` on
    stderr and carry on; a batch whose process fails counts all its seeds as
    skipped. Messages are echoed to stderr with ``tag``; nothing is raised.
    """
    import sys

    skipped: list[str] = []
    for start in range(0, len(seeds), batch):
        part = seeds[start : start + batch]
        try:
            res = subprocess.run(["node", str(script), *args, *part], capture_output=True, text=True)
        except OSError as exc:
            print(f"[{tag}] cannot run node: {exc}", file=sys.stderr)
            return skipped + seeds[start:]
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        if res.returncode != 0:
            print(f"[{tag}] {script.name} failed on {len(part)} seeds: {' | '.join(lines[-3:])}", file=sys.stderr)
            skipped.extend(part)
            continue
        for ln in lines:
            print(f"[{tag}] {ln}", file=sys.stderr)
            if ln.startswith("skip "):
                skipped.append(ln[5:].split(":", 1)[0])
    return skipped
