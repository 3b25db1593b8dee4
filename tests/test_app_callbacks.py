"""The app's callbacks, called in-process as methods of ColorizerApp (no server).

``app``: tiny weights without a role head (like today's shipped weights: no pins);
``sem``: tiny semantic weights (role head and hint planes: labelled slots, pins).
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

gr = pytest.importorskip("gradio")

from colorizer import Colorizer, preset  # noqa: E402
from colorizer.character import load_character  # noqa: E402
from colorizer.options import ColorizeOptions  # noqa: E402
from colorizer.palette import Palette  # noqa: E402
from colorizer.roles import DEFAULT_SLOT_COLORS, SLOT_LABELS  # noqa: E402
from webapp import load_model  # noqa: E402
from webapp.pins import Pins  # noqa: E402
from webapp.project import Project  # noqa: E402
from webapp.swatches import PALETTE_PRESETS, Swatches  # noqa: E402
from webapp.ui import SETTINGS, ColorizerApp  # noqa: E402

DEFAULT = list(PALETTE_PRESETS["Default"])
NO_LOCKS = [False] * 9
INSIDE = (40, 32)     # inside the ellipse of _sketch
ON_LINE = (40, 9)     # on its outline


@pytest.fixture(autouse=True)
def _quiet_gr_warnings():
    # gr.Warning outside a running app is a UserWarning; the tests read the info texts instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def settings(**changes) -> list:
    """SETTINGS values for the callbacks: the defaults at 64 px, with ``changes``."""
    d = dict(ColorizeOptions(size=64).to_dict(), **changes)
    return [d[name] for name in SETTINGS]


def colors(out) -> list[str]:
    """The picker values of a palette callback's outputs (pickers, hex boxes, state, text)."""
    return [u["value"] for u in out[:9]]


def labels(out) -> list[str]:
    return [u["label"] for u in out[:9]]


def click(x, y) -> gr.SelectData:
    return gr.SelectData(None, {"index": [x, y], "value": None})


@pytest.fixture(scope="module")
def app():
    return ColorizerApp(Colorizer.from_random(preset("tiny"), device="cpu"))


@pytest.fixture(scope="module")
def sem():
    return ColorizerApp(Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu"))


class _Progress:
    def tqdm(self, it, desc=None):
        return it


def _sketch(path: Path) -> str:
    im = Image.new("RGB", (80, 64), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 70, 56), outline="black", width=3)
    im.save(path)
    return str(path)


def _pad(path: Path) -> dict:
    return {"background": None, "layers": [], "composite": Image.open(_sketch(path)).convert("RGBA")}


def test_every_event_runs_a_method_of_the_app(app):
    demo = ColorizerApp(app.model, debug=True).build()
    owners = set()
    for block_fn in demo.fns.values():
        if block_fn.fn is not None and not block_fn.fn.__qualname__.startswith("Examples."):  # gr.Examples' own
            owners.add(type(getattr(block_fn.fn, "__self__", None)).__name__)
    assert owners == {"ColorizerApp"}
    assert {"/colorize", "/extract_palette"} <= set(demo.get_api_info()["named_endpoints"])


def test_swatches_are_labelled_by_slot(sem, app):
    for a in (sem, app):  # old weights: the labels still follow the slots
        a.build()
        assert [s.label for s in a.ui.swatches] == list(SLOT_LABELS)
        assert a.ui.swatches[2].label == "Hair"
        assert [h.value for h in a.ui.hexes] == [s.value for s in a.ui.swatches]


