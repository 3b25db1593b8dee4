"""Layered PSD / ORA exports (colorizer.layered): the files are read back here (psd-tools, zipfile +
stack.xml) and their layers composited by this test's own code, which must give result.image."""

import io
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorizer import Colorizer, ColorizerError, preset
from colorizer.layered import (ALL_COLOURS, COLOURS, LINES, ORA_MAX_SIDE, PSD_MAX_SIDE, SHADING, layer_stack,
                               layered_bytes, save_layered)
from colorizer.pipeline import ColorizeResult
from colorizer.settings import RenderSettings
from colorizer.roles import NUM_SLOTS, SLOT_LABELS

SKETCH = Path(__file__).resolve().parent.parent / "examples" / "sketches" / "girl.png"


@pytest.fixture(scope="module")
def semantic():
    return Colorizer.from_random(preset("default"), backend="torch")


@pytest.fixture(scope="module")
def result(semantic):
    return semantic(SKETCH, size=128)


@pytest.fixture(scope="module")
def old_result():
    return Colorizer.from_random(preset("tiny"), backend="torch")(SKETCH, size=64)


# -- an independent compositor -------------------------------------------------------------------
def composite(layers, size):
    """``layers``: (rgba uint8 array at canvas size, blend, visible), bottom to top.
    Porter-Duff "over" for normal; W3C multiply (Cs*Cb mixed by the source alpha) for multiply."""
    w, h = size
    out = np.zeros((h, w, 3))
    cover = np.zeros((h, w))
    for rgba, blend, visible in layers:
        if not visible:
            continue
        a = rgba[..., 3:].astype(np.float64) / 255.0
        src = rgba[..., :3].astype(np.float64)
        if blend == "multiply":
            src = out * src / 255.0
        out = np.rint(out * (1 - a) + src * a)
        cover = np.maximum(cover, a[..., 0])
    assert cover.min() == 1.0, "the visible layers leave pixels uncovered"
    return out


def on_canvas(img: Image.Image, left: int, top: int, size) -> np.ndarray:
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.paste(img.convert("RGBA"), (left, top))
    return np.asarray(canvas)


def read_psd(data: bytes):
    from psd_tools import PSDImage

    psd = PSDImage.open(io.BytesIO(data))
    layers = []
    for layer in psd:
        assert layer.kind == "pixel"
        img = layer.topil()
        layers.append({"name": layer.name, "blend": layer.blend_mode.name.lower(), "visible": layer.visible,
                       "rgba": on_canvas(img, layer.left, layer.top, psd.size)})
    return psd, layers


def read_ora(data: bytes):
    z = zipfile.ZipFile(io.BytesIO(data))
    first = z.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert first.extra == b""
    assert data[30:38] == b"mimetype" and data[38:54] == b"image/openraster"  # sniffable at byte 38
    root = ET.fromstring(z.read("stack.xml"))
    assert root.tag == "image"
    size = int(root.get("w")), int(root.get("h"))
    layers = []
    for el in root.find("stack").findall("layer"):  # top first
        img = Image.open(io.BytesIO(z.read(el.get("src"))))
        op = el.get("composite-op")
        assert op in ("svg:src-over", "svg:multiply")
        layers.append({"name": el.get("name"), "blend": "multiply" if op == "svg:multiply" else "normal",
                       "visible": el.get("visibility") == "visible", "opacity": float(el.get("opacity")),
                       "rgba": on_canvas(img, int(el.get("x")), int(el.get("y")), size)})
    layers.reverse()
    merged = Image.open(io.BytesIO(z.read("mergedimage.png")))
    thumb = Image.open(io.BytesIO(z.read("Thumbnails/thumbnail.png")))
    return z, size, layers, merged, thumb


def flat(layers):
    return [(la["rgba"], la["blend"], la["visible"]) for la in layers]


def assert_close(a, b, tol=2):
    d = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    assert d.max() <= tol, f"max difference {d.max()}, mean {d.mean():.4f}"


# -- the stack ------------------------------------------------------------------------------------
def expected_names(result):
    present = [SLOT_LABELS[s] for s in range(NUM_SLOTS) if (result.slots == s).any()]
    return [ALL_COLOURS] + present + [SHADING, LINES]


