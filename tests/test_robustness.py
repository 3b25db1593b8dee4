"""Bad inputs, table-driven, through the library, the CLI and the app's API.

Every case either gives a sensible result or a clear error:

* library: a :class:`colorizer.ColorizerError` subclass whose message matches;
* CLI (``--random-weights tiny``): exit code 2 and a one-line ``error:`` /
  ``skipped`` message on stderr, never a traceback;
* app (``/colorize`` through gradio_client): a ``gr.Error`` carrying the message.

Nothing may crash or hang: the CLI and the app run under timeouts.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, InputImageError, PaletteError, WeightsError, preset
from colorizer.weights import save_pretrained

ROOT = Path(__file__).resolve().parents[1]


# -- making bad files ------------------------------------------------------------------------

def _sketch(size=(96, 80)) -> Image.Image:
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    w, h = size
    d.ellipse((w // 4, h // 8, 3 * w // 4, 5 * h // 8), outline="black", width=max(1, min(w, h) // 30))
    d.line((0, h - 1, w - 1, 0), fill="black", width=max(1, min(w, h) // 30))
    return im


def _png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_bomb(path: Path, side: int = 20000) -> Path:
    """A valid-looking 20000x20000 RGB PNG of ~100 bytes: its header claims the size,
    its (tiny) data would expand to 1.2 GB if anyone decoded it."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


def compressible_bomb(path: Path) -> Path:
    """A real, fully decodable 9000x8000 (72 MP) 1-bit PNG of a few kB."""
    Image.new("1", (9000, 8000), 1).save(path, optimize=False)
    return path


def _write(name: str, make: Callable[[Path], object]) -> Callable[[Path], Path]:
    """A case maker writing ``name`` in a folder: ``make`` returns bytes, a PIL image, or writes itself."""
    def maker(folder: Path) -> Path:
        path = folder / name
        out = make(path)
        if isinstance(out, (bytes, bytearray)):
            path.write_bytes(out)
        elif isinstance(out, Image.Image):
            out.save(path)
        return path
    return maker


def _gif(path: Path):
    frames = [_sketch(), Image.new("RGB", (96, 80), "white")]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)


def _cmyk(path: Path):
    _sketch().convert("CMYK").save(path, "JPEG")


def _sixteen(path: Path):
    a = (np.asarray(_sketch().convert("L"), np.uint16) * 257).astype(np.uint16)
    Image.fromarray(a, "I;16").save(path)


def _alpha_only(path: Path):
    """Black RGB everywhere; the drawing lives in the alpha channel only."""
    a = np.zeros((80, 96, 4), np.uint8)
    a[..., 3] = 255 - np.asarray(_sketch().convert("L"))
    Image.fromarray(a, "RGBA").save(path)


def _sliver(w: int, h: int):
    return lambda p: Image.new("L", (w, h), 0)


def _truncated_png(p: Path):
    return _png_bytes(_sketch((300, 300)))[:400]


