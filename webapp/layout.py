"""The page: :func:`build_layout` makes every component of the app and returns them by name.

The components carry the ``elem_id`` values the browser tests, the screenshot and the browser
benchmark find them by (``#sketchpad``, ``#reference``, ``#swatch-2``, ``#hex-2``, ``#palette-hex``,
``#preview``, ``#result``, ``#status``, ``#colorize-btn``, ``#pin-info``, ``#downloads``...).
The styles are in ``style.css``, the About text in ``about.md``.
"""

from __future__ import annotations

from pathlib import Path
from string import Template
from types import SimpleNamespace

import gradio as gr

from colorizer.processing import MAX_SIZE

from .pins import Pins
from .refclicks import OFF_MODE, MatchList, ref_click_choices
from .state import DEFAULTS, SETTINGS, SketchIn
from .swatches import PALETTE_PRESETS, Swatches, swatch_label

HERE = Path(__file__).resolve().parent
STYLE = HERE / "style.css"
ABOUT = HERE / "about.md"
PREVIEW_SIZE = 256
MAX_BATCH = 32
SIZE_MIN, SIZE_STEP = 128, 64
# The part a click pins to until the user picks another.
DEFAULT_PIN_SLOT = 2  # hair


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="rose", secondary_hue="indigo", neutral_hue="slate",
                          font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def build_layout(app) -> SimpleNamespace:
    """The components of ``app`` (a :class:`webapp.ui.ColorizerApp`), made inside the current ``gr.Blocks``."""
    ui = SimpleNamespace()
    pins_on = app.takes_pins
    with gr.Column(elem_classes="app-header"):
        pin_hint = ("click the preview or the result to pin a region to a part." if pins_on else
                    "pins (clicking a region to set its part) need semantic weights: these have no role head.")
        gr.Markdown("# 🎨 Anime Sketch Colorizer\n"
                    "Draw or upload line art, pick a reference picture or palette, and colour it. "
                    f"Each swatch is one part (background, skin, hair...); {pin_hint}")
        if app.weights_message:
            gr.Markdown(f"⚠️ {app.weights_message}", elem_classes="weights-warning")
    ui.tab_state = gr.State("draw")
    ui.drawn = gr.State(SketchIn(error="the canvas is empty: draw a sketch with the brush or upload one"))
    ui.uploaded = gr.State(SketchIn(error="no sketch uploaded: upload (or paste) a sketch image, or switch to "
                                          "'Draw'"))
    ui.result_state = gr.State(None)
    ui.preview_size = gr.State(None)
    ui.clicked_at = gr.State(None)  # when Colorize was pressed (server clock)
    with gr.Tabs():
        with gr.Tab("Colorize", id="colorize"):
            with gr.Row(equal_height=False):
                _sketch_column(ui, app)
                _colours_column(ui, app)
                _result_column(ui, app)
        with gr.Tab("Batch", id="batch"):
            _batch_tab(ui)
        with gr.Tab("About", id="about"):
            kind = ("semantic weights: a role head names the part of every region, and clicks pin regions"
                    if pins_on else "weights without a role head: no pins; a reference's colours fill the "
                    "swatches by share (largest first)")
            gr.Markdown(Template(ABOUT.read_text(encoding="utf-8")).substitute(weights_id=app.weights_id,
                                                                               kind=kind))
    _api_components(ui, app.debug)
    return ui


def _examples(app, kind: str) -> list[str]:
    if app.examples is None:
        return []
    return sorted(str(p) for p in (Path(app.examples) / kind).glob("*.png"))


