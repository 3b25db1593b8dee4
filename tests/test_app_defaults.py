"""One source for every colouring default: ColorizeOptions() = the library = the UI = the API = the CLI."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

gr = pytest.importorskip("gradio")

from colorizer import Colorizer, preset  # noqa: E402
from colorizer.__main__ import build_parser  # noqa: E402
from colorizer.options import ColorizeOptions  # noqa: E402
from colorizer.pipeline import DEFAULT_PALETTE  # noqa: E402
from webapp.state import options_from  # noqa: E402
from webapp.swatches import Swatches  # noqa: E402
from webapp.ui import SETTINGS, ColorizerApp  # noqa: E402

DEFAULTS = ColorizeOptions()
# The API's parameters that are options (the others: sketch, reference, palette).
API_OPTIONS = ("seed", "size", "noise_strength", "keep_lines", "flat", "cel_shading")


@pytest.fixture(scope="module")
def app():
    a = ColorizerApp(Colorizer.from_random(preset("tiny"), device="cpu"))
    a.build()
    return a


def test_settings_are_option_fields():
    fields = {f.name for f in dataclasses.fields(ColorizeOptions)}
    assert set(SETTINGS) <= fields and set(API_OPTIONS) <= fields


def test_ui_starts_at_the_library_defaults(app):
    """The settings components' first values make exactly the options of a call without options."""
    model = app.model
    initial = {name: getattr(app.ui, name).value for name in SETTINGS}
    assert options_from(initial) == model.options()
    for name, value in initial.items():
        expected = model.options().size if name == "size" else getattr(DEFAULTS, name)
        assert value == expected, name
    # the swatches start at the library's default palette
    colors = tuple(s.value for s in app.ui.swatches)
    assert colors == tuple(Swatches.default().hex()) == tuple(c.lower() for c in DEFAULT_PALETTE.split(","))
    assert app.ui.hex_text.value == ",".join(colors)


def test_ui_size_follows_the_weights(tmp_path):
    from colorizer.weights import save_pretrained

    folder = save_pretrained(Colorizer.from_random(preset("tiny")).model, tmp_path / "w", inference={"size": 192})
    a = ColorizerApp(Colorizer.from_pretrained(folder, device="cpu"))
    a.build()
    assert a.ui.size.value == 192 == a.model.options().size


def test_api_defaults_are_the_options(app):
    # what gradio_client's view_api reports (the server test checks the live one)
    params = {p["parameter_name"]: p for p in app.demo.get_api_info()["named_endpoints"]["/colorize"]["parameters"]}
    sig = inspect.signature(app.api_colorize).parameters
    for name in API_OPTIONS:
        assert params[name]["parameter_has_default"], name
        assert params[name]["parameter_default"] == getattr(DEFAULTS, name), name
        assert sig[name].default == getattr(DEFAULTS, name), name
    assert not params["sketch"]["parameter_has_default"]
    assert params["reference"]["parameter_default"] is None and params["palette"]["parameter_default"] is None


def test_cli_defaults_are_the_options():
    args = build_parser().parse_args(["sketch.png", "-o", "out.png"])
    for name in ("seed", "size", "noise", "noise_strength", "keep_lines", "flat", "cel_shading"):
        assert getattr(args, name) == getattr(DEFAULTS, name), name
