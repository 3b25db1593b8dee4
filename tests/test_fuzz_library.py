"""Fuzzing the library and the CLI with bad inputs (``pytest -m slow -s tests/test_fuzz_library.py``).

Several hundred hostile or broken inputs - pictures (bytes, files, data URLs, arrays, PIL images,
Sketchpad values), options, hints, palettes, references, character documents and command lines -
each must end in a result or a :class:`colorizer.ColorizerError` with a message for a user: never
another exception, a traceback, or a raw Python message (object reprs, errno texts, "Exceeds the
limit"). The process's peak memory may grow by at most :data:`MAX_GROWTH_MB`. The counts are
printed.
"""

from __future__ import annotations

import base64
import io
import json
import re
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, Palette, preset
from colorizer.character import parse_character

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MAX_GROWTH_MB = 1500
RAW = re.compile(r"Traceback|object at 0x|<_io\.|\[Errno|Exceeds the limit|unpacking long long|"
                 r"int too large|could not convert|unsupported operand|NoneType|has no attribute|"
                 r"invalid literal|list index|KeyError|not subscriptable")


def _png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _header_png(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _sketch() -> Image.Image:
    im = Image.new("L", (96, 80), 255)
    ImageDraw.Draw(im).ellipse((10, 10, 80, 70), outline=0, width=2)
    return im


def bad_pictures(tmp: Path) -> list[tuple[str, object]]:
    good = _png(_sketch())
    rng = np.random.default_rng(0)
    out: list[tuple[str, object]] = []
    out += [(f"random bytes {i}", rng.integers(0, 256, int(n)).astype(np.uint8).tobytes())
            for i, n in enumerate(rng.integers(1, 4000, 12))]
    out += [(f"truncated png at {k}", good[:k]) for k in (8, 16, 33, 40, 60, len(good) // 2, len(good) - 12)]
    out += [(f"png header {w}x{h}", _header_png(w, h)) for w, h in
            [(20000, 20000), (100000, 1), (1, 100000), (70000, 70000), (2**31 - 1, 2**31 - 1), (0, 10)]]
    out += [("flipped bits", bytes(b ^ 0x55 if i > 40 else b for i, b in enumerate(good)))]
    out += [("zero bytes", b""), ("text", b"hello\n" * 50), ("html", b"<!doctype html><html></html>"),
            ("svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"),
            ("json", b'{"a": 1}'), ("pdf", b"%PDF-1.4\n%\xe2\xe3\n"), ("eps", b"%!PS-Adobe-3.0 EPSF-3.0\n"),
            ("gif header only", b"GIF89a\x10\x00\x10\x00"), ("jpeg header only", b"\xff\xd8\xff\xe0\x00\x10JFIF")]
    out += [("data url bad base64", "data:image/png;base64,@@@"), ("data url not base64", "data:image/png,abc"),
            ("data url of text", "data:image/png;base64," + base64.b64encode(b"hello").decode()),
            ("data url of a header bomb", "data:image/png;base64," + base64.b64encode(_header_png(30000, 30000)).decode()),
            ("data url empty", "data:,"), ("data url of zeros", "data:image/png;base64," + "A" * 400_000)]
    for name, data in [("file text.png", b"not a picture"), ("file empty.png", b""), ("file bomb.png", _header_png(40000, 40000))]:
        p = tmp / name.split()[1]
        p.write_bytes(data)
        out.append((name, str(p)))
    out += [("no such file", str(tmp / "nope.png")), ("a folder", str(tmp)), ("path with NUL", "a\0b.png"),
            ("very long path", "x" * 100_000), ("path as Path", tmp / "nope.png")]
    big = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape=(20000, 20000), strides=(0, 0))
    out += [("array 4-d", np.zeros((2, 2, 2, 2), np.uint8)), ("array 7 channels", np.zeros((4, 4, 7), np.uint8)),
            ("array empty", np.zeros((0, 5), np.uint8)), ("array objects", np.array([[object()]], dtype=object)),
            ("array complex", np.zeros((4, 4), np.complex64)), ("array NaN", np.full((8, 8), np.nan)),
            ("array inf", np.full((8, 8), np.inf)), ("array strings", np.array([["a"]])),
            ("array 20000x20000 (strided)", big), ("array 1-d", np.zeros(100, np.uint8))]
    out += [("PIL 9000x9000", Image.new("1", (9000, 9000), 1)), ("PIL 20000x4", Image.new("L", (20000, 4), 255)),
            ("PIL blank", Image.new("RGB", (64, 64), "white")), ("PIL transparent", Image.new("RGBA", (32, 32)))]
    out += [("sketchpad 20 layers", {"background": good, "layers": [good] * 20, "composite": None}),
            ("sketchpad layers not a list", {"layers": 5}), ("sketchpad nothing", {"background": None, "layers": []}),
            ("sketchpad bomb composite", {"composite": _header_png(20000, 20000), "layers": []}),
            ("sketchpad bomb layer", {"background": None, "layers": [_header_png(20000, 20000)]}),
            ("sketchpad layer of ints", {"layers": [1, 2]}), ("sketchpad nested", {"composite": {"composite": good}}),
            ("file dict no path", {"path": None}), ("file dict int path", {"path": 12}),
            ("file dict missing", {"path": str(tmp / "nope.png")}), ("empty dict", {})]
    out += [("None", None), ("int", 12), ("float", 1.5), ("list", [1, 2, 3]), ("set", {1}), ("object", object()),
            ("huge int", 10**5000)]
    return out


BAD_OPTIONS = [
    {"seed": -1}, {"seed": 2**64}, {"seed": 10**30}, {"seed": float("inf")}, {"seed": float("nan")},
    {"seed": "abc"}, {"seed": []}, {"seed": True}, {"seed": 1.5}, {"seed": "9" * 5000}, {"seed": 10**5000},
    {"size": 0}, {"size": 5000}, {"size": -1}, {"size": 1e9}, {"size": "x"}, {"size": 10**400}, {"size": [64]},
    {"noise": ""}, {"noise": "loud"}, {"noise": 3}, {"noise": ["random"]},
    {"noise_strength": float("nan")}, {"noise_strength": float("inf")}, {"noise_strength": -1},
    {"noise_strength": 1e308}, {"noise_strength": "a"}, {"noise_strength": [1]}, {"noise_strength": 10**400},
    {"output_size": 0}, {"output_size": 1}, {"output_size": 10**6}, {"output_size": "x"},
    {"flat": "no"}, {"flat": 2}, {"keep_lines": None}, {"cel_shading": 0.5}, {"allow_empty": "yes"},
    {"precision": "fp64"}, {"precision": None},
]

BAD_HINTS = [
    "3,4,1", 12, [(3, 4)], [("a", 4, 1)], [[[1], [2], [3]]], [(float("nan"), 4, 1)], [(1e300, 4, 1)],
    [(-3, 4, 1)], [(3, 4, 9)], [(3, 4, 0.5)], [{"x": 3, "y": 4}], [(3, 4, 1)] * 65, [(10**400, 4, 1)],
    "[[1e999, 4, 1]]", "[" * 30000, json.dumps([[1, 1, 0]] * 100_000), "[[NaN, 1, 1]]", {"x": 1}, [None],
    [(3, 4, -1)], [(5, 5, "1")], iter([(1, 1, 1)] * 10**6), np.zeros((100000, 3)), "", "null", "[]]",
]

BAD_PALETTES = [
    "#12", "red,green", "#gggggg", ",".join(["#000000"] * 10), "", ",", "#123456," * 200_000,
    ["#000000"] * 10, [1, 2, 3], [None], [10**5000], [["#000000"]], 12, {"a": 1}, "rgba(300, 0, 0, 1)",
    "rgba(1e999, 0, 0, 1)", "#" + "f" * 10_000, Palette(np.zeros((3, 3), np.uint8), np.zeros(3)), b"#000000",
]

BAD_CHARACTERS = [
    "[" * 30000, '{"format": "anime-colorizer-character", "version": ' + "1" * 4300 + "}",
    '{"format": "anime-colorizer-character", "version": Infinity}', '{"format": "anime-colorizer-character", "version": NaN}',
    '{"format": "anime-colorizer-character", "version": 1e400}', '{"format": 1}', "[]", "null", "", b"\xff\xfe",
    '{"format": "anime-colorizer-character", "version": 1, "name": "a", "colors": {"hair": 10e400}}',
    '{"format": "anime-colorizer-character", "version": 1, "name": "' + "a" * 100_000 + '"}',
    '{"format": "anime-colorizer-character", "version": 1, "name": "a", "colors": {"hair": "#12"}}',
    '{"format": "anime-colorizer-character", "version": 1, "name": "a", "colors": {"nose": "#123456"}}',
    '{"format": "anime-colorizer-character", "version": 1, "name": "a", "a": 1, "a": 2}',
    '{"format": "anime-colorizer-character", "version": 1, "name": "a", "colors": [' + "1," * 20000 + '1]}',
]


class Tally:
    def __init__(self):
        self.refused = self.accepted = 0
        self.problems: list[str] = []

    def check(self, name: str, fn) -> None:
        try:
            fn()
            self.accepted += 1
        except ColorizerError as e:
            msg = str(e)
            if not msg.strip() or RAW.search(msg) or len(msg) > 600:
                self.problems.append(f"{name}: raw or unclear message {msg[:200]!r}")
            self.refused += 1
        except Exception as e:  # noqa: BLE001 - exactly what the fuzzing looks for
            self.problems.append(f"{name}: {type(e).__name__}: {str(e)[:200]}")

    @property
    def total(self) -> int:
        return self.refused + self.accepted + len([p for p in self.problems if ": raw" not in p])


@pytest.fixture(scope="module")
def models():
    return (Colorizer.from_random(preset("tiny"), device="cpu", backend="torch"),
            Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu", backend="torch"))


def test_library_fuzz(models, tmp_path):
    plain, parts = models
    sketch = _sketch()
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = Tally()
    pictures = bad_pictures(tmp_path)
    for name, src in pictures:
        t.check(f"sketch {name}", lambda: parts(src, size=64))
    for name, src in pictures[::3]:
        t.check(f"reference {name}", lambda: parts(sketch, reference=src, size=64))
    for i, opts in enumerate(BAD_OPTIONS):
        t.check(f"options {i} {sorted(opts)}", lambda: plain(sketch, **opts))
    for i, hints in enumerate(BAD_HINTS):
        t.check(f"hints {i}", lambda: parts(sketch, hints=hints, size=64))
    t.check("hints on weights without parts", lambda: plain(sketch, hints=[(3, 4, 1)], size=64))
    for i, pal in enumerate(BAD_PALETTES):
        t.check(f"palette {i}", lambda: parts(sketch, palette=pal, size=64))
    for i, doc in enumerate(BAD_CHARACTERS):
        t.check(f"character {i}", lambda: parse_character(doc, "c.json"))
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start
    print(f"\nlibrary fuzz: {t.total} inputs, {t.refused} refused with a message, {t.accepted} accepted, "
          f"{len(t.problems)} problems; peak memory grew {grown:.0f} MB")
    assert not t.problems, "\n".join(t.problems)
    assert t.total >= 150
    assert grown < MAX_GROWTH_MB


CLI_CASES = [
    ["--device", "tpu9"], ["--device", "cuda:7"], ["--device", ""], ["--random-weights", "nosuch"],
    ["--seed", str(2**64)], ["--seed", "-1"], ["--seed", "1e5"], ["--size", "5000"], ["--size", "0"],
    ["--noise-strength", "nan"], ["--noise-strength", "inf"], ["--noise-strength", "-1"], ["--noise", "loud"],
    ["--palette", "#12"], ["--palette", "x" * 5000], ["--palette", ",".join(["#000000"] * 10)],
    ["--reference", "/nonexistent.png"], ["--palette-file", "/nonexistent.json"], ["--format", "gif"],
    ["--weights", "/nonexistent"], ["--reference", "REF_BOMB"], ["--palette-file", "DEEP_JSON"],
    ["-o", "/missing/dir/a.png"], ["-o", "EXISTING_FILE_AS_FOLDER"], ["SECOND", "-o", "EXISTING_JPG"],
    ["--format", "psd", "-o", "OUT.png"],
]


def test_cli_fuzz(tmp_path, capsys):
    from colorizer.__main__ import main

    sk = tmp_path / "a.png"
    _sketch().save(sk)
    (tmp_path / "bomb.png").write_bytes(_header_png(30000, 30000))
    (tmp_path / "deep.json").write_text("[" * 30000)
    (tmp_path / "file").write_text("x")
    Image.new("RGB", (4, 4)).save(tmp_path / "existing.jpg")
    subs = {"REF_BOMB": str(tmp_path / "bomb.png"), "DEEP_JSON": str(tmp_path / "deep.json"),
            "EXISTING_FILE_AS_FOLDER": str(tmp_path / "file"), "EXISTING_JPG": str(tmp_path / "existing.jpg"),
            "SECOND": str(sk), "OUT.png": str(tmp_path / "out.png")}
    problems, n = [], 0
    pics = tmp_path / "pics"
    pics.mkdir()
    bad_sketches = [(name, src) for name, src in bad_pictures(pics) if isinstance(src, (bytes, str))][:40]
    cases = [[str(sk), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny", "--size", "64",
              *[subs.get(a, a) for a in c]] for c in CLI_CASES]
    for i, (name, src) in enumerate(bad_sketches):
        if isinstance(src, bytes):
            p = tmp_path / f"bad{i}.png"
            p.write_bytes(src)
            src = str(p)
        if "\0" in src or len(src) > 4000:
            continue
        cases.append([src, "-o", str(tmp_path / f"out{i}.png"), "--random-weights", "tiny", "--size", "64"])
    for argv in cases:
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code
        except BaseException as e:  # noqa: BLE001
            problems.append(f"{argv[-6:]}: {type(e).__name__}: {e}")
            continue
        err = capsys.readouterr().err
        lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning: ")
                 and "colorizing" not in ln]
        n += 1
        if rc not in (0, 2, 3) or RAW.search(err) or (rc == 2 and len(lines) != 1):
            problems.append(f"{argv[:1] + argv[5:]}: exit {rc}, stderr {err[-300:]!r}")
    # and a few real processes: what a user's shell sees
    for argv in (["--device", "tpu9"], ["-o", "/missing/dir/a.png"], ["--seed", str(2**64)]):
        full = [str(sk), "-o", str(tmp_path / "p.png"), "--random-weights", "tiny", *argv]
        proc = subprocess.run([sys.executable, "-m", "colorizer", *full], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        n += 1
        if proc.returncode != 2 or "Traceback" in proc.stderr or not proc.stderr.startswith(("error:", "warning:")):
            problems.append(f"process {argv}: exit {proc.returncode}, stderr {proc.stderr[-300:]!r}")
    print(f"\nCLI fuzz: {n} command lines, {len(problems)} problems")
    assert not problems, "\n".join(problems)
    assert n >= 50