def _sketch_column(ui, app) -> None:
    with gr.Column(scale=4, min_width=320):
        gr.Markdown("### 1 · Sketch", elem_classes="step-title")
        with gr.Tabs(selected="draw") as ui.sketch_tabs:
            with gr.Tab("Draw", id="draw") as ui.draw_tab:
                ui.pad = gr.Sketchpad(
                    type="pil", image_mode="RGBA", label="Sketch", show_label=False,
                    canvas_size=(512, 512), fixed_canvas=True, layers=False,
                    brush=gr.Brush(colors=["#000000"], default_color="#000000", color_mode="fixed", default_size=3),
                    eraser=gr.Eraser(default_size=16), elem_id="sketchpad", height=460, format="png")
            with gr.Tab("Upload", id="upload") as ui.upload_tab:
                ui.upload = gr.Image(type="filepath", image_mode=None, label="Sketch image",
                                     sources=["upload", "clipboard"], height=440, elem_id="sketch-upload")
        sketches = _examples(app, "sketches")
        if sketches:
            gr.Examples(sketches, inputs=[ui.upload], label="Example sketches", examples_per_page=8)


def _colours_column(ui, app) -> None:
    start = Swatches.default(app.palette_size)
    colors = start.hex()
    with gr.Column(scale=3, min_width=300):
        gr.Markdown("### 2 · Colours", elem_classes="step-title")
        ui.reference = gr.Image(type="filepath", image_mode=None, label="Reference picture (optional)",
                                sources=["upload", "clipboard"], height=190, elem_id="reference")
        references = _examples(app, "references")
        if references:
            gr.Examples(references, inputs=[ui.reference], label="Example references", examples_per_page=8)
        ui.palette_state = gr.State(start)
        ui.swatches, ui.hexes, ui.locks = [], [], []
        for first in range(0, len(start), 3):
            with gr.Row(equal_height=True, elem_classes="swatch-grid"):
                for i in range(first, min(first + 3, len(start))):
                    with gr.Column(min_width=92, elem_classes="swatch", elem_id=f"swatch-card-{i}"):
                        ui.swatches.append(gr.ColorPicker(colors[i], label=swatch_label(i), show_label=True,
                                                          container=True, elem_id=f"swatch-{i}",
                                                          elem_classes="swatch-label"))
                        ui.hexes.append(gr.Textbox(colors[i], show_label=False, container=False, max_lines=1,
                                                   lines=1, elem_id=f"hex-{i}", elem_classes="hex-box",
                                                   label=f"{swatch_label(i)} hex"))
                        ui.locks.append(gr.Checkbox(False, label="lock", container=False, elem_id=f"lock-{i}",
                                                    elem_classes="lock-box"))
        ui.hex_text = gr.Textbox(start.text, label="Palette (hex, editable)",
                                 info="One colour per part, in swatch order. Edit and press Enter. Locked "
                                      "swatches keep their colour when a reference, preset or character arrives.",
                                 elem_id="palette-hex", lines=2, max_lines=4)
        ui.preset = gr.Dropdown(list(PALETTE_PRESETS), value=None, label="Preset palettes", min_width=140,
                                elem_id="preset")
        with gr.Row(equal_height=True):
            ui.character_name = gr.Textbox("My character", label="Character name", max_lines=1, scale=2,
                                           min_width=120, elem_id="character-name")
            with gr.Column(scale=1, min_width=120):
                ui.save_character = gr.Button("💾 Save character", size="sm", elem_id="save-character")
                ui.load_character = gr.UploadButton("📂 Load character", file_types=[".json"], size="sm",
                                                    elem_id="load-character")
        ui.character_file = gr.File(label="Character palette file", visible=False, height=80,
                                    elem_id="character-file")