def test_stack_of_a_semantic_result(result):
    assert result.slots is not None and result.shadow is not None
    assert (result.shadow > 0).any(), "the fixture should have some cel shading"
    layers = layer_stack(result)
    assert [la.name for la in layers] == expected_names(result)
    assert len(layers) >= 5  # colours, at least two roles, shading, lines
    assert [la.blend for la in layers] == ["normal"] * (len(layers) - 2) + ["multiply", "multiply"]
    assert [la.visible for la in layers] == [False] + [True] * (len(layers) - 1)
    for la in layers:
        assert la.image.mode == "RGBA" and la.image.size == result.image.size
    # each role layer holds its slot's flat colour exactly where the pixel has that slot
    for la in layers[1:-2]:
        s = SLOT_LABELS.index(la.name)
        a = np.asarray(la.image)
        mask = result.slots == s
        assert ((a[..., 3] == 255) == mask).all() and (a[..., 3][~mask] == 0).all()
        assert (a[mask][:, :3] == result.palette.colors[s]).all()
    # shading: white where unshaded, darker where shaded
    sh = np.asarray(layers[-2].image)[..., :3]
    assert (sh[result.shadow == 0] == 255).all()
    assert (sh[result.shadow == 1] < 255).all()
    assert (sh[..., 0] == sh[..., 1]).all() and (sh[..., 1] == sh[..., 2]).all()
    lines = np.asarray(layers[-1].image)
    assert (lines[..., 0] == np.asarray(result.lines)).all() and (lines[..., 3] == 255).all()


def test_stack_composites_to_the_image(result):
    layers = [(np.asarray(la.image), la.blend, la.visible) for la in layer_stack(result)]
    assert_close(composite(layers, result.image.size), result.image)


def test_old_weights_fall_back_to_colours_and_lines(old_result):
    assert old_result.slots is None
    layers = layer_stack(old_result)
    assert [(la.name, la.blend, la.visible) for la in layers] == [(COLOURS, "normal", True),
                                                                  (LINES, "multiply", True)]
    got = composite([(np.asarray(la.image), la.blend, la.visible) for la in layers], old_result.image.size)
    assert_close(got, old_result.image, tol=1)


def test_without_lines_the_lines_layer_is_hidden(semantic):
    res = semantic(SKETCH, size=64, keep_lines=False)
    layers = layer_stack(res)
    assert layers[-1].name == LINES and not layers[-1].visible
    got = composite([(np.asarray(la.image), la.blend, la.visible) for la in layers], res.image.size)
    assert_close(got, res.image)


def test_without_cel_shading_the_shading_layer_is_white(semantic):
    res = semantic(SKETCH, size=64, cel_shading=False)
    sh = [la for la in layer_stack(res) if la.name == SHADING][0]
    assert (np.asarray(sh.image)[..., :3] == 255).all()


def test_unflattened_semantic_result_has_no_role_layers(semantic):
    res = semantic(SKETCH, size=64, flat=False)
    assert [la.name for la in layer_stack(res)] == [COLOURS, LINES]


def test_large_result_above_the_flat_render_size(semantic):
    side = RenderSettings().flat_max_side + 76
    sk = Image.open(SKETCH).convert("L").resize((side, side), Image.BICUBIC).crop((0, 380, side, 700))
    res = semantic(sk, size=64)
    assert res.image.size == (side, 320) and (res.shadow > 0).any()
    got = composite([(np.asarray(la.image), la.blend, la.visible) for la in layer_stack(res)], res.image.size)
    d = np.abs(got - np.asarray(res.image, np.float64))
    # upscaled flat render: bicubic ringing at shadow edges differs by a few levels
    assert d.mean() < 0.2 and np.percentile(d, 99.9) <= 12, (d.mean(), np.percentile(d, 99.9))


