"""The app's callbacks, called in-process as methods of ColorizerApp (no server).

Callbacks take a dict of input values keyed by component and return one keyed by component;
:func:`inputs` makes the first from named values. ``app``: tiny weights without a role head
(no pins); ``sem``: tiny semantic weights (role head and hint planes: labelled slots, pins).
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
from webapp.callbacks import nothing_changed  # noqa: E402
from webapp.pins import Pins  # noqa: E402
from webapp.project import Project  # noqa: E402
from webapp.state import Shown, options_from  # noqa: E402
from webapp.swatches import PALETTE_PRESETS, Swatches  # noqa: E402
from webapp.ui import SETTINGS, ColorizerApp  # noqa: E402

DEFAULT = PALETTE_PRESETS["Default"].to_hex()
INSIDE = (40, 32)     # inside the ellipse of _sketch
ON_LINE = (40, 9)     # on its outline


@pytest.fixture(autouse=True)
def _quiet_gr_warnings():
    # gr.Warning outside a running app is a UserWarning; the tests read the info texts instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def settings(**changes) -> dict:
    """SETTINGS values by name: the defaults at 64 px, with ``changes``."""
    d = dict(ColorizeOptions(size=64).to_dict(), **changes)
    return {name: d[name] for name in SETTINGS}


def swatches(colors=DEFAULT, locks=()) -> Swatches:
    return Swatches(Palette.from_hex(list(colors)), tuple(locks))


def inputs(a: ColorizerApp, pad=None, upload=None, tab="draw", sw=None, locks=None, opts=None, pins=None,
           **named) -> dict:
    """A callback's input dict: the sketch through the app's own readers, the swatches, lock boxes,
    settings and pins, and any other component by its name in ``a.ui``."""
    ui = a.ui
    d = {ui.tab_state: tab, ui.palette_state: sw if sw is not None else swatches(), ui.pins_state: pins or Pins()}
    d.update(a.sketch_drawn({ui.pad: pad}) if pad is not None else {ui.drawn: a.ui.drawn.value})
    d.update(a.sketch_uploaded({ui.upload: upload, ui.pins_state: Pins()}) if upload is not None
             else {ui.uploaded: a.ui.uploaded.value})
    d[ui.tab_state] = tab
    d.update(zip(ui.locks, locks or [False] * 9))
    d.update({comp: (opts or settings())[name] for name, comp in ui.settings.items()})
    d.update({getattr(ui, name): value for name, value in named.items()})
    return d


def colors(a, out) -> list[str]:
    """The picker values of a palette callback's outputs."""
    return [out[p]["value"] for p in a.ui.swatches]


def labels(a, out) -> list[str]:
    return [out[p]["label"] for p in a.ui.swatches]


def click(x, y) -> gr.SelectData:
    return gr.SelectData(None, {"index": [x, y], "value": None})


def _built(model) -> ColorizerApp:
    a = ColorizerApp(model, debug=True)
    a.build()
    return a


@pytest.fixture(scope="module")
def app():
    return _built(Colorizer.from_random(preset("tiny"), device="cpu"))