def _result_column(ui, app) -> None:
    click = " · click to pin" if app.takes_pins else ""
    with gr.Column(scale=4, min_width=320):
        gr.Markdown("### 3 · Result", elem_classes="step-title")
        gr.Markdown(f"Live preview ({PREVIEW_SIZE} px{click})", elem_classes="picture-caption",
                    elem_id="preview-caption")
        ui.preview = gr.Image(label="Live preview", show_label=False, type="pil", height=230, interactive=False,
                              elem_id="preview", format="png")
        ui.go = gr.Button("Colorize", variant="primary", size="lg", elem_id="colorize-btn")
        ui.status = gr.Markdown("", elem_id="status")
        with gr.Tabs():
            with gr.Tab("Coloured"):
                gr.Markdown(f"Coloured{click}", elem_classes="picture-caption")
                ui.result = gr.Image(label="Coloured", show_label=False, type="pil", format="png",
                                     interactive=False, elem_id="result", height=330)
            with gr.Tab("Colour layer"):
                ui.color_layer = gr.Image(label="Flat colour layer", type="pil", format="png", interactive=False,
                                          height=330, elem_id="color-layer")
            with gr.Tab("Lines"):
                ui.line_layer = gr.Image(label="Line layer", type="pil", format="png", interactive=False,
                                         height=330, elem_id="line-layer")
        with gr.Accordion("📍 Pins", open=True, elem_id="pins"):
            _pins_panel(ui, app)
        with gr.Accordion("🎯 Eyedropper and point matches", open=False, elem_id="ref-clicks"):
            _ref_clicks_panel(ui, app)
        with gr.Accordion("Settings", open=False):
            _settings(ui, app)
        ui.downloads = gr.File(label="Downloads: layered PSD and ORA (a layer per part), PNG layers (zip), "
                                     "project", file_count="multiple", interactive=False, elem_id="downloads",
                               height=220)
        ui.load_project = gr.UploadButton("📂 Load project (palette, pins, seed, settings)",
                                          file_types=[".json"], size="sm", elem_id="load-project")


def _pins_panel(ui, app) -> None:
    ui.pins_state = gr.State(Pins())
    choices = [(swatch_label(i), i) for i in range(app.palette_size)]
    ui.pin_slot = gr.Radio(choices, value=DEFAULT_PIN_SLOT if app.palette_size > DEFAULT_PIN_SLOT else 0,
                           label="A click on the preview or the result pins that region to",
                           elem_id="pin-slot", interactive=app.takes_pins)
    ui.pin_info = gr.Markdown(app.pin_message(Pins()), elem_id="pin-info")
    ui.pins_table = gr.Dataframe(headers=["#", "Part", "x", "y"], value=[], interactive=False,
                                 elem_id="pins-table", max_height=160, wrap=True)
    ui.pin_choice = gr.Dropdown([], value=None, label="Pin to remove", elem_id="pin-choice", interactive=True)
    with gr.Row(equal_height=True):
        ui.pin_remove = gr.Button("✕ Remove pin", size="sm", min_width=80, elem_id="pin-remove")
        ui.pin_undo = gr.Button("↶ Undo", size="sm", min_width=80, elem_id="pin-undo")
        ui.pin_clear = gr.Button("Clear pins", size="sm", min_width=80, elem_id="pin-clear")


def _ref_clicks_panel(ui, app) -> None:
    ui.matches_state = gr.State(MatchList())
    ui.ref_click = gr.Radio(ref_click_choices(app.palette_size), value=OFF_MODE,
                            label="A click on the reference picture", elem_id="ref-click",
                            interactive=app.takes_pins)
    gr.Markdown("Eyedropper: the swatch takes the base tone of the reference region under the click. "
                "Point match: click the reference, then the same place on the preview or the result.",
                elem_classes="picture-caption")
    ui.matches_info = gr.Markdown(MatchList().text(), elem_id="matches-info")
    with gr.Row():
        ui.match_undo = gr.Button("↶ Undo match", size="sm", min_width=80, elem_id="match-undo")
        ui.match_clear = gr.Button("Clear matches", size="sm", min_width=80, elem_id="match-clear")


