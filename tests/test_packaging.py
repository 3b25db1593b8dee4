"""The package that ``pip install .`` builds: the library with its shipped weights, and the command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.integration
def test_wheel_holds_the_library_the_weights_and_the_command(tmp_path):
    # Built from a copy, so the build leaves no build/ or egg-info folder in the repository.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "colorizer", src / "colorizer", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path / "wheels"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheels = list(out.glob("anime_sketch_colorizer-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as z:
        names = set(z.namelist())
        entry_points = next(z.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
        metadata = next(z.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
        weights = z.getinfo("colorizer/pretrained/model.safetensors").file_size
    for name in ("colorizer/pretrained/model.safetensors", "colorizer/pretrained/config.json",
                 "colorizer/pretrained/README.md", "colorizer/__init__.py", "colorizer/__main__.py",
                 "colorizer/pipeline.py"):
        assert name in names, name
    assert weights == (ROOT / "colorizer/pretrained/model.safetensors").stat().st_size
    assert not any(n.startswith(("train/", "webapp/", "tests/", "scripts/", "benchmarks/")) for n in names)
    assert "colorizer = colorizer.__main__:main" in entry_points
    assert "Requires-Dist: torch==2.13.0" in metadata
    assert "gradio" not in metadata.split("Provides-Extra: app")[0]   # the app is an extra, not the runtime
