"""Every input bounded before the work it would cost: pictures (files, PIL images, arrays, data
URLs, Sketchpad values), options, hints, palettes and JSON documents; and the CLI's answers."""

from __future__ import annotations

import base64
import io
import json
import resource
import time
import warnings

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, InputImageError, PaletteError, preset
from colorizer.character import CharacterError, parse_character
from colorizer.documents import DocumentError, read_json
from colorizer.errors import ImageLimitError, OptionsError
from colorizer.hints import HintError, parse_hints
from colorizer.palette import Palette, PaletteWarning
from colorizer.processing import ImageLimits, check_image, load_image
from colorizer.roles import DEFAULT_SLOT_COLORS, SLOTS


@pytest.fixture(scope="module")
def tiny():
    return Colorizer.from_random(preset("tiny"), device="cpu", backend="torch")


@pytest.fixture(scope="module")
def parts():
    return Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu", backend="torch")


def _drawing(w: int, h: int) -> Image.Image:
    im = Image.new("L", (w, h), 255)
    ImageDraw.Draw(im).ellipse((w // 8, h // 8, w - w // 8, h - h // 8), outline=0, width=3)
    return im


def _png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- pictures ------------------------------------------------------------------------------------

def test_a_huge_pil_drawing_is_refused_before_any_work(tiny):
    """A 9000x9000 drawing (81 MP) used to be coloured in full (15 s, 5 GB): now refused at once."""
    im = Image.new("1", (9000, 9000), 1)   # 10 MB in memory; as RGB it would be 243 MB
    before = _peak_mb()
    t = time.perf_counter()
    with pytest.raises(ImageLimitError, match="9000x9000 pixels; the limit is 64 megapixels"):
        tiny(im, size=64)
    assert time.perf_counter() - t < 2.0
    assert _peak_mb() - before < 100


def test_a_long_side_is_refused(tiny):
    with pytest.raises(ImageLimitError, match="20000x10 pixels.*16384 px a side"):
        tiny(Image.new("L", (20000, 10), 255))


def test_arrays_are_checked_by_shape_before_conversion():
    big = np.lib.stride_tricks.as_strided(np.zeros(1, np.float64), shape=(9000, 9000), strides=(0, 0))
    with pytest.raises(ImageLimitError, match="9000x9000"):   # never converted (that would be 81 M floats)
        check_image(big)
    with pytest.raises(InputImageError, match="must hold numbers"):
        check_image(np.array([["a", "b"]], dtype=object))


def test_data_urls_and_file_dicts(tmp_path):
    png = _png(_drawing(40, 30))
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    assert load_image(url).size == (40, 30)
    (tmp_path / "a.png").write_bytes(png)
    assert load_image({"path": str(tmp_path / "a.png")}).size == (40, 30)
    assert load_image({"url": url}).size == (40, 30)
    with pytest.raises(InputImageError, match="not valid base64"):
        load_image("data:image/png;base64,@@@@")
    with pytest.raises(InputImageError, match="without base64"):
        load_image("data:image/png,abc")
    small = ImageLimits(max_bytes=1000)
    with pytest.raises(ImageLimitError, match="data URL holds more than"):
        check_image("data:image/png;base64," + "A" * 4000, small)
    with pytest.raises(ImageLimitError, match="MB; the limit is"):
        check_image(png + b"\0" * 1000, small)
    with pytest.raises(ImageLimitError, match="MB; the limit is"):
        (tmp_path / "big.png").write_bytes(png + b"\0" * 1000)
        check_image(tmp_path / "big.png", small)


def test_a_sketchpad_value_is_checked_before_it_is_composited():
    """A 69 KB 6000x6000 PNG posted as a Sketchpad value used to skip every pixel limit."""
    bomb = _png(Image.new("1", (6000, 6000), 1))
    assert len(bomb) < 100_000
    limits = ImageLimits(max_pixels=4096 * 4096, max_side=8192, max_layers=4)
    before = _peak_mb()
    for value in ({"composite": bomb, "layers": []}, {"background": bomb, "layers": []},
                  {"background": None, "layers": [bomb]}, {"composite": None, "background": None, "layers": [bomb] * 20}):
        with pytest.raises(ImageLimitError, match="6000x6000|20 layers; the limit is 4"):
            check_image(value, limits, "canvas")
    assert _peak_mb() - before < 100
    # a good value: the background with its layers on top
    bg = Image.new("RGB", (50, 40), "white")
    layer = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    ImageDraw.Draw(layer).line((0, 20, 49, 20), fill=(0, 0, 0, 255), width=3)
    out = load_image({"background": bg, "layers": [layer], "composite": None})
    assert out.size == (50, 40) and np.asarray(out.convert("L"))[20, 25] == 0 and np.asarray(out)[5, 5, 0] == 255
    with pytest.raises(InputImageError, match="holds no picture"):
        load_image({"background": None, "layers": [], "composite": None})
    with pytest.raises(InputImageError, match="layers must be a list"):
        load_image({"layers": "abc"})


def test_unreadable_formats_name_the_readable_ones(tmp_path):
    p = tmp_path / "x.png"
    p.write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    with pytest.raises(InputImageError, match="not a picture in a format this reads .PNG, JPEG") as e:
        load_image(p)
    assert "0x" not in str(e.value) and "<_io" not in str(e.value)
    with pytest.raises(InputImageError, match="cannot read a image from a set"):
        load_image({1, 2})


# -- options, hints, palettes, documents ----------------------------------------------------------

def test_huge_seeds_and_sizes_name_the_field_and_range(tiny, sketch_image):
    for kw, msg in [(dict(seed=2**64), "seed must be a whole number from 0 to 9223372036854775807"),
                    (dict(seed=10**30), "seed must be"), (dict(seed=float("inf")), "seed must be"),
                    (dict(seed=-1), "got -1"), (dict(size=10**400), "size must be .* got a number of about 401 digits"),
                    (dict(noise_strength=1e308 * 10), "noise_strength must be a number from 0 to 4"),
                    (dict(output_size="9" * 5000), "output_size must be a whole number")]:
        with pytest.raises(OptionsError, match=msg):
            tiny(sketch_image, **kw)
    assert tiny(sketch_image, seed=2**63 - 1, size=64).seed == 2**63 - 1


def test_hints_are_bounded_before_they_are_read():
    million = [[1, 1, 0]] * 1_000_000
    text = json.dumps(million)                        # 11 MB of JSON
    t = time.perf_counter()
    with pytest.raises(HintError, match="at most 64 hints, got 1000000"):
        parse_hints(million, 100, 100, 9)
    with pytest.raises(HintError, match="at most 64 hints"):
        parse_hints(iter(million), 100, 100, 9)       # an iterator is read no further than 65
    with pytest.raises(HintError, match="hint list is .* bytes; at most 4 KiB|longer than 4 KiB"):
        parse_hints(text, 100, 100, 9)
    assert time.perf_counter() - t < 1.0
    with pytest.raises(HintError, match="sensible size"):
        parse_hints([[10**400, 10, 2]], 100, 100, 9)
    with pytest.raises(HintError, match="cannot be negative; got \\(-5, 10\\)"):
        parse_hints([[-5, 10, 2]], 2**31 - 1, 2**31 - 1, 9)
    with pytest.raises(HintError, match="outside the 100x80 picture \\(x from 0 to 99, y from 0 to 79\\)"):
        parse_hints([[100, 10, 2]], 100, 80, 9)
    assert parse_hints("[[5, 6, 2], {\"x\": 1, \"y\": 2, \"slot\": 3}]", 100, 80, 9) == [(5, 6, 2), (1, 2, 3)]
    with pytest.raises(HintError, match="Infinity"):
        parse_hints("[[Infinity, 6, 2]]", 100, 80, 9)


def test_a_short_palette_keeps_the_slot_defaults_with_a_warning(parts, sketch_image):
    """A CLI palette of 2 colours was repeated to 9 (black skin, white hair)."""
    with pytest.warns(PaletteWarning, match="hair, eyes, top, bottom, outer, accessory, details"):
        res = parts(sketch_image, palette="#101010,#fafafa", size=64)
    assert res.palette.to_hex() == ["#101010", "#fafafa", *DEFAULT_SLOT_COLORS[2:]]
    assert res.default_slots == tuple(range(2, 9))
    assert [SLOTS[s] for s in res.default_slots][0] == "hair"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        full = parts(sketch_image, palette=",".join(DEFAULT_SLOT_COLORS), size=64)
    assert full.default_slots == ()
    with pytest.raises(PaletteError, match="at most 1024 characters"):
        Palette.from_hex("#123456," * 2_000_000)


def test_json_documents_are_bounded_before_parsing():
    for doc, msg in [("[" * 30000, "nested more than 16 levels"), ('{"seed": ' + "9" * 4300 + "}", "4300 digits"),
                     ('{"seed": Infinity}', "Infinity"), ('{"seed": NaN}', "NaN"), ('{"x": 1e400}', "too large"),
                     ("[" + "1," * 20000 + "1]", "more than 10000 values"), ("x" * 70000, "longer than 64 KiB"), (b"x" * 70000, "at most 64 KiB"),
                     ("", "empty"), ("{", "not valid JSON"), (b"\xff\xfe", "not UTF-8")]:
        with pytest.raises(DocumentError, match=msg):
            read_json(doc, "project file")
    assert read_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


@pytest.mark.parametrize("doc, msg", [
    ('{"format": "anime-colorizer-character", "version": ' + "1" * 4300 + "}", "4300 digits"),
    ("[" * 30000, "nested more than 16 levels"),
    ('{"format": "anime-colorizer-character", "version": Infinity}', "Infinity"),
])
def test_character_files_give_clear_messages(doc, msg):
    with pytest.raises(CharacterError, match=msg) as e:
        parse_character(doc, "c.json")
    assert "Exceeds the limit" not in str(e.value)


def test_every_refusal_is_a_colorizer_error():
    for cls in (ImageLimitError, OptionsError, DocumentError, HintError, CharacterError):
        assert issubclass(cls, ColorizerError)


# -- the command line ------------------------------------------------------------------------------

def _cli(argv, capsys) -> tuple[int, str, str]:
    from colorizer.__main__ import main

    try:
        rc = main(argv)
    except SystemExit as e:   # argparse
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def sketch_file(tmp_path, sketch_image):
    p = tmp_path / "a.png"
    sketch_image.save(p)
    return p


def _one_line(err: str) -> str:
    """The error line of ``err``: exactly one besides warnings (e.g. "using UNTRAINED weights")."""
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_cli_checks_the_output_before_any_work(sketch_file, tmp_path, capsys, monkeypatch):
    def no_model(*a, **k):
        raise AssertionError("the model was loaded before the output was checked")

    monkeypatch.setattr(Colorizer, "from_random", no_model)
    rc, _, err = _cli([str(sketch_file), "-o", "/missing/dir/a.png", "--random-weights", "tiny"], capsys)
    assert rc == 2 and "the folder /missing/dir does not exist" in _one_line(err)
    existing = tmp_path / "existing.jpg"
    Image.new("RGB", (4, 4)).save(existing)
    rc, _, err = _cli([str(sketch_file), str(sketch_file), "-o", str(existing), "--random-weights", "tiny"], capsys)
    assert rc == 2 and "names a file, but 2 sketches are given" in _one_line(err)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc, _, err = _cli([str(sketch_file), "-o", str(blocker), "--random-weights", "tiny"], capsys)
    assert rc == 2 and "is an existing file, not a folder" in _one_line(err)
    rc, _, err = _cli([str(sketch_file), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny", "--seed",
                       str(2**64)], capsys)
    assert rc == 2 and "seed must be a whole number from 0 to" in _one_line(err)


@pytest.mark.parametrize("args, message", [
    (["--device", "tpu9"], "unknown device 'tpu9'"),
    (["--device", "cuda:99"], "CUDA|CUDA device"),
    (["--random-weights", "nosuch"], "unknown preset 'nosuch'"),
    (["--size", "5000"], "size must be a whole number from 64 to 1024, got 5000"),
    (["--noise-strength", "inf"], "noise_strength must be a number from 0 to 4"),
    (["--palette", "#12"], "'#12' is not a colour"),
    (["--palette-file", "/nonexistent.json"], "no such character palette file"),
    (["--size", "abc"], "argument --size: invalid int value"),
])
def test_cli_user_errors_are_one_line_and_exit_2(args, message, sketch_file, tmp_path, capsys):
    rc, _, err = _cli([str(sketch_file), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny", *args], capsys)
    assert rc == 2
    import re
    assert re.search(message, _one_line(err)), err


def test_cli_some_skipped_is_exit_3_and_a_crash_is_exit_1(sketch_file, tmp_path, capsys, monkeypatch):
    from colorizer.__main__ import EXIT_INTERNAL, EXIT_SKIPPED

    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a picture")
    rc, out, err = _cli([str(sketch_file), str(bad), "-o", str(tmp_path / "out"), "--random-weights", "tiny",
                         "--size", "64"], capsys)
    assert rc == EXIT_SKIPPED == 3 and "skipped" in err and "wrote 1 image(s)" in out
    rc, _, err = _cli([str(bad), "-o", str(tmp_path / "out2"), "--random-weights", "tiny"], capsys)
    assert rc == 2   # nothing usable

    def boom(*a, **k):
        raise RuntimeError("something internal")

    monkeypatch.setattr(Colorizer, "__call__", boom)
    rc, _, err = _cli([str(sketch_file), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny"], capsys)
    line = [ln for ln in err.splitlines() if ln.startswith("error")]
    assert rc == EXIT_INTERNAL == 1 and len(line) == 1 and "internal error (RuntimeError)" in line[0]
    assert "Traceback" not in err


def test_cli_short_palette_warns_and_names_the_kept_defaults(sketch_file, tmp_path, capsys):
    rc, out, err = _cli([str(sketch_file), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny", "--size", "64",
                         "--palette", "#101010,#fafafa"], capsys)
    assert rc == 0 and "warning: a palette of 2 colour(s) for 9 slots" in err
    assert "default colours kept for: hair, eyes" in out


def test_a_swatch_edit_with_a_bad_colour_is_a_palette_error():
    pal = Palette.from_hex(",".join(DEFAULT_SLOT_COLORS))
    for bad in [(300, 0, 0), (1, 2), (10**400, 0, 0), ("a", 0, 0), None, (float("nan"), 0, 0)]:
        with pytest.raises(PaletteError, match="three numbers 0..255"):
            pal.replace(2, bad)
    for index in (9, -1, 1.5, True, "2"):
        with pytest.raises(PaletteError, match="out of range 0..8"):
            pal.replace(index, "#ffffff")
    assert pal.replace(2, (1, 2, 3)).to_hex()[2] == "#010203"


def test_batch_takes_one_palette_for_all_like_the_single_call(parts, sketch_image):
    """``c.batch(["p1.png", "p2.png"], palette=res.palette)`` used to raise TypeError."""
    res = parts(sketch_image, size=64)
    out = parts.batch([sketch_image, sketch_image.transpose(Image.FLIP_LEFT_RIGHT)], palette=res.palette, size=64)
    assert len(out) == 2 and all(r.palette.to_hex() == res.palette.to_hex() for r in out)
    with pytest.raises(PaletteError, match="not both"):
        parts.batch([sketch_image], palette=res.palette, palettes=[res.palette])