def test_reference_fills_slots_and_marks_defaults(sem, tmp_path):
    ref = Image.new("RGB", (90, 60))
    d = ImageDraw.Draw(ref)
    for i, c in enumerate(PALETTE_PRESETS["Cyber"]):
        d.rectangle(((i % 3) * 30, (i // 3) * 20, (i % 3) * 30 + 29, (i // 3) * 20 + 19), fill=c)
    ref.save(tmp_path / "ref.png")
    pal = sem.model.extract_palette(str(tmp_path / "ref.png"))  # the one extraction path
    out = sem.reference_changed(str(tmp_path / "ref.png"), *DEFAULT, *NO_LOCKS, Swatches(tuple(DEFAULT)))
    assert colors(out) == pal.to_hex() and out[9:18] == pal.to_hex() and out[19] == ",".join(pal.to_hex())
    assert pal.defaults is not None
    for i, lab in enumerate(labels(out)):
        assert lab == SLOT_LABELS[i] + (" · default" if pal.defaults[i] else "")
    state = out[18]
    assert isinstance(state, Swatches) and state.defaults == tuple(bool(x) for x in pal.defaults)


def test_default_marks_follow_palettes_and_edits(sem):
    marks = np.array([False, False, True] + [False] * 6)
    pal = Palette.from_hex(DEFAULT, 9)
    pal = Palette(pal.colors, pal.shares, defaults=marks)
    sw = Swatches(tuple(PALETTE_PRESETS["Ocean"])).receive(pal)
    assert sw.labels[2] == "Hair · default" and sw.labels[1] == "Skin"
    # a locked swatch keeps its colour and its mark
    locked = Swatches(tuple(PALETTE_PRESETS["Ocean"]), (False, False, True) + (False,) * 6).receive(pal)
    assert locked.colors[2] == PALETTE_PRESETS["Ocean"][2] and locked.labels[2] == "Hair"
    # editing the default swatch: no longer a default (picker or hex box)
    edited = list(sw.colors)
    edited[2] = "#ff0000"
    out = sem.swatches_changed(*edited, sw)
    assert labels(out)[2] == "Hair" and out[18].defaults[2] is False and out[9 + 2] == "#ff0000"
    same = sem.swatches_changed(*sw.colors, sw)  # a picker set by a callback: the mark stays
    assert labels(same)[2] == "Hair · default"
    hexes = list(sw.colors)
    hexes[2] = "#00FF00"
    out = sem.hexes_submitted(*hexes, sw)
    assert colors(out)[2] == "#00ff00" and labels(out)[2] == "Hair"


def test_reference_respects_locks(app, tmp_path):
    Image.new("RGB", (30, 30), "#ff0000").save(tmp_path / "ref.png")
    locks = [i == 0 for i in range(9)]
    out = app.reference_changed(str(tmp_path / "ref.png"), *DEFAULT, *locks, None)
    assert colors(out)[0] == DEFAULT[0] and all(c == "#ff0000" for c in colors(out)[1:9])
    assert out[19].split(",") == colors(out)
    # no reference (cleared): nothing changes
    assert len(app.reference_changed(None, *DEFAULT, *locks, None)) == 20


def test_presets_and_hex_text(app):
    out = app.preset_chosen("Ocean", *DEFAULT, *NO_LOCKS, None)
    assert colors(out) == list(PALETTE_PRESETS["Ocean"])
    out = app.preset_chosen("Ocean", *DEFAULT, *([True] + [False] * 8), None)
    assert colors(out)[0] == DEFAULT[0] and colors(out)[1:9] == list(PALETTE_PRESETS["Ocean"][1:])
    with pytest.raises(gr.Error, match="unknown preset"):
        app.preset_chosen("Nope", *DEFAULT, *NO_LOCKS, None)
    out = app.hex_submitted("#FFF," * 8 + "#000")
    assert colors(out) == ["#ffffff"] * 8 + ["#000000"] and out[19] == ",".join(colors(out))
    # like the library and the API, a short palette repeats
    assert colors(app.hex_submitted("#fff,#000"))[:3] == ["#ffffff", "#000000", "#ffffff"]
    with pytest.raises(gr.Error, match="not a colour|colour"):
        app.hex_submitted("#12345g")
    assert app.swatches_changed(*(["rgba(255, 0, 0, 1)"] + DEFAULT[1:]), None)[19].split(",")[0] == "#ff0000"
    # a bad hex box is put back, the others are taken
    out = app.hexes_submitted(*(["#12345g", "#00f"] + DEFAULT[2:]), Swatches(tuple(DEFAULT)))
    assert colors(out)[:2] == [DEFAULT[0], "#0000ff"]


# -- character palettes ------------------------------------------------------------------

def test_character_save_load(sem):
    marks = (False,) * 2 + (True,) + (False,) * 6
    state = Swatches(tuple(PALETTE_PRESETS["Cyber"]), (), marks)
    f = sem.save_character("Sakura Haruno", *PALETTE_PRESETS["Cyber"], state)
    path = f.value["path"] if isinstance(f.value, dict) else f.value
    assert Path(path).name == "Sakura_Haruno.json"
    name, pal = load_character(path)  # the library reads it
    assert name == "Sakura Haruno" and pal.defaults.tolist() == list(marks)
    doc = json.loads(Path(path).read_text())
    assert "hair" not in doc["colors"] and doc["colors"]["skin"] == PALETTE_PRESETS["Cyber"][1]
    out = sem.load_character(path, *DEFAULT, *NO_LOCKS, None)
    expected = list(PALETTE_PRESETS["Cyber"])
    expected[2] = DEFAULT_SLOT_COLORS[2]  # left out: the slot's default, marked
    assert colors(out) == expected and labels(out)[2] == "Hair · default" and out[-1] == "Sakura Haruno"
    locked = sem.load_character(path, *DEFAULT, *([False] * 8 + [True]), None)
    assert colors(locked)[8] == DEFAULT[8]
    # an app palette file of the old kind still loads
    old = Path(path).with_name("old.json")
    old.write_text(json.dumps({"format": "anime-sketch-colorizer-palette", "colors": list(PALETTE_PRESETS["Ocean"])}))
    assert colors(sem.load_character(str(old), *DEFAULT, *NO_LOCKS, None)) == list(PALETTE_PRESETS["Ocean"])
    with pytest.raises(gr.Error, match="choose a character"):
        sem.load_character(None, *DEFAULT, *NO_LOCKS, None)


@pytest.mark.parametrize("text, match", [
    ("{not json", "not valid JSON"),
    ('{"format": "something"}', "not a character palette"),
    ('{"format": "anime-colorizer-character", "version": 1, "name": "A", "colors": {"hair": "red"}}', "hair.*not a hex"),
    ('{"format": "anime-colorizer-character", "version": 1, "name": "A", "colors": {"tail": "#fff"}}', "tail"),
    ('{"format": "anime-colorizer-character", "version": 1, "colors": {"hair": "#fff"}}', "no \"name\""),
])
def test_malformed_character_files(sem, tmp_path, text, match):
    f = tmp_path / "bad.json"
    f.write_text(text)
    with pytest.raises(gr.Error, match=match) as e:
        sem.load_character(str(f), *DEFAULT, *NO_LOCKS, None)
    assert "bad.json" in str(e.value)
    with pytest.raises(gr.Error, match=match):
        sem.batch([_sketch(tmp_path / "s.png")], str(f), *DEFAULT, *settings(), progress=_Progress())


# -- pins --------------------------------------------------------------------------------

def test_pins_add_remove_undo_clear(sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    shown = Image.new("RGB", (80, 64))            # the result: the sketch's size
    pins, rows, choice, info = sem.add_pin(Pins(), 2, "draw", pad, None, shown, click(*INSIDE))
    assert pins.points == ((40, 32, 2),) and rows == [[1, "Hair", 40, 32]] and "1 pin" in info
    assert choice["choices"] == [("1 · Hair at (40, 32)", 0)]
    # the preview is smaller: its clicks are scaled to the sketch
    preview = Image.new("RGB", (40, 32))
    pins = sem.add_pin(pins, 1, "draw", pad, None, preview, click(10, 16))[0]
    assert pins.points[-1] == (20, 32, 1)
    pins = sem.add_pin(pins, 4, "draw", pad, None, shown, click(60, 32))[0]
    assert [p[2] for p in pins.points] == [2, 1, 4]
    removed = sem.remove_pin(pins, 1)
    assert removed[0].points == ((40, 32, 2), (60, 32, 4)) and [r[1] for r in removed[1]] == ["Hair", "Top"]
    undone = sem.undo_pin(removed[0])[0]
    assert undone.points == pins.points
    cleared = sem.clear_pins(undone)[0]
    assert len(cleared) == 0 and sem.undo_pin(cleared)[0].points == pins.points
    assert "nothing to undo" in sem.undo_pin(Pins())[3]
    assert "choose the pin" in sem.remove_pin(pins, None)[3]
    assert "no pin 9" in sem.remove_pin(pins, 8)[3]


@pytest.mark.parametrize("where, shown, message", [
    (ON_LINE, (80, 64), "on a line"),
    ((200, 10), (80, 64), "outside"),
    (INSIDE, None, "colour the sketch first"),
])
def test_bad_pins_say_why(sem, tmp_path, where, shown, message):
    pad = _pad(tmp_path / "s.png")
    before = Pins.of([[20, 30, 1]])
    img = Image.new("RGB", shown) if shown else None
    pins, _, _, info = sem.add_pin(before, 2, "draw", pad, None, img, click(*where))
    assert pins == before and message in info


def test_pins_need_a_sketch_and_a_role_head(sem, app, tmp_path):
    info = sem.add_pin(Pins(), 2, "draw", {"background": None, "layers": [], "composite": None}, None,
                       Image.new("RGB", (80, 64)), click(*INSIDE))[3]
    assert "no sketch" in info
    # old weights (no role head): no pins, and the panel says so
    pins, _, _, info = app.add_pin(Pins(), 2, "draw", _pad(tmp_path / "s.png"), None, Image.new("RGB", (80, 64)),
                                   click(*INSIDE))
    assert len(pins) == 0 and "no role head" in info
    assert "no role head" in app.pin_message(Pins())
    with pytest.raises(gr.Error, match="no role head"):
        app.colorize("draw", _pad(tmp_path / "s.png"), None, *DEFAULT, *settings(), Pins.of([list(INSIDE) + [2]]))


def test_a_pin_colours_its_region(sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    pal = list(PALETTE_PRESETS["Cyber"])
    plain = sem.colorize("draw", pad, None, *pal, *settings(cel_shading=False), Pins())[0]
    slots = sem.last_result.slots
    target = next(s for s in range(9) if s != slots[INSIDE[1], INSIDE[0]])
    pins = sem.add_pin(Pins(), target, "draw", pad, None, plain, click(*INSIDE))[0]
    pinned = sem.colorize("draw", pad, None, *pal, *settings(cel_shading=False), pins)[0]
    assert sem.last_result.slots[INSIDE[1], INSIDE[0]] == target
    rgb = np.asarray(pinned)[INSIDE[1], INSIDE[0]]
    assert "#%02x%02x%02x" % tuple(rgb) == pal[target]
    assert np.asarray(pinned).tobytes() != np.asarray(plain).tobytes()
    # a pin outside the sketch (a smaller picture was loaded since): a clear error
    with pytest.raises(gr.Error, match="pin 1 .* outside"):
        sem.colorize("draw", pad, None, *pal, *settings(), Pins.of([[500, 10, 2]]))


def test_preview_honours_pins_and_shows_markers(sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    plain = sem.preview("draw", pad, None, *DEFAULT, *settings(), Pins())
    marked = sem.preview("draw", pad, None, *DEFAULT, *settings(), Pins.of([list(INSIDE) + [3]]))
    assert plain.size == marked.size == (80, 64)
    a, b = np.asarray(plain, int), np.asarray(marked, int)
    assert np.abs(a - b).max(axis=-1)[INSIDE[1] - 3:INSIDE[1] + 4, INSIDE[0] - 3:INSIDE[0] + 4].max() > 0
    # a pin outside the sketch is left out of the preview (colour still shown)
    assert sem.preview("draw", pad, None, *DEFAULT, *settings(), Pins.of([[500, 10, 2]])) is not None


def test_new_upload_clears_pins_with_undo(sem, tmp_path):
    pins = Pins.of([[10, 10, 2]])
    out = sem.upload_changed(_sketch(tmp_path / "u.png"), pins)
    assert out[0] == "upload" and len(out[2]) == 0 and "cleared" in out[5]
    assert sem.undo_pin(out[2])[0].points == pins.points


# -- colouring, projects, batch ----------------------------------------------------------

def test_colorize_project_round_trip_with_pins(sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    pal = list(PALETTE_PRESETS["Autumn"])
    values = settings(seed=5, noise_strength=0.7)
    pins = Pins.of([list(INSIDE) + [2], [60, 32, 6]])
    img, color, lines, files, status = sem.colorize("draw", pad, None, *pal, *values, pins)
    assert "Done" in status and "2 pins" in status and img.size == (80, 64) and color.size == lines.size == (80, 64)
    names = {Path(f).name for f in files}
    assert names == {"colorized.psd", "colorized.ora", "colorized_layers.zip", "colorized_project.json"}
    proj = [f for f in files if f.endswith(".json")][0]
    p = Project.from_json(proj)
    assert p.options == sem.options_from(values) and p.hints == [[40, 32, 2], [60, 32, 6]]
    out = sem.load_project(proj, Pins.of([[1, 1, 1]]))
    n = 20 + len(SETTINGS)
    assert colors(out) == pal and out[20:n] == values and "seed 5" in out[-1] and "2 pins" in out[-1]
    loaded = out[n]
    assert loaded.points == pins.points and out[n + 1] == [[1, "Hair", 40, 32], [2, "Outer / other", 60, 32]]
    assert sem.undo_pin(loaded)[0].points == ((1, 1, 1),)  # loading can be undone
    again = sem.colorize("draw", pad, None, *colors(out), *out[20:n], loaded)[0]
    assert again.tobytes() == img.tobytes()
    # the PSD holds the role layers
    from psd_tools import PSDImage

    psd = PSDImage.open([f for f in files if f.endswith(".psd")][0])
    assert {"Lines", "Shading"} <= {layer.name for layer in psd}


def test_old_weights_project_drops_pins(app, sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    files = sem.colorize("draw", pad, None, *DEFAULT, *settings(), Pins.of([list(INSIDE) + [2]]))[3]
    out = app.load_project([f for f in files if f.endswith(".json")][0])
    n = 20 + len(SETTINGS)
    assert len(out[n]) == 0 and "left out" in out[n + 3]
    # old weights: the downloads are there too (no role layers)
    files = app.colorize("draw", pad, None, *DEFAULT, *settings(flat=False), Pins())[3]
    assert {Path(f).suffix for f in files} == {".psd", ".ora", ".zip", ".json"}


def test_upload_tab_and_noise_off(app, tmp_path):
    path = _sketch(tmp_path / "u.png")
    img, *_, status = app.colorize("upload", None, path, *DEFAULT, *settings(noise_strength=0.0), Pins())
    assert img.size == (80, 64) and "Done" in status
    assert app.options_from(settings(noise_strength=0.0)).noise == "none"
    assert app.upload_changed(path)[0] == "upload"


def test_empty_canvas_and_missing_upload_errors(app):
    with pytest.raises(gr.Error, match="empty"):
        app.colorize("draw", {"background": None, "layers": [], "composite": None}, None, *DEFAULT, *settings())
    with pytest.raises(gr.Error, match="upload"):
        app.colorize("upload", None, None, *DEFAULT, *settings())
    # the preview stays quiet on an empty canvas
    assert app.preview("draw", None, None, *DEFAULT, *settings()) is None


def test_preview_is_small(app, tmp_path):
    big = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(big).ellipse((50, 50, 550, 350), outline="black", width=6)
    pad = {"background": None, "layers": [], "composite": big}
    seen = []
    real = app.run
    app.run = lambda sketch, swatches, options, pins=(): seen.append(options) or real(sketch, swatches, options, pins)
    try:
        img = app.preview("draw", pad, None, *DEFAULT, *settings())
        app.colorize("draw", pad, None, *DEFAULT, *settings())
    finally:
        app.run = real
    assert max(img.size) == 256
    # the preview runs the 8-bit graph, the Colour button's result stays float32
    assert [o.precision for o in seen] == ["int8", "fp32"]


def test_batch(app, sem, tmp_path):
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(3)]
    (tmp_path / "bad.png").write_bytes(b"nope")
    zpath, gallery, msg = app.batch(files + [str(tmp_path / "bad.png")], None, *PALETTE_PRESETS["Forest"],
                                    *settings(seed=1), progress=_Progress())
    assert len(gallery) == 3 and "Skipped" in msg and "bad.png" in msg
    with zipfile.ZipFile(zpath) as z:
        assert len([n for n in z.namelist() if n.endswith(".png")]) == 3
        proj = json.loads(z.read("project.json"))
        assert proj["palette"] == list(PALETTE_PRESETS["Forest"]) and proj["options"]["seed"] == 1
    with pytest.raises(gr.Error, match="at most"):
        app.batch(files * 11, None, *DEFAULT, *settings(), progress=_Progress())


def test_batch_with_a_character_file(sem, tmp_path):
    f = tmp_path / "rin.json"
    f.write_text(json.dumps({"format": "anime-colorizer-character", "version": 1, "name": "Rin",
                             "colors": {"hair": "#20b2aa", "skin": "#ffe0cc", "background": "#ffffff"}}))
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(2)]
    zpath, gallery, msg = sem.batch(files, str(f), *DEFAULT, *settings(seed=2), progress=_Progress())
    assert len(gallery) == 2 and "Rin" in msg
    with zipfile.ZipFile(zpath) as z:
        proj = json.loads(z.read("project.json"))
        assert proj["palette"][:3] == ["#ffffff", "#ffe0cc", "#20b2aa"]
        assert proj["palette"][3] == DEFAULT_SLOT_COLORS[3]
        assert json.loads(z.read("character.json"))["name"] == "Rin"
    # each picture is the single colouring with that palette
    single = sem.model(files[0], palette=proj["palette"], options=sem.options_from(settings(seed=2)))
    with Image.open(gallery[0][0]) as im:
        assert im.tobytes() == single.image.tobytes()


# -- the API ---------------------------------------------------------------------------

def test_api_hints(sem, app, tmp_path):
    sk = _sketch(tmp_path / "s.png")
    pal = ",".join(PALETTE_PRESETS["Cyber"])
    img, _, _ = sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, False, json.dumps([[*INSIDE, 5]]))
    assert "#%02x%02x%02x" % tuple(np.asarray(img)[INSIDE[1], INSIDE[0]]) == PALETTE_PRESETS["Cyber"][5]
    by_name, _, _ = sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, False, '[[40, 32, "bottom"]]')
    assert by_name.tobytes() == img.tobytes()
    # without hints (older calls): the same as an empty list
    a = sem.api_colorize(sk, None, pal, 0, 64)[0]
    assert a.tobytes() == sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, "[]")[0].tobytes()
    for bad, match in [("[[1, 2]", "JSON list"), ('[[1, 2, 12]]', "out of range"), ('[[900, 2, 1]]', "outside"),
                       ('{"x": 1}', "list of"), ('[[1, 2, "tail"]]', "unknown slot")]:
        with pytest.raises(gr.Error, match=match):
            sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, bad)
    with pytest.raises(gr.Error, match="no role head"):
        app.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, "[[40, 32, 2]]")


def test_without_weights_the_app_explains(tmp_path):
    model, message = load_model(str(tmp_path / "missing"), None)
    assert model is None and "--random-weights" in message
    app = ColorizerApp(None, message)
    with pytest.raises(gr.Error, match="random-weights"):
        app.api_colorize(_sketch(tmp_path / "s.png"), None, "", 0, 256, 1.0, False)
    with pytest.raises(gr.Error, match="random-weights"):
        app.colorize("draw", _pad(tmp_path / "p.png"), None, *DEFAULT, *settings())
    assert app.preview("draw", _pad(tmp_path / "p.png"), None, *DEFAULT, *settings()) is None
    # the palette still works without weights
    Image.new("RGB", (20, 20), "#123456").save(tmp_path / "r.png")
    assert app.api_extract_palette(str(tmp_path / "r.png")).split(",")[0] == "#123456"
    assert colors(app.reference_changed(str(tmp_path / "r.png"), *DEFAULT, *NO_LOCKS, None))[1] == "#123456"
    assert "no weights" in app.add_pin(Pins(), 2, "draw", _pad(tmp_path / "p.png"), None,
                                       Image.new("RGB", (80, 64)), click(*INSIDE))[3].lower()
    ColorizerApp(None, message).build()  # the page still builds, with the warning


def test_weights_folder_is_loaded(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "weights")
    model, message = load_model(str(folder), None)
    assert message is None and model is not None
    app = ColorizerApp(model)
    assert app.weights_id.startswith("weights@")
    img, pal, seed = app.api_colorize(_sketch(tmp_path / "s.png"), None, "#ff0000,#00ff00", 3, 128, 1.0, True)
    assert img.size == (80, 64) and pal.split(",")[:2] == ["#ff0000", "#00ff00"] and seed == 3
    # the API's own defaults: only the sketch is needed
    img, pal, seed = app.api_colorize(_sketch(tmp_path / "s.png"))
    assert pal == ",".join(DEFAULT) and seed == ColorizeOptions().seed
    with pytest.raises(gr.Error, match="not both"):
        app.api_colorize(_sketch(tmp_path / "s.png"), _sketch(tmp_path / "r.png"), "#fff")
