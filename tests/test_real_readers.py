"""The layered exports in real painting programs (integration tier; each is skipped when its program is missing).

Install them with ``apt-get install -y gimp krita xvfb`` (Debian). GIMP 2.10 runs headless
(``gimp -i -b '(script-fu ...)'``): it opens the PSD, lists its layers and flattens the
visible ones to a PNG. Krita renders the PSD and the ORA under a virtual X server
(``xvfb-run -a krita --export --export-filename out.png in.ora``). GIMP 2.10 here has no
OpenRaster plug-in, so only Krita reads the ORA. Renders are compared with
``result.image``; the differences are printed (``pytest -m slow -s``).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorizer import Colorizer, preset
from colorizer.layered import layer_stack, save_layered

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SKETCH = ROOT / "examples" / "sketches" / "girl.png"
REFERENCE = ROOT / "examples" / "references" / "character.png"
TIMEOUT = 300

GIMP = shutil.which("gimp-console") or shutil.which("gimp")
KRITA = shutil.which("krita")
XVFB = shutil.which("xvfb-run")
need_gimp = pytest.mark.skipif(GIMP is None, reason="GIMP is not installed (apt-get install -y gimp)")
need_krita = pytest.mark.skipif(KRITA is None or XVFB is None,
                                reason="Krita or xvfb-run is not installed (apt-get install -y krita xvfb)")


@pytest.fixture(scope="module")
def model():
    return Colorizer.from_random(preset("default"), backend="torch")


@pytest.fixture(scope="module")
def result(model):
    return model(SKETCH, reference=REFERENCE, size=128)


@pytest.fixture(scope="module")
def files(result, tmp_path_factory):
    d = tmp_path_factory.mktemp("layered")
    return {"psd": save_layered(result, d / "page.psd"), "ora": save_layered(result, d / "page.ora")}


@pytest.fixture(scope="module")
def cli_psd(tmp_path_factory):
    """A PSD written by the CLI, and the library's result for the same call."""
    d = tmp_path_factory.mktemp("cli")
    out = d / "cli page.psd"  # a space in the name, as users have
    env = dict(os.environ, COLORIZER_BACKEND="torch", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "colorizer", str(SKETCH), "--reference", str(REFERENCE),
                           "-o", str(out), "--random-weights", "default", "--size", "128"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    want = Colorizer.from_random(preset("default"), backend="torch")(SKETCH, reference=REFERENCE, size=128)
    return out, want


def _scheme_string(path: Path) -> str:
    return '"' + str(path).replace("\\", "\\\\").replace('"', '\\"') + '"'


def gimp(script: str, tmp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(tmp))  # GIMP writes its profile there on the first run
    proc = subprocess.run([GIMP, "-i", "-d", "-f", "-b", script, "-b", "(gimp-quit 0)"],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


def gimp_layers(psd: Path, tmp: Path) -> list[tuple[str, str, bool]]:
    """(name, mode, visible) of every layer GIMP sees, bottom to top."""
    out = tmp / "gimp_layers.txt"
    script = f"""
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE {_scheme_string(psd)} {_scheme_string(psd)})))
       (layers (vector->list (cadr (gimp-image-get-layers img))))
       (port (open-output-file {_scheme_string(out)})))
  (for-each (lambda (l)
              (let ((mode (car (gimp-layer-get-mode l))))
                (write (car (gimp-item-get-name l)) port)
                (display " " port)
                (display (cond ((= mode LAYER-MODE-NORMAL) "normal")
                               ((= mode LAYER-MODE-MULTIPLY) "multiply")
                               (else mode)) port)
                (display " " port)
                (display (car (gimp-item-get-visible l)) port)
                (newline port)))
            layers)
  (close-output-port port))"""
    gimp(script, tmp)
    rows = []
    for line in out.read_text(encoding="utf-8").splitlines():
        name, rest = line[1:].split('" ', 1)  # names here have no quotes
        mode, visible = rest.split()
        rows.append((name, mode, visible == "1"))
    return rows[::-1]  # GIMP lists the top layer first


def gimp_render(psd: Path, tmp: Path) -> Image.Image:
    out = tmp / "gimp_render.png"
    script = f"""
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE {_scheme_string(psd)} {_scheme_string(psd)})))
       (layer (car (gimp-image-merge-visible-layers img CLIP-TO-IMAGE))))
  (file-png-save-defaults RUN-NONINTERACTIVE img layer {_scheme_string(out)} {_scheme_string(out)}))"""
    gimp(script, tmp)
    return Image.open(out)


def krita_render(src: Path, tmp: Path) -> Image.Image:
    out = tmp / (src.stem + "_krita.png")
    proc = subprocess.run([XVFB, "-a", KRITA, "--export", "--export-filename", str(out), str(src)],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0 and out.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    return Image.open(out)


def difference(render: Image.Image, want: Image.Image, who: str) -> tuple[float, int]:
    assert render.size == want.size, f"{who}: {render.size} vs {want.size}"
    rgba = render.convert("RGBA")
    assert np.asarray(rgba)[..., 3].min() == 255, f"{who}: the render has transparent pixels"
    d = np.abs(np.asarray(rgba.convert("RGB"), np.float64) - np.asarray(want.convert("RGB"), np.float64))
    print(f"\n{who}: mean abs difference {d.mean():.4f}, max {d.max():.0f}, "
          f"pixels off by more than 2: {(d.max(axis=-1) > 2).mean():.4%}")
    return float(d.mean()), int(d.max())


def expected(result):
    return [(la.name, la.blend, la.visible) for la in layer_stack(result)]


@need_gimp
def test_gimp_opens_the_psd_and_lists_its_layers(result, files, tmp_path):
    assert gimp_layers(files["psd"], tmp_path) == expected(result)


@need_gimp
def test_gimp_renders_the_psd(result, files, tmp_path):
    mean, top = difference(gimp_render(files["psd"], tmp_path), result.image, "GIMP, PSD")
    assert mean < 0.5 and top <= 8


@need_krita
@pytest.mark.parametrize("fmt", ["psd", "ora"])
def test_krita_renders(fmt, result, files, tmp_path):
    mean, top = difference(krita_render(files[fmt], tmp_path), result.image, f"Krita, {fmt.upper()}")
    assert mean < 0.5 and top <= 8


@need_gimp
def test_gimp_opens_the_cli_psd(cli_psd, tmp_path):
    path, want = cli_psd
    assert gimp_layers(path, tmp_path) == expected(want)
    mean, top = difference(gimp_render(path, tmp_path), want.image, "GIMP, CLI PSD")
    assert mean < 0.5 and top <= 8


@need_krita
def test_krita_opens_the_cli_psd(cli_psd, tmp_path):
    path, want = cli_psd
    mean, top = difference(krita_render(path, tmp_path), want.image, "Krita, CLI PSD")
    assert mean < 0.5 and top <= 8