def _settings(ui, app) -> None:
    """One component per entry of SETTINGS, each starting at ColorizeOptions()'s value."""
    ui.size = gr.Slider(SIZE_MIN, MAX_SIZE, value=app.network_size(), step=SIZE_STEP,
                        label="Network size (longer side; the result keeps the sketch's size)")
    with gr.Row(equal_height=True):
        ui.seed = gr.Number(DEFAULTS.seed or 0, label="Seed", precision=0, minimum=0, scale=3, min_width=100,
                            elem_id="seed")
        ui.dice = gr.Button("🎲 Random", scale=1, min_width=90, size="sm")
    ui.noise_strength = gr.Slider(0.0, 2.0, value=DEFAULTS.noise_strength, step=0.05, label="Noise strength (0 = off)")
    ui.keep_lines = gr.Checkbox(DEFAULTS.keep_lines, label="Keep original lines on top")
    ui.flat = gr.Checkbox(DEFAULTS.flat, label="Flat colours (one colour per closed region)", elem_id="flat")
    ui.cel_shading = gr.Checkbox(DEFAULTS.cel_shading, label="Cel shading (a shadow tone; with flat colours)",
                                 elem_id="cel-shading")
    ui.settings = {name: getattr(ui, name) for name in SETTINGS}


def _batch_tab(ui) -> None:
    gr.Markdown("### Colour many sketches with one palette\n"
                "Uses the swatches and settings of the **Colorize** tab, or a character palette file "
                "(saved with *Save character*) for every sketch. Pins are per sketch and not used here.")
    with gr.Row():
        with gr.Column():
            ui.batch_files = gr.File(label=f"Sketches (up to {MAX_BATCH})", file_count="multiple",
                                     file_types=["image"], type="filepath", elem_id="batch-files")
            ui.batch_character = gr.File(label="Character palette (optional: else the Colorize tab's swatches)",
                                         file_types=[".json"], type="filepath", elem_id="batch-character")
            ui.batch_go = gr.Button("Colour all", variant="primary")
            ui.batch_msg = gr.Markdown("")
        with gr.Column():
            ui.batch_zip = gr.File(label="Results (zip)", interactive=False, height=100)
            ui.batch_gallery = gr.Gallery(label="Results", columns=4, height=360)


def _api_components(ui, debug: bool) -> None:
    """Hidden inputs of the named API endpoints; their values are the API's defaults."""
    with gr.Column(visible=False):
        ui.a_sketch = gr.File(type="filepath", label="sketch")
        ui.a_reference = gr.File(type="filepath", label="reference")
        ui.a_palette = gr.Textbox(None, label="palette")
        ui.a_seed = gr.Number(DEFAULTS.seed, label="seed", precision=0)
        ui.a_size = gr.Number(DEFAULTS.size, label="size", precision=0)
        ui.a_noise_strength = gr.Number(DEFAULTS.noise_strength, label="noise_strength")
        ui.a_keep_lines = gr.Checkbox(DEFAULTS.keep_lines, label="keep_lines")
        ui.a_flat = gr.Checkbox(DEFAULTS.flat, label="flat")
        ui.a_cel_shading = gr.Checkbox(DEFAULTS.cel_shading, label="cel_shading")
        ui.a_hints = gr.Textbox(None, label="hints")
        ui.a_matches = gr.Textbox(None, label="matches")
        ui.a_image = gr.Image(type="pil", format="png", label="image")
        ui.a_palette_out = gr.Textbox(label="palette_used")
        ui.a_seed_out = gr.Number(label="seed_used", precision=0)
        ui.a_colorize = gr.Button("api-colorize")
        ui.a_extract = gr.Button("api-extract")
        if debug:
            ui.a_debug_slots = gr.File(label="slots")
            ui.a_debug_image = gr.File(label="image")
            ui.a_debug_lines = gr.File(label="lines")
            ui.a_debug = gr.Button("api-debug")


__all__ = ["ABOUT", "DEFAULT_PIN_SLOT", "MAX_BATCH", "PREVIEW_SIZE", "STYLE", "build_layout", "theme"]