@pytest.fixture(scope="module")
def sem():
    return _built(Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu"))


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


def _colorize(a, d) -> dict:
    """Colorize as the page does: the result, then its layers and downloads."""
    out = a.colorize(d)
    out.update(a.downloads({a.ui.result_state: out[a.ui.result_state]}))
    return out


def test_every_event_runs_a_method_of_the_app(app):
    demo = app.demo
    owners = set()
    for block_fn in demo.fns.values():
        if block_fn.fn is not None and not block_fn.fn.__qualname__.startswith("Examples."):  # gr.Examples' own
            owners.add(type(getattr(block_fn.fn, "__self__", None)).__name__)
    assert owners == {"ColorizerApp"}
    assert {"/colorize", "/extract_palette"} <= set(demo.get_api_info()["named_endpoints"])


def test_swatches_are_labelled_by_slot(sem, app):
    for a in (sem, app):  # old weights: the labels still follow the slots
        assert [s.label for s in a.ui.swatches] == list(SLOT_LABELS)
        assert a.ui.swatches[2].label == "Hair"
        assert [h.value for h in a.ui.hexes] == [s.value for s in a.ui.swatches]
    assert sem.takes_pins and not app.takes_pins


def test_reference_fills_slots_and_marks_defaults(sem, tmp_path):
    ref = Image.new("RGB", (90, 60))
    d = ImageDraw.Draw(ref)
    for i, c in enumerate(PALETTE_PRESETS["Cyber"].to_hex()):
        d.rectangle(((i % 3) * 30, (i // 3) * 20, (i % 3) * 30 + 29, (i // 3) * 20 + 19), fill=c)
    ref.save(tmp_path / "ref.png")
    pal = sem.model.extract_palette(str(tmp_path / "ref.png"))  # the one extraction path
    # the reference arrives raw ({"path": ...}, as Gradio sends it without preprocessing)
    out = sem.reference_changed(inputs(sem, reference={"path": str(tmp_path / "ref.png")}))
    ui = sem.ui
    assert colors(sem, out) == pal.to_hex() == [out[h] for h in ui.hexes] and out[ui.hex_text] == ",".join(pal.to_hex())
    assert pal.defaults is not None
    for i, lab in enumerate(labels(sem, out)):
        assert lab == SLOT_LABELS[i] + (" · default" if pal.defaults[i] else "")
    state = out[ui.palette_state]
    assert isinstance(state, Swatches) and state.defaults == tuple(bool(x) for x in pal.defaults)


def test_default_marks_follow_palettes_and_edits(sem):
    ui = sem.ui
    marks = np.array([False, False, True] + [False] * 6)
    pal = Palette.from_hex(DEFAULT, 9)
    pal = Palette(pal.colors, pal.shares, defaults=marks)
    ocean = PALETTE_PRESETS["Ocean"]
    sw = Swatches(ocean).receive(pal)
    assert sw.labels[2] == "Hair · default" and sw.labels[1] == "Skin"
    # a locked swatch keeps its colour and its mark
    locked = Swatches(ocean, (False, False, True) + (False,) * 6).receive(pal)
    assert locked.hex()[2] == ocean.to_hex()[2] and locked.labels[2] == "Hair"
    # editing the default swatch: no longer a default (picker or hex box)
    edited = sw.hex()
    edited[2] = "#ff0000"
    out = sem.swatches_changed(inputs(sem, sw=sw) | dict(zip(ui.swatches, edited)))
    assert labels(sem, out)[2] == "Hair" and out[ui.palette_state].defaults[2] is False and out[ui.hexes[2]] == "#ff0000"
    assert "value" not in out[ui.swatches[2]]  # labels only: no new change event
    same = sem.swatches_changed(inputs(sem, sw=sw) | dict(zip(ui.swatches, sw.hex())))
    assert labels(sem, same)[2] == "Hair · default"  # a picker set by a callback: the mark stays
    hexes = sw.hex()
    hexes[2] = "#00FF00"
    out = sem.hexes_submitted(inputs(sem, sw=sw) | dict(zip(ui.hexes, hexes)))
    assert colors(sem, out)[2] == "#00ff00" and labels(sem, out)[2] == "Hair"


def test_reference_respects_locks(app, tmp_path):
    Image.new("RGB", (30, 30), "#ff0000").save(tmp_path / "ref.png")
    locks = [i == 0 for i in range(9)]
    out = app.reference_changed(inputs(app, locks=locks, reference=str(tmp_path / "ref.png")))
    assert colors(app, out)[0] == DEFAULT[0] and all(c == "#ff0000" for c in colors(app, out)[1:9])
    assert out[app.ui.hex_text].split(",") == colors(app, out)
    # no reference (cleared): nothing changes
    assert nothing_changed(app.reference_changed(inputs(app, locks=locks, reference=None)))


@pytest.mark.parametrize("name, data", [("page.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
                                        ("page.html", b"<html><body>hi</body></html>")])
def test_a_reference_that_is_no_picture_says_so(app, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(gr.Error, match="not a picture"):
        app.reference_changed(inputs(app, reference={"path": str(tmp_path / name)}))


def test_a_reference_bomb_is_refused_before_decoding(app, tmp_path):
    Image.new("1", (9000, 9000), 1).save(tmp_path / "bomb.png")  # a small file of 81 megapixels
    with pytest.raises(gr.Error, match="9000x9000 pixels"):
        app.reference_changed(inputs(app, reference={"path": str(tmp_path / "bomb.png")}))


def test_presets_and_hex_text(app):
    ui = app.ui
    ocean = PALETTE_PRESETS["Ocean"].to_hex()
    out = app.preset_chosen(inputs(app, preset="Ocean"))
    assert colors(app, out) == ocean
    out = app.preset_chosen(inputs(app, preset="Ocean", locks=[True] + [False] * 8))
    assert colors(app, out)[0] == DEFAULT[0] and colors(app, out)[1:9] == ocean[1:]
    with pytest.raises(gr.Error, match="unknown preset"):
        app.preset_chosen(inputs(app, preset="Nope"))
    # the list opened and closed without a choice: nothing happens, no error
    assert nothing_changed(app.preset_chosen(inputs(app, preset=None)))
    out = app.hex_submitted(inputs(app, hex_text="#FFF," * 8 + "#000"))
    assert colors(app, out) == ["#ffffff"] * 8 + ["#000000"] and out[ui.hex_text] == ",".join(colors(app, out))
    # like the library and the API, a short palette takes the slots' defaults
    assert colors(app, app.hex_submitted(inputs(app, hex_text="#fff,#000"))) == ["#ffffff", "#000000", *DEFAULT[2:]]
    with pytest.raises(gr.Error, match="not a colour|colour"):
        app.hex_submitted(inputs(app, hex_text="#12345g"))
    picked = app.swatches_changed(inputs(app) | dict(zip(ui.swatches, ["rgba(255, 0, 0, 1)"] + DEFAULT[1:])))
    assert picked[ui.hex_text].split(",")[0] == "#ff0000"
    # a bad hex box is put back, the others are taken
    out = app.hexes_submitted(inputs(app) | dict(zip(ui.hexes, ["#12345g", "#00f"] + DEFAULT[2:])))
    assert colors(app, out)[:2] == [DEFAULT[0], "#0000ff"]


# -- character palettes ------------------------------------------------------------------

def test_character_save_load(sem):
    ui = sem.ui
    marks = (False,) * 2 + (True,) + (False,) * 6
    cyber = PALETTE_PRESETS["Cyber"]
    state = Swatches(Palette(cyber.colors, cyber.shares, np.array(marks)))
    f = sem.save_character(inputs(sem, sw=state, character_name="Sakura Haruno"))[ui.character_file]
    path = f.value["path"] if isinstance(f.value, dict) else f.value
    assert Path(path).name == "Sakura_Haruno.json"
    name, pal = load_character(path)  # the library reads it
    assert name == "Sakura Haruno" and pal.defaults.tolist() == list(marks)
    doc = json.loads(Path(path).read_text())
    assert "hair" not in doc["colors"] and doc["colors"]["skin"] == cyber.to_hex()[1]
    out = sem.load_character(inputs(sem, load_character=path))
    expected = cyber.to_hex()
    expected[2] = DEFAULT_SLOT_COLORS[2]  # left out: the slot's default, marked
    assert colors(sem, out) == expected and labels(sem, out)[2] == "Hair · default"
    assert out[ui.character_name] == "Sakura Haruno"
    locked = sem.load_character(inputs(sem, load_character=path, locks=[False] * 8 + [True]))
    assert colors(sem, locked)[8] == DEFAULT[8]
    # an app palette file of the old kind still loads
    old = Path(path).with_name("old.json")
    old.write_text(json.dumps({"format": "anime-sketch-colorizer-palette",
                               "colors": PALETTE_PRESETS["Ocean"].to_hex()}))
    assert colors(sem, sem.load_character(inputs(sem, load_character=str(old)))) == PALETTE_PRESETS["Ocean"].to_hex()
    with pytest.raises(gr.Error, match="choose a character"):
        sem.load_character(inputs(sem, load_character=None))


@pytest.mark.parametrize("text, match", [
    ("{not json", "not valid JSON"),
    ('{"format": "something"}', "not a character palette"),
    ('{"format": "anime-colorizer-character", "version": 1, "name": "A", "colors": {"hair": "red"}}', "hair.*not a hex"),
    ('{"format": "anime-colorizer-character", "version": 1, "name": "A", "colors": {"tail": "#fff"}}', "tail"),
    ('{"format": "anime-colorizer-character", "version": 1, "colors": {"hair": "#fff"}}', "no \"name\""),
    ('{"format": "anime-colorizer-character", "version": 1' + "1" * 4300 + ', "name": "A", "colors": {}}', "digits"),
    ('[' * 30000 + ']' * 30000, "nested"),
    ('{"format": "anime-colorizer-character", "version": Infinity, "name": "A", "colors": {}}', "Infinity"),
])
def test_malformed_character_files(sem, tmp_path, text, match):
    f = tmp_path / "bad.json"
    f.write_text(text)
    with pytest.raises(gr.Error, match=match) as e:
        sem.load_character(inputs(sem, load_character=str(f)))
    assert "bad.json" in str(e.value)
    with pytest.raises(gr.Error, match=match):
        sem.batch(inputs(sem, batch_files=[_sketch(tmp_path / "s.png")], batch_character=str(f)), progress=_Progress())


# -- pins --------------------------------------------------------------------------------

def _pin(a, d, slot, where, shown_size=(80, 64)):
    d = d | {a.ui.pin_slot: slot}
    return a.add_pin(d, click(*where) if where is not None else gr.SelectData(None, {"index": None, "value": None}), shown_size)


def test_pins_add_remove_undo_clear(sem, tmp_path):
    ui = sem.ui
    d = inputs(sem, pad=_pad(tmp_path / "s.png"))
    out = _pin(sem, d, 2, INSIDE)            # the result: the sketch's size
    pins = out[ui.pins_state]
    assert pins.points == ((40, 32, 2),) and out[ui.pins_table] == [[1, "Hair", 40, 32]] and "1 pin" in out[ui.pin_info]
    assert out[ui.pin_choice]["choices"] == [("1 · Hair at (40, 32)", 0)]
    # the preview is smaller: its clicks are scaled to the sketch
    pins = _pin(sem, d | {ui.pins_state: pins}, 1, (10, 16), (40, 32))[ui.pins_state]
    assert pins.points[-1] == (20, 32, 1)
    pins = _pin(sem, d | {ui.pins_state: pins}, 4, (60, 32))[ui.pins_state]
    assert [p[2] for p in pins.points] == [2, 1, 4]
    removed = sem.remove_pin({ui.pins_state: pins, ui.pin_choice: 1})
    assert removed[ui.pins_state].points == ((40, 32, 2), (60, 32, 4))
    assert [r[1] for r in removed[ui.pins_table]] == ["Hair", "Top"]
    undone = sem.undo_pin({ui.pins_state: removed[ui.pins_state]})[ui.pins_state]
    assert undone.points == pins.points
    cleared = sem.clear_pins({ui.pins_state: undone})[ui.pins_state]
    assert len(cleared) == 0 and sem.undo_pin({ui.pins_state: cleared})[ui.pins_state].points == pins.points
    assert "nothing to undo" in sem.undo_pin({ui.pins_state: Pins()})[ui.pin_info]
    assert "choose the pin" in sem.remove_pin({ui.pins_state: pins, ui.pin_choice: None})[ui.pin_info]
    assert "no pin 9" in sem.remove_pin({ui.pins_state: pins, ui.pin_choice: 8})[ui.pin_info]


@pytest.mark.parametrize("where, shown, message", [
    (ON_LINE, (80, 64), "on a line"),
    ((200, 10), (80, 64), "outside"),
    (INSIDE, None, "colour the sketch first"),
    (None, (80, 64), "beside the picture"),   # the page sends no point for a click beside the picture
])
def test_bad_pins_say_why(sem, tmp_path, where, shown, message):
    before = Pins.of([[20, 30, 1]])
    out = _pin(sem, inputs(sem, pad=_pad(tmp_path / "s.png"), pins=before), 2, where, shown)
    assert out[sem.ui.pins_state] == before and message in out[sem.ui.pin_info]


def test_pins_need_a_sketch_and_a_role_head(sem, app, tmp_path):
    empty = {"background": None, "layers": [], "composite": None}
    assert "no sketch" in _pin(sem, inputs(sem, pad=empty), 2, INSIDE)[sem.ui.pin_info]
    # old weights (no role head): no pins, and the panel says so
    out = _pin(app, inputs(app, pad=_pad(tmp_path / "s.png")), 2, INSIDE)
    assert len(out[app.ui.pins_state]) == 0 and "no role head" in out[app.ui.pin_info]
    assert "no role head" in app.pin_message(Pins())
    with pytest.raises(gr.Error, match="no role head"):
        app.colorize(inputs(app, pad=_pad(tmp_path / "s.png"), pins=Pins.of([list(INSIDE) + [2]])))


def test_a_pin_colours_its_region(sem, tmp_path):
    ui = sem.ui
    pad = _pad(tmp_path / "s.png")
    cyber = PALETTE_PRESETS["Cyber"]
    base = inputs(sem, pad=pad, sw=Swatches(cyber), opts=settings(cel_shading=False))
    plain = sem.colorize(base)[ui.result]
    slots = sem.last_result.slots
    target = next(s for s in range(9) if s != slots[INSIDE[1], INSIDE[0]])
    pins = _pin(sem, base, target, INSIDE)[ui.pins_state]
    pinned = sem.colorize(base | {ui.pins_state: pins})[ui.result]
    assert sem.last_result.slots[INSIDE[1], INSIDE[0]] == target
    rgb = np.asarray(pinned)[INSIDE[1], INSIDE[0]]
    assert "#%02x%02x%02x" % tuple(rgb) == cyber.to_hex()[target]
    assert np.asarray(pinned).tobytes() != np.asarray(plain).tobytes()
    # a pin outside the sketch (a smaller picture was loaded since): a clear error
    with pytest.raises(gr.Error, match="pin 1 .* outside"):
        sem.colorize(base | {ui.pins_state: Pins.of([[500, 10, 2]])})


def test_preview_honours_pins_and_shows_markers(sem, tmp_path):
    ui = sem.ui
    d = inputs(sem, pad=_pad(tmp_path / "s.png"))
    plain = sem.preview(d)[ui.preview]
    out = sem.preview(d | {ui.pins_state: Pins.of([list(INSIDE) + [3]])})
    marked = out[ui.preview]
    assert plain.size == marked.size == out[ui.preview_size] == (80, 64)
    a, b = np.asarray(plain, int), np.asarray(marked, int)
    assert np.abs(a - b).max(axis=-1)[INSIDE[1] - 3:INSIDE[1] + 4, INSIDE[0] - 3:INSIDE[0] + 4].max() > 0
    # a pin outside the sketch is left out of the preview (colour still shown)
    assert sem.preview(d | {ui.pins_state: Pins.of([[500, 10, 2]])})[ui.preview] is not None


def test_new_upload_clears_pins_with_undo(sem, tmp_path):
    ui = sem.ui
    pins = Pins.of([[10, 10, 2]])
    out = sem.sketch_uploaded({ui.upload: {"path": _sketch(tmp_path / "u.png")}, ui.pins_state: pins})
    assert out[ui.tab_state] == "upload" and len(out[ui.pins_state]) == 0 and "cleared" in out[ui.pin_info]
    assert out[ui.uploaded].image.size == (80, 64)
    assert sem.undo_pin({ui.pins_state: out[ui.pins_state]})[ui.pins_state].points == pins.points


# -- colouring, projects, batch ----------------------------------------------------------

def test_colorize_project_round_trip_with_pins(sem, tmp_path):
    ui = sem.ui
    autumn = PALETTE_PRESETS["Autumn"]
    values = settings(seed=5, noise_strength=0.7)
    pins = Pins.of([list(INSIDE) + [2], [60, 32, 6]])
    d = inputs(sem, pad=_pad(tmp_path / "s.png"), sw=Swatches(autumn), opts=values, pins=pins)
    out = _colorize(sem, d)
    img, status, files = out[ui.result], out[ui.status], out[ui.downloads]
    assert "Done" in status and "2 pins" in status and img.size == (80, 64)
    assert out[ui.color_layer].size == out[ui.line_layer].size == (80, 64)
    names = {Path(f).name for f in files}
    assert names == {"colorized.psd", "colorized.ora", "colorized_layers.zip", "colorized_project.json"}
    proj = [f for f in files if f.endswith(".json")][0]
    p = Project.from_json(proj)
    assert p.options == options_from(values) and p.hints == [[40, 32, 2], [60, 32, 6]]
    loaded_out = sem.load_project({ui.load_project: proj, ui.pins_state: Pins.of([[1, 1, 1]])})
    assert colors(sem, loaded_out) == autumn.to_hex()
    assert {name: loaded_out[c] for name, c in ui.settings.items()} == values
    assert "seed 5" in loaded_out[ui.status] and "2 pins" in loaded_out[ui.status]
    loaded = loaded_out[ui.pins_state]
    assert loaded.points == pins.points
    assert loaded_out[ui.pins_table] == [[1, "Hair", 40, 32], [2, "Outer / other", 60, 32]]
    assert sem.undo_pin({ui.pins_state: loaded})[ui.pins_state].points == ((1, 1, 1),)  # loading can be undone
    again = sem.colorize(d | {ui.palette_state: loaded_out[ui.palette_state], ui.pins_state: loaded}
                         | {c: loaded_out[c] for c in ui.settings.values()})[ui.result]
    assert again.tobytes() == img.tobytes()
    # the PSD holds the role layers
    from psd_tools import PSDImage

    psd = PSDImage.open([f for f in files if f.endswith(".psd")][0])
    assert {"Lines", "Shading"} <= {layer.name for layer in psd}


def test_result_follows_swatch_edits_and_downloads_match(sem, tmp_path):
    """A swatch edit redraws the shown result, and the downloads are those of the result shown."""
    ui = sem.ui
    d = inputs(sem, pad=_pad(tmp_path / "s.png"), opts=settings(cel_shading=False))
    first = _colorize(sem, d)
    shown = first[ui.result_state]
    assert isinstance(shown, Shown) and shown.files == tuple(first[ui.downloads])
    assert nothing_changed(sem.downloads({ui.result_state: shown}))  # written once per result
    part = int(sem.last_result.slots[INSIDE[1], INSIDE[0]])
    hair = sem.last_result.slots == part
    new = swatches().receive(Palette.from_hex(DEFAULT[:part] + ["#20c060"] + DEFAULT[part + 1:]))
    redrawn = sem.recolor({ui.palette_state: new, ui.result_state: shown})
    assert redrawn[ui.downloads] is None  # the old files go with the old colours
    img = np.asarray(redrawn[ui.result])
    ys, xs = np.nonzero(hair & (np.asarray(sem.last_result.lines) == 255))
    assert (img[ys[0], xs[0]] == (0x20, 0xc0, 0x60)).all()
    files = sem.downloads({ui.result_state: redrawn[ui.result_state]})[ui.downloads]
    from psd_tools import PSDImage

    psd = {layer.name: layer for layer in PSDImage.open([f for f in files if f.endswith(".psd")][0])}
    layer = psd[SLOT_LABELS[part]]
    px = np.asarray(layer.topil().convert("RGBA"))[ys[0] - layer.top, xs[0] - layer.left]
    assert tuple(px[:3]) == (0x20, 0xc0, 0x60)
    # the same swatches again: nothing to redraw
    assert nothing_changed(sem.recolor({ui.palette_state: new, ui.result_state: redrawn[ui.result_state]}))


def test_result_is_marked_out_of_date(sem, tmp_path):
    ui = sem.ui
    d = inputs(sem, pad=_pad(tmp_path / "s.png"))
    shown = sem.colorize(d)[ui.result_state]
    assert nothing_changed(sem.check_result(d | {ui.result_state: shown}))
    out = sem.check_result(d | {ui.result_state: shown, ui.pins_state: Pins.of([list(INSIDE) + [2]]),
                                ui.seed: 7})
    assert out[ui.result_state].stale == "the settings and the pins have changed"
    assert "Out of date" in out[ui.status] and "Done in" in out[ui.status]
    # back as it was: no longer out of date
    back = sem.check_result(d | {ui.result_state: out[ui.result_state]})
    assert back[ui.result_state].stale is None and "Out of date" not in back[ui.status]
    other = inputs(sem, pad={"background": None, "layers": [], "composite": Image.new("RGB", (80, 64), "white")})
    assert sem.check_result(other | {ui.result_state: shown})[ui.result_state].stale == "the sketch has changed"


def test_status_after_an_error(sem, tmp_path):
    ui = sem.ui
    assert sem.colorize_failed({ui.result_state: None})[ui.status] == ""
    shown = sem.colorize(inputs(sem, pad=_pad(tmp_path / "s.png")))[ui.result_state]
    text = sem.colorize_failed({ui.result_state: shown})[ui.status]
    assert "Done" not in text and "earlier result" in text


def test_old_weights_project_drops_pins(app, sem, tmp_path):
    pad = _pad(tmp_path / "s.png")
    files = _colorize(sem, inputs(sem, pad=pad, pins=Pins.of([list(INSIDE) + [2]])))[sem.ui.downloads]
    out = app.load_project({app.ui.load_project: [f for f in files if f.endswith(".json")][0],
                            app.ui.pins_state: Pins()})
    assert len(out[app.ui.pins_state]) == 0 and "left out" in out[app.ui.pin_info]
    # old weights: the downloads are there too (no role layers)
    files = _colorize(app, inputs(app, pad=pad, opts=settings(flat=False)))[app.ui.downloads]
    assert {Path(f).suffix for f in files} == {".psd", ".ora", ".zip", ".json"}


@pytest.mark.parametrize("doc, match", [
    ('"seed": 1000000000000000000000000000000', "digits"),
    ('"seed": Infinity', "Infinity"),
    ('"seed": 1e400', "too large"),
    ('"seed": 9223372036854775808', "seed"),
    ('"noise_strength": NaN', "NaN"),
])
def test_project_numbers_are_bounded(sem, tmp_path, doc, match):
    pal = json.dumps(DEFAULT)
    f = tmp_path / "p.json"
    f.write_text(f'{{"format": "anime-sketch-colorizer-project", "version": 2, "palette": {pal}, '
                 f'"options": {{{doc}}}}}')
    with pytest.raises(gr.Error, match=match):
        sem.load_project({sem.ui.load_project: str(f), sem.ui.pins_state: Pins()})


def test_upload_tab_and_noise_off(app, tmp_path):
    path = _sketch(tmp_path / "u.png")
    out = app.colorize(inputs(app, upload={"path": path}, tab="upload", opts=settings(noise_strength=0.0)))
    assert out[app.ui.result].size == (80, 64) and "Done" in out[app.ui.status]
    assert options_from(settings(noise_strength=0.0)).noise == "none"


def test_empty_canvas_and_missing_upload_errors(app, tmp_path):
    with pytest.raises(gr.Error, match="canvas is empty"):
        app.colorize(inputs(app, pad={"background": None, "layers": [], "composite": None}))
    with pytest.raises(gr.Error, match="upload"):
        app.colorize(inputs(app, tab="upload"))
    # an uploaded blank picture is not called an empty canvas
    Image.new("RGB", (64, 64), "white").save(tmp_path / "blank.png")
    with pytest.raises(gr.Error, match="uploaded picture has no dark lines"):
        app.colorize(inputs(app, upload={"path": str(tmp_path / "blank.png")}, tab="upload"))
    # the preview stays quiet on an empty canvas
    assert app.preview(inputs(app))[app.ui.preview] is None


def test_sketchpad_layers_are_bounded_before_decoding(app, tmp_path):
    Image.new("1", (6000, 6000), 1).save(tmp_path / "big.png")
    big = {"path": str(tmp_path / "big.png")}
    held = app.sketch_drawn({app.ui.pad: {"background": None, "layers": [big] * 20, "composite": None}})
    assert "20 layers" in held[app.ui.drawn].error
    held = app.sketch_drawn({app.ui.pad: {"background": None, "layers": [], "composite": big}})
    assert "6000x6000" in held[app.ui.drawn].error
    with pytest.raises(gr.Error, match="6000x6000"):
        app.colorize(inputs(app) | held)


def test_preview_is_small(app, tmp_path):
    big = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(big).ellipse((50, 50, 550, 350), outline="black", width=6)
    d = inputs(app, pad={"background": None, "layers": [], "composite": big})
    seen = []
    real = app.run
    app.run = lambda sketch, swatches, options, *rest: seen.append(options) or real(sketch, swatches, options, *rest)
    try:
        img = app.preview(d)[app.ui.preview]
        app.colorize(d)
    finally:
        del app.run
    assert max(img.size) == 256
    # the preview runs the 8-bit graph, the Colour button's result stays float32
    assert [o.precision for o in seen] == ["int8", "fp32"]


def test_batch(app, tmp_path):
    ui = app.ui
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(3)]
    (tmp_path / "bad.png").write_bytes(b"nope")
    forest = PALETTE_PRESETS["Forest"]
    out = app.batch(inputs(app, sw=Swatches(forest), opts=settings(seed=1),
                           batch_files=files + [str(tmp_path / "bad.png")]), progress=_Progress())
    zpath, gallery, msg = out[ui.batch_zip], out[ui.batch_gallery], out[ui.batch_msg]
    assert len(gallery) == 3 and "Skipped" in msg and "bad.png" in msg
    with zipfile.ZipFile(zpath) as z:
        assert len([n for n in z.namelist() if n.endswith(".png")]) == 3
        proj = json.loads(z.read("project.json"))
        assert proj["palette"] == forest.to_hex() and proj["options"]["seed"] == 1
    with pytest.raises(gr.Error, match="at most"):
        app.batch(inputs(app, batch_files=files * 11), progress=_Progress())


def test_batch_with_a_character_file(sem, tmp_path):
    ui = sem.ui
    f = tmp_path / "rin.json"
    f.write_text(json.dumps({"format": "anime-colorizer-character", "version": 1, "name": "Rin",
                             "colors": {"hair": "#20b2aa", "skin": "#ffe0cc", "background": "#ffffff"}}))
    files = [_sketch(tmp_path / f"s{i}.png") for i in range(2)]
    out = sem.batch(inputs(sem, opts=settings(seed=2), batch_files=files, batch_character=str(f)),
                    progress=_Progress())
    zpath, gallery, msg = out[ui.batch_zip], out[ui.batch_gallery], out[ui.batch_msg]
    assert len(gallery) == 2 and "Rin" in msg
    with zipfile.ZipFile(zpath) as z:
        proj = json.loads(z.read("project.json"))
        assert proj["palette"][:3] == ["#ffffff", "#ffe0cc", "#20b2aa"]
        assert proj["palette"][3] == DEFAULT_SLOT_COLORS[3]
        assert json.loads(z.read("character.json"))["name"] == "Rin"
    # each picture is the single colouring with that palette
    single = sem.model(files[0], palette=proj["palette"], options=options_from(settings(seed=2)))
    with Image.open(gallery[0][0]) as im:
        assert im.tobytes() == single.image.tobytes()


# -- the API ---------------------------------------------------------------------------

def test_api_hints(sem, app, tmp_path):
    sk = _sketch(tmp_path / "s.png")
    cyber = PALETTE_PRESETS["Cyber"].to_hex()
    pal = ",".join(cyber)
    img, _, _ = sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, False, json.dumps([[*INSIDE, 5]]))
    assert "#%02x%02x%02x" % tuple(np.asarray(img)[INSIDE[1], INSIDE[0]]) == cyber[5]
    by_name, _, _ = sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, False, '[[40, 32, "bottom"]]')
    assert by_name.tobytes() == img.tobytes()
    # without hints (older calls): the same as an empty list
    a = sem.api_colorize(sk, None, pal, 0, 64)[0]
    assert a.tobytes() == sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, "[]")[0].tobytes()
    for bad, match in [("[[1, 2]", "not valid JSON"), ('[[1, 2, 12]]', "out of range"), ('[[900, 2, 1]]', "outside"),
                       ('{"x": 1}', "list of"), ('[[1, 2, "tail"]]', "unknown slot"),
                       ("[[1" + "0" * 400 + ", 10, 2]]", "digits"), ("[[-5, 10, 2]]", "0 or more")]:
        with pytest.raises(gr.Error, match=match):
            sem.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, bad)
    with pytest.raises(gr.Error, match="no role head"):
        app.api_colorize(sk, None, pal, 0, 64, 1.0, True, True, True, "[[40, 32, 2]]")
    for seed in (2**64, -1, 1e30):
        with pytest.raises(gr.Error, match="seed must be a whole number from 0"):
            sem.api_colorize(sk, None, pal, seed, 64)


def test_without_weights_the_app_explains(tmp_path):
    model, message = load_model(str(tmp_path / "missing"), None)
    assert model is None and "--random-weights" in message
    a = _built(None)
    a.weights_message = message
    with pytest.raises(gr.Error, match="random-weights"):
        a.api_colorize(_sketch(tmp_path / "s.png"), None, "", 0, 256, 1.0, False)
    with pytest.raises(gr.Error, match="random-weights"):
        a.colorize(inputs(a, pad=_pad(tmp_path / "p.png")))
    assert a.preview(inputs(a, pad=_pad(tmp_path / "p.png")))[a.ui.preview] is None
    # the palette still works without weights
    Image.new("RGB", (20, 20), "#123456").save(tmp_path / "r.png")
    assert a.api_extract_palette(str(tmp_path / "r.png")).split(",")[0] == "#123456"
    assert colors(a, a.reference_changed(inputs(a, reference=str(tmp_path / "r.png"))))[1] == "#123456"
    assert "no weights" in _pin(a, inputs(a, pad=_pad(tmp_path / "p.png")), 2, INSIDE)[a.ui.pin_info].lower()
    ColorizerApp(None, message).build()  # the page still builds, with the warning


def test_weights_folder_is_loaded(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "weights")
    model, message = load_model(str(folder), None)
    assert message is None and model is not None
    a = ColorizerApp(model)
    assert a.weights_id.startswith("weights@")
    img, pal, seed = a.api_colorize(_sketch(tmp_path / "s.png"), None, "#ff0000,#00ff00", 3, 128, 1.0, True)
    assert img.size == (80, 64) and pal.split(",")[:2] == ["#ff0000", "#00ff00"] and seed == 3
    # the API's own defaults: only the sketch is needed
    img, pal, seed = a.api_colorize(_sketch(tmp_path / "s.png"))
    assert pal == ",".join(DEFAULT) and seed == ColorizeOptions().seed
    with pytest.raises(gr.Error, match="not both"):
        a.api_colorize(_sketch(tmp_path / "s.png"), _sketch(tmp_path / "r.png"), "#fff")


def test_output_folder_is_bounded_and_removed():
    from webapp.state import Outputs

    out = Outputs(max_dirs=3)
    made = [out.new_dir() for _ in range(6)]
    assert len(list(out.root.iterdir())) <= 3 and made[-1].exists()
    out.close()
    assert not out.root.exists()
