import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorizer import Colorizer, InputImageError, PaletteError, preset
from colorizer.errors import OptionsError
from colorizer.weights import save_pretrained

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny_colorizer() -> Colorizer:
    return Colorizer.from_random(preset("tiny"), seed=0, device="cpu")


def test_output_at_sketch_size_with_palette(tiny_colorizer, sketch_image, block_image):
    ref, _ = block_image
    res = tiny_colorizer(sketch_image, reference=ref, size=64, seed=1)
    assert res.image.size == sketch_image.size and res.image.mode == "RGB"
    assert len(res.palette) == 9 and res.seed == 1
    assert res.size[0] % tiny_colorizer.cfg.multiple == 0


def test_seed_repeats_and_changed_palette_changes_output(tiny_colorizer, sketch_image):
    with torch.no_grad():
        for b in tiny_colorizer.model.decoder:
            b.noise.weight.fill_(0.2)
    a = tiny_colorizer(sketch_image, palette="#ff0000", seed=3, size=64)
    b = tiny_colorizer(sketch_image, palette="#ff0000", seed=3, size=64)
    c = tiny_colorizer(sketch_image, palette="#0000ff", seed=3, size=64)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    assert not np.array_equal(np.asarray(a.image), np.asarray(c.image))


def test_bad_inputs(tiny_colorizer, sketch_image, block_image):
    with pytest.raises(InputImageError, match="empty"):
        tiny_colorizer(Image.new("RGB", (32, 32), "white"))
    with pytest.raises(PaletteError):
        tiny_colorizer(sketch_image, palette="#zzzzzz")
    with pytest.raises(PaletteError, match="not both"):
        tiny_colorizer(sketch_image, reference=block_image[0], palette="#000000")
    with pytest.raises(OptionsError, match="size must be a whole number from 64 to 1024, got 5000"):
        tiny_colorizer(sketch_image, size=5000)


def test_keep_lines_darkens_line_pixels(tiny_colorizer, sketch_image):
    res = tiny_colorizer(sketch_image, palette="#ffcc00", size=64, keep_lines=True, noise="none")
    a = np.asarray(res.image)
    ink = np.asarray(sketch_image.convert("L")) < 50
    assert a[ink].max() < 60


def test_library_defaults_are_flat_colours_with_the_lines(tiny_colorizer, sketch_image):
    """The library's defaults (ColorizeOptions) are flat colours and the sketch's lines on top."""
    from colorizer.options import ColorizeOptions

    assert ColorizeOptions().flat and ColorizeOptions().keep_lines
    d = tiny_colorizer(sketch_image, palette="#ffcc00", size=64, noise="none")
    assert d.options.flat and d.options.keep_lines and d.options.size == 64
    explicit = tiny_colorizer(sketch_image, palette="#ffcc00", size=64, noise="none", flat=True, keep_lines=True)
    assert np.array_equal(np.asarray(d.image), np.asarray(explicit.image))
    ink = np.asarray(sketch_image.convert("L")) < 50
    assert np.asarray(d.image)[ink].max() < 60                     # lines multiplied on top
    bare = tiny_colorizer(sketch_image, palette="#ffcc00", size=64, noise="none", keep_lines=False)
    assert np.array_equal(np.asarray(bare.image), np.asarray(bare.color))   # no overlay at all
    assert not np.array_equal(np.asarray(bare.image), np.asarray(d.image))
    raw = tiny_colorizer(sketch_image, palette="#ffcc00", size=64, noise="none", flat=False, keep_lines=False)
    paper = np.asarray(sketch_image.convert("L")) > 250
    assert len(np.unique(np.asarray(bare.image)[paper], axis=0)) < len(np.unique(np.asarray(raw.image)[paper], axis=0))
    # an options object and keyword overrides combine; unknown options are refused
    opts = ColorizeOptions(flat=False, keep_lines=False, noise="none", size=64)
    assert np.array_equal(np.asarray(tiny_colorizer(sketch_image, palette="#ffcc00", options=opts).image),
                          np.asarray(raw.image))
    with pytest.raises(TypeError, match="unknown colouring option"):
        tiny_colorizer(sketch_image, flatness=3)


def test_default_size_comes_from_the_weights(tmp_path, sketch_image):
    import json

    torch.manual_seed(0)
    g = Colorizer.from_random(preset("tiny")).model
    save_pretrained(g, tmp_path / "w", dtype=torch.float32, inference={"size": 96})
    assert json.loads((tmp_path / "w" / "config.json").read_text())["_inference"]["size"] == 96
    c = Colorizer.from_pretrained(tmp_path / "w", use_hub=False)
    assert c.default_options.size == 96
    assert max(c(sketch_image, noise="none").size) == 96
    assert max(c(sketch_image, noise="none", size=64).size) == 64


def test_from_pretrained_explicit_folder(tmp_path, sketch_image):
    torch.manual_seed(0)
    c = Colorizer.from_random(preset("tiny"))
    save_pretrained(c.model, tmp_path / "w", dtype=torch.float32)
    c2 = Colorizer.from_pretrained(tmp_path / "w")
    a = c(sketch_image, palette="#123456", noise="none", size=64).image
    b = c2(sketch_image, palette="#123456", noise="none", size=64).image
    assert np.array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.integration
def test_cli_end_to_end(tmp_path, sketch_image, block_image):
    sk = tmp_path / "sketches"
    sk.mkdir()
    sketch_image.save(sk / "a.png")
    sketch_image.transpose(Image.FLIP_LEFT_RIGHT).save(sk / "b.png")
    block_image[0].save(tmp_path / "ref.png")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "colorizer", str(sk), "--reference", str(tmp_path / "ref.png"),
         "-o", str(out), "--size", "64", "--random-weights", "tiny"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "palette: #" in proc.stdout and "UNTRAINED" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png"]
    assert Image.open(out / "a.png").size == sketch_image.size


@pytest.mark.integration
def test_cli_bad_hex_is_a_clear_error(tmp_path, sketch_image):
    sketch_image.save(tmp_path / "a.png")
    proc = subprocess.run(
        [sys.executable, "-m", "colorizer", str(tmp_path / "a.png"), "--palette", "#12",
         "-o", str(tmp_path / "o.png"), "--random-weights", "tiny"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "not a colour" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.integration
def test_library_never_imports_train_or_gradio():
    code = ("import sys, colorizer, colorizer.__main__, colorizer.pipeline, colorizer.weights;"
            "import pkgutil, importlib;"
            "[importlib.import_module('colorizer.' + m.name) for m in pkgutil.iter_modules(colorizer.__path__)];"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('train', 'gradio')];"
            "print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