# -- PSD ------------------------------------------------------------------------------------------
def test_psd_reads_back(result, tmp_path):
    path = save_layered(result, tmp_path / "page.PSD")
    assert path.exists() and (os.stat(path).st_mode & 0o777) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["page.PSD"]
    psd, layers = read_psd(path.read_bytes())
    want = layer_stack(result)
    assert psd.size == result.image.size and psd.depth == 8 and psd.color_mode.name == "RGB"
    assert [la["name"] for la in layers] == [la.name for la in want] == expected_names(result)
    assert [la["blend"] for la in layers] == [la.blend for la in want]
    assert [la["visible"] for la in layers] == [la.visible for la in want]
    for got, exp in zip(layers, want):  # pixels as written (transparent pixels' RGB does not matter)
        e = np.asarray(exp.image)
        assert (got["rgba"][..., 3] == e[..., 3]).all(), got["name"]
        op = e[..., 3] > 0
        assert (got["rgba"][op][:, :3] == e[op][:, :3]).all(), got["name"]
    # role layers are cropped to their content
    psd_layers = list(psd)
    for pl in psd_layers[1:-2]:
        s = SLOT_LABELS.index(pl.name)
        ys, xs = np.nonzero(result.slots == s)
        assert pl.bbox == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    # the stored composite is result.image, and the layers composite to it
    assert_close(psd.topil().convert("RGB"), result.image, tol=0)
    assert_close(composite(flat(layers), psd.size), result.image)


def test_psd_of_old_weights(old_result):
    psd, layers = read_psd(layered_bytes(old_result, "psd"))
    assert [(la["name"], la["blend"]) for la in layers] == [(COLOURS, "normal"), (LINES, "multiply")]
    assert_close(composite(flat(layers), psd.size), old_result.image, tol=1)


# -- ORA ------------------------------------------------------------------------------------------
def test_ora_reads_back(result, tmp_path):
    path = save_layered(result, tmp_path / "page.ora")
    z, size, layers, merged, thumb = read_ora(path.read_bytes())
    assert z.read("mimetype") == b"image/openraster"
    names = z.namelist()
    assert names[:2] == ["mimetype", "stack.xml"]
    assert "mergedimage.png" in names and "Thumbnails/thumbnail.png" in names
    assert size == result.image.size
    want = layer_stack(result)
    assert [la["name"] for la in layers] == [la.name for la in want] == expected_names(result)
    assert [la["blend"] for la in layers] == [la.blend for la in want]
    assert [la["visible"] for la in layers] == [la.visible for la in want]
    assert all(la["opacity"] == 1.0 for la in layers)
    # stack.xml escapes "&" in "Eye whites & mouth" and survives a parser
    assert_close(merged.convert("RGB"), result.image, tol=0)
    assert max(thumb.size) <= 256 and thumb.size[0] / thumb.size[1] == pytest.approx(
        size[0] / size[1], rel=0.02)
    assert_close(composite(flat(layers), size), result.image)


def test_ora_stack_xml_attributes(result):
    z = zipfile.ZipFile(io.BytesIO(layered_bytes(result, ".ORA")))
    root = ET.fromstring(z.read("stack.xml"))
    assert root.get("version") == "0.0.5"
    els = root.find("stack").findall("layer")
    assert [e.get("name") for e in els][:2] == [LINES, SHADING]
    assert els[0].get("composite-op") == "svg:multiply" and els[1].get("composite-op") == "svg:multiply"
    assert els[-1].get("name") == ALL_COLOURS and els[-1].get("visibility") == "hidden"
    for e in els:
        assert e.get("src").startswith("data/") and e.get("src") in z.namelist()


def test_ora_with_an_ampersand_name(semantic):
    res = semantic(SKETCH, size=64)
    res.slots[:4, :4] = 8  # "Eye whites & mouth"
    res.base.paste(tuple(int(v) for v in res.palette.colors[8]), (0, 0, 4, 4))
    _, _, layers, _, _ = read_ora(layered_bytes(res, "ora"))
    assert SLOT_LABELS[8] in [la["name"] for la in layers]


# -- errors ---------------------------------------------------------------------------------------
def fake_result(w, h):
    img = Image.new("RGB", (w, h), "white")
    return ColorizeResult(image=img, color=img, lines=img.convert("L"), palette=None, seed=0)