def _truncated_jpeg(p: Path):
    buf = io.BytesIO()
    _sketch((300, 300)).save(buf, "JPEG")
    return buf.getvalue()[: len(buf.getvalue()) // 3]


# -- the table ---------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    sketch: Callable[[Path], Path] | None = None
    reference: Callable[[Path], Path] | None = None
    palette: str | None = None
    error: str | None = None  # regex of the message; None: a sensible result is expected
    app: bool = True          # run through the app too
    app_error: str | None = None  # regex of the app's own message, where the app words it (or refuses) otherwise


SKETCH = _write("sketch.png", lambda p: _sketch())

CASES = [
    Case("corrupt png", _write("corrupt.png", lambda p: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
         error="could not read|corrupt"),
    Case("truncated png", _write("trunc.png", _truncated_png), error="could not read|corrupt|truncated|damaged|cut-off"),
    Case("truncated jpeg", _write("trunc.jpg", _truncated_jpeg), error="could not read|corrupt|truncated|damaged|cut-off"),
    Case("zero bytes", _write("empty.png", lambda p: b""), error="empty|0 bytes|could not read"),
    Case("text named .png", _write("text.png", lambda p: b"hello, I am not an image\n" * 10),
         error="could not read|cannot identify", app_error="not a picture"),
    Case("html named .jpg", _write("page.jpg", lambda p: b"<!doctype html><html><body>hi</body></html>"),
         error="could not read|cannot identify", app_error="not a picture"),
    Case("1x1 black", _write("one.png", lambda p: Image.new("L", (1, 1), 0))),
    Case("1x1 white", _write("one_white.png", lambda p: Image.new("RGB", (1, 1), "white")), error="empty", app_error="empty|no dark lines"),
    Case("20000x20000 header bomb", _write("bomb.png", png_header_bomb),
         error="megapixels|pixels|decompression bomb|could not read", app_error="pixels|not a picture"),
    Case("72 MP compressible bomb", _write("bomb2.png", compressible_bomb),
         error="megapixels|pixels|decompression bomb"),
    Case("16-bit greyscale", _write("sixteen.png", _sixteen)),
    Case("CMYK jpeg", _write("cmyk.jpg", _cmyk)),
    Case("alpha-only drawing", _write("alpha.png", _alpha_only)),
    Case("fully transparent", _write("clear.png", lambda p: Image.new("RGBA", (64, 64), (0, 0, 0, 0))),
         error="empty", app_error="empty|no dark lines"),
    Case("animated gif", _write("anim.gif", _gif)),
    Case("empty canvas", _write("blank.png", lambda p: Image.new("RGB", (256, 256), "white")), error="empty", app_error="empty|no dark lines"),
    Case("1x10000 sliver", _write("sliver.png", _sliver(1, 10000)), app_error="at most|8192 px a side"),
    Case("10000x1 sliver", _write("sliver2.png", _sliver(10000, 1)), app_error="at most|8192 px a side"),
    Case("one-colour reference", SKETCH, reference=_write("red.png", lambda p: Image.new("RGB", (50, 50), "red"))),
    Case("transparent reference", SKETCH,
         reference=_write("clear_ref.png", lambda p: Image.new("RGBA", (50, 50), (0, 0, 0, 0))),
         error="no opaque pixels"),
    Case("corrupt reference", SKETCH, reference=_write("bad_ref.jpg", lambda p: b"\xff\xd8\xff\xe0garbage"),
         error="could not read|corrupt", app_error="could not read|corrupt|not a picture"),
    Case("bad hex (short)", SKETCH, palette="#12", error="not a colour"),
    Case("bad hex (name)", SKETCH, palette="red,green", error="not a colour"),
    Case("bad hex (digits)", SKETCH, palette="#gggggg", error="not a colour"),
    Case("ten colours", SKETCH, palette=",".join(["#000000"] * 10), error="at most 9"),
    Case("rgba() colour is fine", SKETCH, palette="rgba(10, 20, 30, 1),#ffffff"),
]


def _make(case: Case, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    sk = case.sketch(folder) if case.sketch else None
    ref = case.reference(folder) if case.reference else None
    return sk, ref


# -- library -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def colorizer() -> Colorizer:
    return Colorizer.from_random(preset("tiny"), seed=0, device="cpu", backend="torch")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_library(case, colorizer, tmp_path):
    sk, ref = _make(case, tmp_path)
    run = lambda: colorizer(sk, reference=ref, palette=case.palette, size=64, seed=0)  # noqa: E731
    if case.error:
        with pytest.raises(ColorizerError, match=f"(?i){case.error}"):
            run()
    else:
        res = run()
        src = Image.open(sk)
        assert res.image.size == src.size and res.image.mode == "RGB"
        assert max(res.size) <= 1024 and len(res.palette) == 9


def test_library_arrays_and_sizes(colorizer):
    nan = np.full((32, 32), np.nan, np.float32)
    with pytest.raises(InputImageError, match="NaN"):
        colorizer(nan)
    with pytest.raises(InputImageError, match="shape"):
        colorizer(np.zeros((4, 4, 7), np.uint8))
    with pytest.raises(ColorizerError, match="size must be a whole number from 64 to 1024, got 0"):
        colorizer(_sketch(), size=0)
    with pytest.raises(InputImageError, match="no such"):
        colorizer("/nonexistent/sketch.png")
    with pytest.raises(InputImageError):
        colorizer(str(ROOT))  # a folder
    with pytest.raises(PaletteError, match="not both"):
        colorizer(_sketch(), reference=_sketch(), palette="#000000")


@pytest.fixture(scope="module")
def semantic_colorizer() -> Colorizer:
    torch.manual_seed(0)
    from colorizer.generator import Generator
    return Colorizer(Generator(preset("tiny", hints=True, num_roles=11)), device="cpu", backend="torch")


BAD_HINTS = [
    ("not a list", "3,4,1", "not valid JSON"), ("a number", 12, "list of"), ("a pair", [(3, 4)], r"\(x, y, slot\)"),
    ("text in a hint", [("a", 4, 1)], "three numbers"), ("nested garbage", [[[1], [2], [3]]], "three numbers"),
    ("NaN", [(float("nan"), 4, 1)], "not finite"), ("huge", [(1e300, 4, 1)], "outside"),
    ("negative", [(-3, 4, 1)], "cannot be negative"), ("slot 9", [(3, 4, 9)], "out of range"),
    ("400-digit number", [(10**400, 4, 1)], "sensible size"), ("JSON text", "[[1e999, 4, 1]]", "too large"),
    ("fractional slot", [(3, 4, 0.5)], "out of range"), ("dict without slot", [{"x": 3, "y": 4}], "three numbers"),
    ("too many", [(3, 4, 1)] * 65, "at most"),
]


@pytest.mark.parametrize("name,hints,error", BAD_HINTS, ids=[b[0] for b in BAD_HINTS])
def test_library_bad_hints(name, hints, error, semantic_colorizer):
    with pytest.raises(ColorizerError, match=error):
        semantic_colorizer(_sketch(), hints=hints, size=64)


def test_library_bad_options(colorizer):
    for kw, error in [({"noise": "loud"}, "noise"), ({"noise_strength": float("inf")}, "noise_strength"),
                      ({"seed": "x"}, "seed"), ({"size": "big"}, "size"), ({"flat": "yes"}, "flat"),
                      ({"output_size": 3}, "output_size")]:
        with pytest.raises(ColorizerError, match=error):
            colorizer(_sketch(), **kw)
    with pytest.raises(TypeError, match="unknown colouring option"):
        colorizer(_sketch(), colour="red")


# -- weights -----------------------------------------------------------------------------------

def _weights_dir(tmp: Path, kind: str) -> Path:
    torch.manual_seed(0)
    from colorizer.generator import Generator
    g = Generator(preset("tiny"))
    d = tmp / kind
    save_pretrained(g, d, dtype=torch.float32)
    if kind == "nan":
        from safetensors.torch import load_file, save_file
        st = load_file(str(d / "model.safetensors"))
        k = next(k for k in st if k.endswith("weight"))
        st[k][0] = float("nan")
        st[next(k for k in st if k.endswith("bias"))][0] = float("inf")
        save_file(st, str(d / "model.safetensors"))
    elif kind == "mismatch":
        cfg = json.loads((d / "config.json").read_text())
        cfg["base_channels"] = 8
        (d / "config.json").write_text(json.dumps(cfg))
    elif kind == "pickle":
        torch.save(g.state_dict(), d / "model.safetensors")  # a pickle under the safetensors name
    elif kind == "raw_pickle":
        (d / "model.safetensors").write_bytes(pickle.dumps({"evil": "payload"}))
    elif kind == "bad_config":
        (d / "config.json").write_text("{not json")
    elif kind == "unknown_field":
        cfg = json.loads((d / "config.json").read_text())
        cfg["turbo"] = True
        (d / "config.json").write_text(json.dumps(cfg))
    return d


WEIGHT_CASES = {
    "nan": "NaN or infinite",
    "mismatch": "do not match",
    "pickle": "not a readable safetensors|never pickles",
    "raw_pickle": "not a readable safetensors|never pickles",
    "bad_config": "not a valid generator config",
    "unknown_field": "unknown GeneratorConfig fields",
}


@pytest.mark.parametrize("kind", sorted(WEIGHT_CASES))
def test_library_bad_weights(kind, tmp_path):
    with pytest.raises(WeightsError, match=WEIGHT_CASES[kind]):
        Colorizer.from_pretrained(_weights_dir(tmp_path, kind), use_hub=False)


# -- CLI -----------------------------------------------------------------------------------------

# Runs the CLI's main() for every case in ONE interpreter (a fresh process per case would
# spend most of a minute importing torch), catching anything that would become a traceback.
_DRIVER = r"""
import contextlib, io, json, sys, traceback
from colorizer.__main__ import main
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
        except BaseException:
            rc, _ = "crash", err.write(traceback.format_exc())
    out.append({"rc": rc, "stderr": err.getvalue()})
print(json.dumps(out))
"""


def _cli_argv(case: Case, sk: Path, ref: Path | None, out: Path) -> list[str]:
    argv = [str(sk), "-o", str(out), "--size", "64", "--random-weights", "tiny"]
    if ref is not None:
        argv += ["--reference", str(ref)]
    if case.palette is not None:
        argv += ["--palette", case.palette]
    return argv


def _message_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.strip().splitlines() if ln.strip() and "UNTRAINED" not in ln]


@pytest.mark.integration
def test_cli_table(tmp_path):
    argvs, outs = [], []
    for i, case in enumerate(CASES):
        sk, ref = _make(case, tmp_path / f"c{i}")
        outs.append(tmp_path / f"c{i}" / "out.png")
        argvs.append(_cli_argv(case, sk, ref, outs[-1]))
    for kind in sorted(WEIGHT_CASES):
        argvs.append([str(tmp_path / "c0" / "corrupt.png"), "-o", str(tmp_path / "w.png"),
                      "--weights", str(_weights_dir(tmp_path / "weights", kind))])
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(argvs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    names = [c.name for c in CASES] + [f"weights: {k}" for k in sorted(WEIGHT_CASES)]
    expect = [c.error for c in CASES] + [WEIGHT_CASES[k] for k in sorted(WEIGHT_CASES)]
    problems = []
    for name, err, r, argv in zip(names, expect, results, argvs):
        lines = _message_lines(r["stderr"])
        if "Traceback" in r["stderr"] or r["rc"] == "crash":
            problems.append(f"{name}: traceback\n{r['stderr'][-1500:]}")
        elif err is None and r["rc"] != 0:
            problems.append(f"{name}: expected success, got rc={r['rc']}: {lines}")
        elif err is not None:
            import re
            if r["rc"] != 2 or len(lines) != 1 or not re.search(f"(?i){err}", lines[0]):
                problems.append(f"{name}: expected rc 2 and one line matching {err!r}, got rc={r['rc']}: {lines}")
    assert not problems, "\n".join(problems)
    for case, out in zip(CASES, outs):
        if case.error is None:
            assert out.is_file(), case.name


@pytest.mark.integration
@pytest.mark.parametrize("name", ["text named .png", "20000x20000 header bomb", "bad hex (short)"])
def test_cli_real_process(name, tmp_path):
    """A few cases in a real process: exit code 2, one line, no traceback."""
    case = next(c for c in CASES if c.name == name)
    sk, ref = _make(case, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "colorizer", *_cli_argv(case, sk, ref, tmp_path / "o.png")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    lines = _message_lines(proc.stderr)
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


# -- app API -------------------------------------------------------------------------------------

APP = ROOT / "app.py"


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    if not APP.is_file():
        pytest.skip("app.py is not in the repository yet: the app part of the table cannot run")
    pytest.importorskip("gradio")
    gradio_client = pytest.importorskip("gradio_client")
    from _app_server import app_server

    log = tmp_path_factory.mktemp("app") / "app.log"
    with app_server("tiny", log_path=log) as url:
        yield gradio_client.Client(url, verbose=False)


@pytest.mark.integration
@pytest.mark.parametrize("case", [c for c in CASES if c.app], ids=[c.name for c in CASES if c.app])
def test_app_api(case, app_client, tmp_path):
    from gradio_client import handle_file

    sk, ref = _make(case, tmp_path)
    job = app_client.submit(handle_file(str(sk)), handle_file(str(ref)) if ref else None, case.palette or "",
                            0, 64, 1.0, False, api_name="/colorize")
    expected = case.app_error or case.error
    if expected:
        with pytest.raises(Exception) as info:
            job.result(timeout=60)
        msg = str(info.value)
        import re
        assert re.search(f"(?i){expected}", msg), f"{case.name}: unclear error {msg!r}"
        assert "Traceback" not in msg
    else:
        img, pal, seed = job.result(timeout=60)
        assert Image.open(img).size == Image.open(sk).size and len(pal.split(",")) == 9


# -- large sketches ------------------------------------------------------------------------------

def test_4000px_sketch_colours_at_model_size_and_keeps_full_resolution_lines(colorizer):
    """The network runs at the requested size (never at 4000 px); the lines stay sharp."""
    im = Image.new("L", (4000, 3000), 255)
    d = ImageDraw.Draw(im)
    d.line((0, 1500, 3999, 1500), fill=0, width=1)  # a 1-pixel line: lost at model size
    d.ellipse((1000, 500, 3000, 2500), outline=0, width=6)
    seen = []
    hook = colorizer.model.register_forward_pre_hook(lambda m, a: seen.append(tuple(a[0].shape[-2:])))
    try:
        res = colorizer(im, palette="#ffcc00", size=128, keep_lines=True, noise="none")
    finally:
        hook.remove()
    assert seen and max(max(s) for s in seen) <= 128
    assert res.image.size == (4000, 3000) and max(res.size) == 128
    out = np.asarray(res.image.convert("L"))
    assert out[1500, 100:3900].max() <= 2  # the 1-px line is black in the full-size result
    with pytest.raises(ColorizerError, match="size must be a whole number from 64 to 1024"):
        colorizer(im, size=4000)
