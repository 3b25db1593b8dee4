"""The eyedropper and point matches in the app, called in-process (tiny random semantic weights)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

gr = pytest.importorskip("gradio")

from colorizer import Colorizer, preset  # noqa: E402
from colorizer.options import ColorizeOptions  # noqa: E402
from webapp.callbacks import nothing_changed  # noqa: E402
from webapp.pins import Pins  # noqa: E402
from webapp.project import Project, ProjectError  # noqa: E402
from webapp.refclicks import MATCH_MODE, MatchList, parse_match_list  # noqa: E402
from webapp.swatches import PALETTE_PRESETS, Swatches  # noqa: E402
from webapp.ui import SETTINGS, ColorizerApp  # noqa: E402

INSIDE = (40, 32)


@pytest.fixture(autouse=True)
def _quiet_gr_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.fixture(scope="module")
def sem():
    a = ColorizerApp(Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu"), debug=True)
    a.build()
    return a


def click(x, y) -> gr.SelectData:
    return gr.SelectData(None, {"index": [x, y], "value": None})


def _sketch(path: Path) -> str:
    im = Image.new("RGB", (80, 64), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 70, 56), outline="black", width=3)
    im.save(path)
    return str(path)


def _reference(path: Path) -> str:
    im = Image.new("RGB", (60, 60), (250, 250, 250))
    ImageDraw.Draw(im).rectangle((10, 10, 50, 50), fill=(200, 40, 40))
    im.save(path)
    return str(path)


def inputs(a, tmp_path, **named) -> dict:
    ui = a.ui
    pad = {"background": None, "layers": [], "composite": Image.open(_sketch(tmp_path / "s.png")).convert("RGBA")}
    d = {ui.tab_state: "draw", ui.palette_state: Swatches(PALETTE_PRESETS["Default"]), ui.pins_state: Pins(),
         ui.uploaded: a.ui.uploaded.value, ui.matches_state: MatchList(), ui.ref_click: "off", ui.reference: None}
    d.update(a.sketch_drawn({ui.pad: pad}))
    d.update(zip(ui.locks, [False] * 9))
    opts = ColorizeOptions(size=64).to_dict()
    d.update({comp: opts[name] for name, comp in ui.settings.items() if name in SETTINGS})
    d.update({getattr(ui, k): v for k, v in named.items()})
    return d


def test_eyedropper_sets_the_swatch(sem, tmp_path):
    ui, ref = sem.ui, _reference(tmp_path / "r.png")
    d = inputs(sem, tmp_path, reference=ref, ref_click="3")
    out = sem.reference_clicked(d, click(30, 30))
    want = "#%02x%02x%02x" % sem.model.reference_tone(ref, 30, 30)
    assert out[ui.palette_state].hex()[3] == want and out[ui.hex_text].split(",")[3] == want
    assert out[ui.palette_state].hex()[:3] == Swatches(PALETTE_PRESETS["Default"]).hex()[:3]
    assert "took" in out[ui.matches_info]
    # off, or no reference: nothing changes and the message says why
    off = sem.reference_clicked(inputs(sem, tmp_path, reference=ref), click(30, 30))
    assert ui.palette_state not in off and "choose what a click" in off[ui.matches_info]
    none = sem.reference_clicked(inputs(sem, tmp_path, ref_click="3"), click(30, 30))
    assert ui.palette_state not in none and "upload a reference" in none[ui.matches_info]
    outside = sem.reference_clicked(d, click(500, 30))
    assert ui.palette_state not in outside and "⚠️" in outside[ui.matches_info]


def _matched(a, tmp_path) -> tuple[dict, MatchList]:
    ui, ref = a.ui, _reference(tmp_path / "r.png")
    d = inputs(a, tmp_path, reference=ref, ref_click=MATCH_MODE)
    started = a.reference_clicked(d, click(30, 30))[ui.matches_state]
    assert started.pending == (30, 30) and len(started) == 0
    d[ui.matches_state] = started
    out = a.pin_on_preview(d | {ui.preview_size: (80, 64)}, click(*INSIDE))
    m = out[ui.matches_state]
    assert m.points == ((40, 32, 30, 30),) and m.pending is None and ui.pins_state not in out
    return d | {ui.matches_state: m}, m


def test_a_match_is_recorded_and_used(sem, tmp_path):
    ui = sem.ui
    d, m = _matched(sem, tmp_path)
    out = sem.colorize(d)
    assert out[ui.result_state].result.matches == [(40, 32, 30, 30)]
    assert out[ui.result_state].matches == m.points
    assert out[ui.result_state].result.palette.to_hex() == Swatches(PALETTE_PRESETS["Default"]).hex()
    # a swatch edit redraws the result with the matches still in it
    sw = Swatches(PALETTE_PRESETS["Autumn"])
    redrawn = sem.recolor({ui.palette_state: sw, ui.result_state: out[ui.result_state]})
    assert redrawn[ui.result_state].result.matches == [(40, 32, 30, 30)]
    stale = sem.check_result(d | {ui.result_state: out[ui.result_state], ui.matches_state: MatchList()})
    assert "point matches" in stale[ui.result_state].stale
    assert nothing_changed(sem.check_result(d | {ui.result_state: out[ui.result_state]}))
    prev = sem.preview(d)
    assert prev[ui.preview] is not None
    # a sketch click without a reference point first says so; undo and clear
    lone = sem.pin_on_preview(d | {ui.preview_size: (80, 64)}, click(*INSIDE))
    assert lone[ui.matches_state] == m and "click the reference first" in lone[ui.matches_info]
    assert len(sem.undo_match({ui.matches_state: m})[ui.matches_state]) == 0
    assert len(sem.clear_matches({ui.matches_state: m})[ui.matches_state]) == 0
    # matches without the reference: a clear refusal, no traceback
    with pytest.raises(gr.Error, match="need the reference"):
        sem.colorize(d | {ui.reference: None})


def test_project_round_trip_with_matches(sem, tmp_path):
    ui = sem.ui
    d, m = _matched(sem, tmp_path)
    out = sem.colorize(d)
    out.update(sem.downloads({ui.result_state: out[ui.result_state]}))
    proj = [f for f in out[ui.downloads] if f.endswith(".json")][0]
    assert json.loads(Path(proj).read_text())["matches"] == [[40, 32, 30, 30]]
    loaded = sem.load_project({ui.load_project: proj, ui.pins_state: Pins()})
    assert loaded[ui.matches_state].points == m.points and "1 point matches" in loaded[ui.status]
    # an older project without matches loads, with none
    old = json.loads(Path(proj).read_text())
    del old["matches"]
    assert Project.from_json(json.dumps(old)).matches == []
    assert "matches" not in Project.create(PALETTE_PRESETS["Ocean"], ColorizeOptions(), "w").to_dict()
    with pytest.raises(ProjectError, match="'matches' are bad"):
        Project.from_json(json.dumps(old | {"matches": [[1, 2, 3]]}))


def test_api_matches_argument(sem, tmp_path, monkeypatch):
    sketch, ref = _sketch(tmp_path / "s.png"), _reference(tmp_path / "r.png")
    model, seen = sem.model, []

    def spy(*args, **kwargs):
        res = model(*args, **kwargs)
        seen.append(res)
        return res

    monkeypatch.setattr(sem, "model", spy)
    img, pal, seed = sem.api_colorize(sketch, ref, None, 0, 64, None, None, None, None, None, "[[40, 32, 30, 30]]")
    assert img.size == (80, 64) and seen[-1].matches == [(40, 32, 30, 30)]
    # a palette with the reference: the palette's colours, the reference's matches
    img, pal, seed = sem.api_colorize(sketch, ref, "#ff0000", 0, 64, None, None, None, None, None, "[[40, 32, 30, 30]]")
    assert pal.split(",")[0] == "#ff0000" and seen[-1].matches == [(40, 32, 30, 30)]
    with pytest.raises(gr.Error, match="not both"):
        sem.api_colorize(sketch, ref, "#ff0000", 0, 64)
    plain = sem.api_colorize(sketch, ref, None, 0, 64)   # older argument positions still work
    assert plain[0].size == (80, 64)
    for bad, msg in [("[[40, 32, 30]]", "x, y, rx, ry"), ("{}", "list of"), ("[[40, 32, 900, 30]]", "."),
                     ("[" * 50, ".")]:
        with pytest.raises(gr.Error, match=msg):
            sem.api_colorize(sketch, ref, None, 0, 64, None, None, None, None, None, bad)
    with pytest.raises(gr.Error, match="need a reference"):
        sem.api_colorize(sketch, None, None, 0, 64, None, None, None, None, None, "[[40, 32, 30, 30]]")


def test_match_list_parsing():
    assert parse_match_list(None) == [] and parse_match_list("  ") == []
    assert parse_match_list([{"x": 1, "y": 2, "rx": 3, "ry": 4}]) == [(1, 2, 3, 4)]
    with pytest.raises(Exception, match="whole numbers"):
        parse_match_list([[1, 2, 3, -4]])