@pytest.mark.parametrize("fmt, limit", [("psd", PSD_MAX_SIDE), ("ora", ORA_MAX_SIDE)])
def test_too_large_for_the_format(fmt, limit, tmp_path):
    with pytest.raises(ColorizerError, match=f"at most {limit} px per side"):
        save_layered(fake_result(limit + 1, 1), tmp_path / f"big.{fmt}")
    with pytest.raises(ColorizerError, match=f"at most {limit} px"):
        layered_bytes(fake_result(1, limit + 1), fmt)
    assert not list(tmp_path.iterdir())


def test_at_the_ora_limit_it_writes(tmp_path):
    z, size, layers, _, _ = read_ora(save_layered(fake_result(ORA_MAX_SIDE, 1), tmp_path / "wide.ora").read_bytes())
    assert size == (ORA_MAX_SIDE, 1)


def test_bad_suffix_and_folder(result, tmp_path):
    with pytest.raises(ColorizerError, match=r"\.psd.*\.ora"):
        save_layered(result, tmp_path / "page.png")
    with pytest.raises(ColorizerError, match=r"\.psd"):
        save_layered(result, tmp_path / "page")
    with pytest.raises(ColorizerError, match="does not exist"):
        save_layered(result, tmp_path / "missing" / "page.psd")
    with pytest.raises(ColorizerError, match="unknown layered format"):
        layered_bytes(result, "tiff")


def test_not_a_result_and_inconsistent_results(result):
    with pytest.raises(ColorizerError, match="not a colouring result"):
        layered_bytes(object(), "psd")
    bad = ColorizeResult(image=result.image, color=result.color.resize((10, 10)), lines=result.lines,
                         palette=result.palette, seed=0)
    with pytest.raises(ColorizerError, match="disagree in size"):
        layered_bytes(bad, "ora")
    bad = ColorizeResult(image=result.image, color=result.color, lines=result.lines, palette=result.palette,
                         seed=0, slots=result.slots[:10], base=result.base, shadow=result.shadow)
    with pytest.raises(ColorizerError, match="slot map"):
        layered_bytes(bad, "psd")


def test_an_existing_file_is_replaced_whole(result, tmp_path):
    p = tmp_path / "page.ora"
    p.write_bytes(b"old" * 100000)
    save_layered(result, p)
    assert zipfile.is_zipfile(p)
    assert [f.name for f in tmp_path.iterdir()] == ["page.ora"]


# -- the CLI --------------------------------------------------------------------------------------
def run_cli(argv, monkeypatch):
    from colorizer.__main__ import main

    monkeypatch.setenv("COLORIZER_BACKEND", "torch")
    return main(argv + ["--random-weights", "default", "--size", "64"])


@pytest.mark.parametrize("suffix", ["psd", "ora"])
def test_cli_writes_a_layered_file_by_suffix(suffix, tmp_path, monkeypatch, capsys):
    out = tmp_path / f"page.{suffix}"
    assert run_cli([str(SKETCH), "-o", str(out)], monkeypatch) == 0
    assert f"wrote 1 image(s) to {out}" in capsys.readouterr().out
    want = Colorizer.from_random(preset("default"), backend="torch")(SKETCH, size=64)
    if suffix == "psd":
        psd, layers = read_psd(out.read_bytes())
        size = psd.size
        assert_close(psd.topil().convert("RGB"), want.image, tol=0)
    else:
        _, size, layers, merged, _ = read_ora(out.read_bytes())
        assert_close(merged.convert("RGB"), want.image, tol=0)
    assert [la["name"] for la in layers] == expected_names(want)
    assert_close(composite(flat(layers), size), want.image)


def test_cli_folder_format_and_errors(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    Image.open(SKETCH).save(folder / "a.png")
    Image.open(SKETCH).resize((200, 160)).save(folder / "b.png")
    out = tmp_path / "out"
    assert run_cli([str(folder), "-o", str(out), "--format", "ora"], monkeypatch) == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.ora", "b.ora"]
    assert read_ora((out / "b.ora").read_bytes())[1] == (200, 160)
    assert run_cli([str(SKETCH), "-o", str(tmp_path / "x.psd"), "--format", "ora"], monkeypatch) == 2
    assert "disagrees" in capsys.readouterr().err
    assert not (tmp_path / "x.psd").exists()
