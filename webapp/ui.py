"""The Gradio app: :class:`ColorizerApp`.

``layout()`` makes the components (kept in ``app.ui``), ``wire()`` connects their events
to the callbacks, which are plain methods: tests call them directly. Every setting the
UI, the API and project files carry is a field of :class:`colorizer.options.ColorizeOptions`
and starts at its default.

The 9 swatches are the 9 semantic slots (:data:`colorizer.roles.SLOT_LABELS`: swatch 3 is
always the hair). Clicking the live preview or the result pins the region under the
pointer to the part chosen under "Pins" (semantic weights only); pins are hints of the
library call, saved in project files.

Named API endpoints: ``/colorize`` (sketch, reference or palette hex string, seed, size,
noise strength, keep lines, flat, cel shading, hints) and ``/extract_palette`` (reference -> hex).
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
from PIL import Image

from colorizer import Colorizer, ColorizerError
from colorizer.character import CharacterError, character_dict, parse_character, save_character
from colorizer.config import GeneratorConfig
from colorizer.options import ColorizeOptions
from colorizer.palette import PALETTE_SIZE, Palette
from colorizer.pipeline import DEFAULT_SIZE
from colorizer.processing import MAX_SIZE, load_image

from .exports import layered_files, layers_zip
from .model import weights_label
from .pins import PinError, Pins, check_point, click_to_sketch, draw_markers, parse_pin_list, slot_label
from .project import MAX_JSON_BYTES, PALETTE_FORMAT, PROJECT_FORMAT, Project, palette_from_json
from .sketchpad import check_pixels, sketchpad_to_image
from .swatches import PALETTE_PRESETS, Swatches, swatch_label

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The defaults of every colouring setting (UI, API, project files).
DEFAULTS = ColorizeOptions()
# The settings the UI shows, in the order the callbacks take them (all ColorizeOptions fields).
SETTINGS = ("seed", "size", "noise_strength", "keep_lines", "flat", "cel_shading")
PREVIEW_SIZE = 256
# The live preview's network arithmetic (ColorizeOptions.precision): 8-bit (0.69-0.89 of the float time here);
# the Colour button's result stays float32.
PREVIEW_PRECISION = "int8"
MAX_FILE_SIZE = "10mb"
MAX_BATCH = 32
SIZE_MIN, SIZE_STEP = 128, 64
# The part a click pins to until the user picks another.
DEFAULT_PIN_SLOT = 2  # hair
# Set to 1 to add the test endpoint /debug_last_result (slot map and picture of the last UI colouring).
DEBUG_ENV = "COLORIZER_APP_DEBUG"

SELECT_BRUSH_JS = """() => { setTimeout(() => {
  const b = document.querySelector('#sketchpad button[aria-label="Brush"]');
  if (b) b.click(); }, 300); }"""

CSS = """
.app-header h1 { margin-bottom: 0.1em; }
.app-header p { margin-top: 0; opacity: 0.8; }
.weights-warning { border: 1px solid #f59e0b; background: #fffbeb; color: #78350f;
                   border-radius: 8px; padding: 6px 12px; }
.swatch { min-width: 92px !important; gap: 3px !important; padding: 5px 6px !important;
          border: 1px solid var(--border-color-primary); border-radius: 10px;
          background: var(--block-background-fill); }
.swatch .block { border: none !important; padding: 0 !important; background: transparent !important;
                 box-shadow: none !important; }
.swatch [data-testid="block-info"] { font-size: 0.78em !important; font-weight: 600; line-height: 1.15;
          white-space: normal !important; background: none !important; padding: 0 !important;
          margin: 0 0 3px 0 !important; color: var(--body-text-color) !important; border: none !important;
          box-shadow: none !important; }
.swatch .dialog-button { width: 100% !important; height: 28px !important; border-radius: 6px !important;
                         border: 1px solid var(--border-color-primary) !important; }
.swatch .hex-box textarea, .swatch .hex-box input { font-family: var(--font-mono); font-size: 0.8em !important;
                         padding: 2px 5px !important; min-height: 0 !important; height: 24px !important;
                         border: 1px solid var(--border-color-primary) !important; border-radius: 5px !important;
                         background: var(--input-background-fill) !important; }
.swatch .lock-box label { font-size: 0.8em; padding: 0 !important; }
.swatch-grid { gap: 6px !important; }
.step-title h3 { margin: 0.2em 0 0.2em 0; }
#preview img, #result img { cursor: crosshair; }
#pin-info p { margin: 0; font-size: 0.9em; }
#pin-slot .wrap { gap: 4px !important; }
#pin-slot label { padding: 2px 8px !important; font-size: 0.85em; }
footer { opacity: 0.8; }
"""


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="rose", secondary_hue="indigo", neutral_hue="slate",
                          font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                          font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def friendly(fn):
    """Turn library errors into gr.Error with the library's user-readable message."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except ColorizerError as e:
            raise gr.Error(str(e)) from None
    return wrapper


class Outputs:
    """Per-result files in one app temp folder, pruned after an hour."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="colorizer-app-"))

    def new_dir(self) -> Path:
        now = time.time()
        for d in self.root.iterdir():
            try:
                if now - d.stat().st_mtime > 3600:
                    shutil.rmtree(d, ignore_errors=True)
            except OSError:
                pass
        return Path(tempfile.mkdtemp(dir=self.root))


class _PaletteOnly:
    """Stands in for the Colorizer when no weights are loaded: references still give palettes,
    through the library's own :meth:`Colorizer.extract_palette` (as for weights without a
    role head: the K-means colours, largest share first)."""

    cfg = GeneratorConfig()
    semantic = False
    extract_palette = Colorizer.extract_palette


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._")
    return (s or "character")[:60]


def _file_path(file) -> str | None:
    if not file:
        return None
    if isinstance(file, (list, tuple)):
        file = file[0] if file else None
        if not file:
            return None
    return file if isinstance(file, str) else getattr(file, "name", None) or str(file)


class ColorizerApp:
    """The web app around one model (``None``: no weights, colouring is off and says why)."""

    def __init__(self, model: Colorizer | None, weights_message: str | None = None, *,
                 examples: Path | None = EXAMPLES, debug: bool = False):
        self.model = model
        self.weights_message = weights_message
        self.weights_id = weights_label(model.weights_id) if model is not None else "none"
        self.palette_size = model.cfg.palette_size if model is not None else PALETTE_SIZE
        self.examples = examples
        self.debug = debug
        self.last_result = None   # the last UI colouring (for /debug_last_result)
        self.outputs = Outputs()
        self.ui = SimpleNamespace()  # the components, filled by layout()
        self.demo: gr.Blocks | None = None

    @property
    def semantic(self) -> bool:
        """Weights with a role head: swatch k colours part k and clicks pin regions."""
        return bool(self.model is not None and self.model.semantic)

    @property
    def pins_off_message(self) -> str:
        if self.model is None:
            return "Pins need weights: no weights are loaded."
        return ("These weights have no role head (they were trained before semantic slots), so they "
                "cannot take pins; the swatches are still labelled by part. Load semantic weights to pin regions.")

    # -- building ------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        with gr.Blocks(title="Anime Sketch Colorizer", delete_cache=(3600, 3600)) as demo:
            self.layout()
            self.wire(demo)
        demo.queue(max_size=64, default_concurrency_limit=1)
        self.demo = demo
        return demo

    def launch(self, **kwargs):
        demo = self.demo or self.build()
        kw = dict(max_file_size=MAX_FILE_SIZE, theme=theme(), css=CSS, show_error=True,
                  footer_links=["api", "gradio"])
        kw.update(kwargs)
        return demo.launch(**kw)

    def network_size(self) -> int:
        """The network size a call gets by default (the slider's first value): the weights'."""
        if self.model is not None:
            return int(self.model.options().size)
        return int(DEFAULTS.size or DEFAULT_SIZE)

    # -- layout --------------------------------------------------------------------------
    def layout(self) -> None:
        ui = self.ui
        with gr.Column(elem_classes="app-header"):
            pin_hint = ("click the preview or the result to pin a region to a part." if self.semantic else
                        "pins (clicking a region to set its part) need semantic weights: these have no role head.")
            gr.Markdown("# 🎨 Anime Sketch Colorizer\n"
                        "Draw or upload line art, pick a reference picture or palette, and colour it. "
                        f"Each swatch is one part (background, skin, hair...); {pin_hint}")
            if self.weights_message:
                gr.Markdown(f"⚠️ {self.weights_message}", elem_classes="weights-warning")
        ui.tab_state = gr.State("draw")
        with gr.Tabs():
            with gr.Tab("Colorize", id="colorize"):
                with gr.Row(equal_height=False):
                    self._sketch_column()
                    self._colours_column()
                    self._result_column()
            with gr.Tab("Batch", id="batch"):
                self._batch_tab()
            with gr.Tab("About", id="about"):
                self._about_tab()
        self._api_components()

    def _examples(self, kind: str) -> list[str]:
        if self.examples is None:
            return []
        return sorted(str(p) for p in (Path(self.examples) / kind).glob("*.png"))

    def _sketch_column(self) -> None:
        ui = self.ui
        with gr.Column(scale=4, min_width=320):
            gr.Markdown("### 1 · Sketch", elem_classes="step-title")
            with gr.Tabs(selected="draw") as ui.sketch_tabs:
                with gr.Tab("Draw", id="draw") as ui.draw_tab:
                    ui.pad = gr.Sketchpad(
                        type="pil", image_mode="RGBA", label="Sketch", show_label=False,
                        canvas_size=(512, 512), fixed_canvas=True, layers=False,
                        brush=gr.Brush(colors=["#000000"], default_color="#000000", color_mode="fixed",
                                       default_size=3),
                        eraser=gr.Eraser(default_size=16), elem_id="sketchpad", height=460, format="png")
                with gr.Tab("Upload", id="upload") as ui.upload_tab:
                    # image_mode=None: the uploaded file itself reaches the callback (alpha kept)
                    ui.upload = gr.Image(type="filepath", image_mode=None, label="Sketch image",
                                         sources=["upload", "clipboard"], height=440, elem_id="sketch-upload")
            sketches = self._examples("sketches")
            if sketches:
                gr.Examples(sketches, inputs=[ui.upload], label="Example sketches", examples_per_page=8)

    def _colours_column(self) -> None:
        ui = self.ui
        start = Swatches.default(self.palette_size)
        with gr.Column(scale=3, min_width=300):
            gr.Markdown("### 2 · Colours", elem_classes="step-title")
            # image_mode=None: the file itself, so a JPEG gets the library's draft-size decode
            ui.reference = gr.Image(type="filepath", image_mode=None, label="Reference picture (optional)",
                                    sources=["upload", "clipboard"], height=190, elem_id="reference")
            references = self._examples("references")
            if references:
                gr.Examples(references, inputs=[ui.reference], label="Example references", examples_per_page=8)
            ui.palette_state = gr.State(start)
            ui.swatches, ui.hexes, ui.locks = [], [], []
            rows = [range(r, min(r + 3, len(start))) for r in range(0, len(start), 3)]
            for row in rows:
                with gr.Row(equal_height=True, elem_classes="swatch-grid"):
                    for i in row:
                        with gr.Column(min_width=92, elem_classes="swatch", elem_id=f"swatch-card-{i}"):
                            ui.swatches.append(gr.ColorPicker(start.colors[i], label=swatch_label(i),
                                                              show_label=True, container=True,
                                                              elem_id=f"swatch-{i}", elem_classes="swatch-label"))
                            ui.hexes.append(gr.Textbox(start.colors[i], show_label=False, container=False,
                                                       max_lines=1, lines=1, elem_id=f"hex-{i}",
                                                       elem_classes="hex-box", label=f"{swatch_label(i)} hex"))
                            ui.locks.append(gr.Checkbox(False, label="lock", container=False,
                                                        elem_id=f"lock-{i}", elem_classes="lock-box"))
            ui.hex_text = gr.Textbox(start.text, label="Palette (hex, editable)",
                                     info="One colour per part, in swatch order. Edit and press Enter. Locked "
                                          "swatches keep their colour when a reference, preset or character arrives.",
                                     elem_id="palette-hex", lines=2, max_lines=4)
            ui.preset = gr.Dropdown(list(PALETTE_PRESETS), value=None, label="Preset palettes", min_width=140)
            with gr.Row(equal_height=True):
                ui.character_name = gr.Textbox("My character", label="Character name", max_lines=1, scale=2,
                                               min_width=120, elem_id="character-name")
                with gr.Column(scale=1, min_width=120):
                    ui.save_character = gr.Button("💾 Save character", size="sm", elem_id="save-character")
                    ui.load_character = gr.UploadButton("📂 Load character", file_types=[".json"], size="sm",
                                                        elem_id="load-character")
            ui.character_file = gr.File(label="Character palette file", visible=False, height=80,
                                        elem_id="character-file")

    def _result_column(self) -> None:
        ui = self.ui
        with gr.Column(scale=4, min_width=320):
            gr.Markdown("### 3 · Result", elem_classes="step-title")
            click = " · click to pin" if self.semantic else ""
            ui.preview = gr.Image(label=f"Live preview ({PREVIEW_SIZE} px{click})", type="pil",
                                  height=230, interactive=False, elem_id="preview", format="png")
            ui.go = gr.Button("Colorize", variant="primary", size="lg", elem_id="colorize-btn")
            ui.status = gr.Markdown("", elem_id="status")
            with gr.Tabs():
                with gr.Tab("Coloured"):
                    ui.result = gr.Image(label="Coloured" + (" · click to pin" if self.semantic else ""),
                                         type="pil", format="png",
                                         interactive=False, elem_id="result", height=330)
                with gr.Tab("Colour layer"):
                    ui.color_layer = gr.Image(label="Flat colour layer", type="pil", format="png",
                                              interactive=False, height=330)
                with gr.Tab("Lines"):
                    ui.line_layer = gr.Image(label="Line layer", type="pil", format="png", interactive=False,
                                             height=330)
            with gr.Accordion("📍 Pins", open=True, elem_id="pins"):
                self._pins_panel()
            with gr.Accordion("Settings", open=False):
                self._settings()
            ui.downloads = gr.File(label="Downloads: layered PSD and ORA (a layer per part), PNG layers (zip), "
                                         "project", file_count="multiple", interactive=False, elem_id="downloads",
                                   height=220)
            ui.load_project = gr.UploadButton("📂 Load project (palette, pins, seed, settings)",
                                              file_types=[".json"], size="sm", elem_id="load-project")

    def _pins_panel(self) -> None:
        ui = self.ui
        ui.pins_state = gr.State(Pins())
        choices = [(swatch_label(i), i) for i in range(self.palette_size)]
        ui.pin_slot = gr.Radio(choices, value=DEFAULT_PIN_SLOT if self.palette_size > DEFAULT_PIN_SLOT else 0,
                               label="A click on the preview or the result pins that region to",
                               elem_id="pin-slot", interactive=self.semantic)
        ui.pin_info = gr.Markdown(self.pin_message(Pins()), elem_id="pin-info")
        ui.pins_table = gr.Dataframe(headers=["#", "Part", "x", "y"], value=[], interactive=False,
                                     elem_id="pins-table", max_height=160, wrap=True)
        ui.pin_choice = gr.Dropdown([], value=None, label="Pin to remove", elem_id="pin-choice", interactive=True)
        with gr.Row(equal_height=True):
            ui.pin_remove = gr.Button("✕ Remove pin", size="sm", min_width=80, elem_id="pin-remove")
            ui.pin_undo = gr.Button("↶ Undo", size="sm", min_width=80, elem_id="pin-undo")
            ui.pin_clear = gr.Button("Clear pins", size="sm", min_width=80, elem_id="pin-clear")

    def _settings(self) -> None:
        """One component per entry of SETTINGS, each starting at ColorizeOptions()'s value."""
        ui = self.ui
        ui.size = gr.Slider(SIZE_MIN, MAX_SIZE, value=self.network_size(), step=SIZE_STEP,
                            label="Network size (longer side; the result keeps the sketch's size)")
        with gr.Row(equal_height=True):
            ui.seed = gr.Number(DEFAULTS.seed or 0, label="Seed", precision=0, minimum=0, scale=3, min_width=100)
            ui.dice = gr.Button("🎲 Random", scale=1, min_width=90, size="sm")
        ui.noise_strength = gr.Slider(0.0, 2.0, value=DEFAULTS.noise_strength, step=0.05,
                                      label="Noise strength (0 = off)")
        ui.keep_lines = gr.Checkbox(DEFAULTS.keep_lines, label="Keep original lines on top")
        ui.flat = gr.Checkbox(DEFAULTS.flat, label="Flat colours (one colour per closed region)", elem_id="flat")
        ui.cel_shading = gr.Checkbox(DEFAULTS.cel_shading, label="Cel shading (a shadow tone; with flat colours)",
                                     elem_id="cel-shading")
        ui.settings = [getattr(ui, name) for name in SETTINGS]

    def _batch_tab(self) -> None:
        ui = self.ui
        gr.Markdown("### Colour many sketches with one palette\n"
                    "Uses the swatches and settings of the **Colorize** tab, or a character palette file "
                    "(saved with *Save character*) for every sketch. Pins are per sketch and not used here.")
        with gr.Row():
            with gr.Column():
                ui.batch_files = gr.File(label=f"Sketches (up to {MAX_BATCH})", file_count="multiple",
                                         file_types=["image"], type="filepath", elem_id="batch-files")
                ui.batch_character = gr.File(label="Character palette (optional: else the Colorize tab's swatches)",
                                             file_types=[".json"], type="filepath", height=90,
                                             elem_id="batch-character")
                ui.batch_go = gr.Button("Colour all", variant="primary")
                ui.batch_msg = gr.Markdown("")
            with gr.Column():
                ui.batch_zip = gr.File(label="Results (zip)", interactive=False, height=100)
                ui.batch_gallery = gr.Gallery(label="Results", columns=4, height=360)

    def _about_tab(self) -> None:
        kind = ("semantic weights: a role head names the part of every region, and clicks pin regions"
                if self.semantic else "weights without a role head: no pins; a reference's colours fill the "
                "swatches by share (largest first)")
        gr.Markdown(
            "The model is a small U-Net that gets the sketch plus 9 palette colours. Each swatch is one "
            "part of the character: background, skin, hair, eyes, top, bottom, outer / other, accessory, "
            "eye whites & mouth. A reference picture is segmented by the same network and each part's "
            "colour lands in its swatch; a part the reference lacks keeps its default colour "
            "(marked *· default*). With flat colours each region enclosed by lines takes the colour of its "
            "part; a pin (click the preview or the result) sets a region's part.\n\n"
            "**Downloads:** a layered PSD (Photoshop, GIMP, Krita) and ORA (Krita, MyPaint) with a layer per "
            "part, a multiply shading layer and the lines; a zip of PNG layers; a project file that redoes "
            "the result (palette, pins, settings).\n\n"
            "**API:** `colorize(sketch, reference, palette, seed, size, noise_strength, keep_lines, flat, "
            "cel_shading, hints)` (hints: a JSON list of `[x, y, slot]`) and `extract_palette(reference)` - "
            "see *Use via API* at the bottom of the page.\n\n"
            f"Weights: `{self.weights_id}` ({kind}).")

    def _api_components(self) -> None:
        """Hidden inputs of the API endpoints; their values are the API's defaults."""
        ui = self.ui
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
            ui.a_image = gr.Image(type="pil", format="png", label="image")
            ui.a_palette_out = gr.Textbox(label="palette_used")
            ui.a_seed_out = gr.Number(label="seed_used", precision=0)
            ui.a_colorize = gr.Button("api-colorize")
            ui.a_extract = gr.Button("api-extract")
            if self.debug:
                ui.a_debug_slots = gr.File(label="slots")
                ui.a_debug_image = gr.File(label="image")
                ui.a_debug_lines = gr.File(label="lines")
                ui.a_debug = gr.Button("api-debug")

    # -- events --------------------------------------------------------------------------
    def wire(self, demo: gr.Blocks) -> None:
        ui = self.ui
        sketch_in = [ui.tab_state, ui.pad, ui.upload]
        # every callback that sets a palette returns the pickers, hex boxes, palette state and hex text
        palette_out = ui.swatches + ui.hexes + [ui.palette_state, ui.hex_text]
        current = ui.swatches + ui.locks + [ui.palette_state]
        pin_out = [ui.pins_state, ui.pins_table, ui.pin_choice, ui.pin_info]
        preview = dict(fn=self.preview, inputs=sketch_in + ui.swatches + ui.settings + [ui.pins_state],
                       outputs=ui.preview, trigger_mode="always_last", concurrency_limit=1,
                       concurrency_id="preview", show_progress="minimal", api_visibility="undocumented")
        private = dict(api_visibility="private")

        # the sketch: which tab holds it; an upload switches to its tab (a new picture: the pins go)
        ui.draw_tab.select(self.select_draw, None, ui.tab_state, queue=False, **private)
        ui.upload_tab.select(self.select_upload, None, ui.tab_state, queue=False, **private)
        ui.upload.change(self.upload_changed, [ui.upload, ui.pins_state], [ui.tab_state, ui.sketch_tabs] + pin_out,
                         queue=False, **private).then(**preview)
        gr.on([ui.pad.change], api_name="preview", **preview)

        # the palette. Every change (a swatch edit, a reference, a preset, a file) ends in the hex
        # text, which changes once per new palette even when 9 swatches changed: that drives the
        # preview, which keeps only the latest request (always_last, one at a time).
        gr.on([s.change for s in ui.swatches], self.swatches_changed, ui.swatches + [ui.palette_state],
              ui.swatches + ui.hexes + [ui.palette_state, ui.hex_text], queue=False, trigger_mode="always_last",
              **private)
        gr.on([h.submit for h in ui.hexes] + [h.blur for h in ui.hexes], self.hexes_submitted,
              ui.hexes + [ui.palette_state], palette_out, trigger_mode="always_last", **private)
        ui.hex_text.submit(self.hex_submitted, [ui.hex_text, ui.palette_state], palette_out, **private)
        ui.reference.change(self.reference_changed, [ui.reference, *current], palette_out,
                            api_visibility="undocumented", api_name="reference", concurrency_limit=2,
                            show_progress_on=ui.reference)
        ui.preset.input(self.preset_chosen, [ui.preset, *current], palette_out, **private)
        ui.save_character.click(self.save_character, [ui.character_name, *ui.swatches, ui.palette_state],
                                ui.character_file, **private)
        ui.load_character.upload(self.load_character, [ui.load_character, *current],
                                 palette_out + [ui.character_name], **private)

        # pins: a click on the preview or the result, the list, undo and clear
        for image in (ui.preview, ui.result):
            image.select(self.add_pin, [ui.pins_state, ui.pin_slot, *sketch_in, image], pin_out,
                         **private).then(**preview)
        ui.pin_remove.click(self.remove_pin, [ui.pins_state, ui.pin_choice], pin_out, **private).then(**preview)
        ui.pin_undo.click(self.undo_pin, ui.pins_state, pin_out, **private).then(**preview)
        ui.pin_clear.click(self.clear_pins, ui.pins_state, pin_out, **private).then(**preview)
        ui.pin_slot.change(self.pin_slot_changed, [ui.pins_state, ui.pin_slot], ui.pin_info, queue=False,
                           **private)

        # settings and the result
        gr.on([ui.hex_text.change, ui.seed.change, ui.noise_strength.release, ui.keep_lines.input,
               ui.flat.input, ui.cel_shading.input], **preview)
        ui.dice.click(self.random_seed, None, ui.seed, queue=False, **private)
        ui.go.click(self.colorize, sketch_in + ui.swatches + ui.settings + [ui.pins_state],
                    [ui.result, ui.color_layer, ui.line_layer, ui.downloads, ui.status],
                    concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                    api_name="colorize_ui", trigger_mode="once")
        ui.load_project.upload(self.load_project, [ui.load_project, ui.pins_state],
                               palette_out + ui.settings + pin_out + [ui.status], **private).then(**preview)
        ui.batch_go.click(self.batch, [ui.batch_files, ui.batch_character, *ui.swatches, *ui.settings],
                          [ui.batch_zip, ui.batch_gallery, ui.batch_msg],
                          concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                          api_name="batch")

        # the named API
        ui.a_colorize.click(self.api_colorize,
                            [ui.a_sketch, ui.a_reference, ui.a_palette, ui.a_seed, ui.a_size, ui.a_noise_strength,
                             ui.a_keep_lines, ui.a_flat, ui.a_cel_shading, ui.a_hints],
                            [ui.a_image, ui.a_palette_out, ui.a_seed_out], api_name="colorize",
                            concurrency_limit=1, concurrency_id="colorize")
        ui.a_extract.click(self.api_extract_palette, ui.a_reference, ui.a_palette_out, api_name="extract_palette",
                           concurrency_limit=2)
        if self.debug:
            ui.a_debug.click(self.debug_last_result, None, [ui.a_debug_slots, ui.a_debug_image, ui.a_debug_lines],
                             api_name="debug_last_result", api_visibility="undocumented")

        # Start with the brush selected, so that the canvas takes strokes at once.
        demo.load(None, None, None, js=SELECT_BRUSH_JS)

    # -- helpers -------------------------------------------------------------------------
    def need_model(self) -> Colorizer:
        if self.model is None:
            raise gr.Error(self.weights_message or "no weights are loaded")
        return self.model

    def extract(self, reference) -> Palette:
        """The palette of a reference file, as /colorize and the CLI find it."""
        check_pixels(reference)
        return (self.model or _PaletteOnly()).extract_palette(reference)

    def sketch_from(self, tab, pad, upload):
        if tab == "upload":
            if not upload:
                raise ColorizerError("no sketch uploaded: upload (or paste) a sketch image, or switch to 'Draw'")
            check_pixels(upload)
            return sketchpad_to_image(load_image(upload))
        return sketchpad_to_image(pad)

    def swatches_from(self, values, locks=None, state: Swatches | None = None) -> Swatches:
        """The pickers' values (+ locks); ``state`` (the last palette) gives the default marks of the
        swatches whose colour it still holds."""
        colors = list(values)[:self.palette_size]
        sw = Swatches.from_values(colors, locks)
        if isinstance(state, Swatches) and len(state) == len(sw):
            marks = tuple(d and c == s for d, c, s in zip(state.defaults, sw.colors, state.colors))
            sw = Swatches(sw.colors, sw.locks, marks)
        return sw

    def current(self, values) -> Swatches:
        """``[*pickers, *locks, state]`` (the inputs of the palette callbacks) -> the swatches."""
        n = self.palette_size
        values = list(values)
        state = values[2 * n] if len(values) > 2 * n else None
        return self.swatches_from(values[:n], values[n:2 * n] or None, state)

    def palette_outputs(self, sw: Swatches) -> list:
        """The values of ``palette_out``: pickers (colour and label), hex boxes, state, hex text."""
        pickers = [gr.update(value=c, label=lab) for c, lab in zip(sw.colors, sw.labels)]
        return pickers + list(sw.colors) + [sw, sw.text]

    def split(self, values) -> tuple[Swatches, ColorizeOptions]:
        """The swatch values followed by the SETTINGS values -> (swatches, options)."""
        values = list(values)
        n = self.palette_size
        if len(values) != n + len(SETTINGS):
            raise gr.Error(f"expected {n} swatches and {len(SETTINGS)} settings, got {len(values)} values")
        return self.swatches_from(values[:n]), self.options_from(values[n:])

    @staticmethod
    def options_from(values) -> ColorizeOptions:
        """The SETTINGS values of the UI -> options (noise strength 0 turns the noise off)."""
        d = dict(zip(SETTINGS, values))
        strength = DEFAULTS.noise_strength if d["noise_strength"] is None else float(d["noise_strength"])
        return DEFAULTS.replace(
            seed=DEFAULTS.seed if d["seed"] in (None, "") else int(d["seed"]),
            size=DEFAULTS.size if d["size"] in (None, "") else int(d["size"]),
            noise_strength=strength, noise=DEFAULTS.noise if strength > 0 else "none",
            keep_lines=bool(d["keep_lines"]), flat=bool(d["flat"]), cel_shading=bool(d["cel_shading"]))

    def settings_values(self, options: ColorizeOptions) -> list:
        """Options -> the values of the SETTINGS components."""
        values = {name: getattr(options, name) for name in SETTINGS}
        if values["seed"] is None:
            values["seed"] = 0
        if values["size"] is None:
            values["size"] = self.network_size()
        return [values[name] for name in SETTINGS]

    def run(self, sketch, swatches: Swatches, options: ColorizeOptions, pins=()):
        hints = list(getattr(pins, "points", pins) or ())
        return self.need_model()(sketch, palette=swatches.to_palette(), options=options, hints=hints or None)

    @staticmethod
    def _pins(pins) -> Pins:
        if isinstance(pins, Pins):
            return pins
        return Pins.of(pins) if pins else Pins()

    def pins_for(self, pins: Pins, sketch: Image.Image) -> Pins:
        """The pins a colouring of ``sketch`` takes; a clear error for pins it cannot take."""
        if not len(pins):
            return pins
        if not self.semantic:
            raise gr.Error(self.pins_off_message + " Clear the pins to colour.")
        bad = pins.outside(sketch.size)
        if bad:
            x, y, s = pins.points[bad[0]]
            raise gr.Error(f"pin {bad[0] + 1} ({slot_label(s)} at ({x}, {y})) is outside the "
                           f"{sketch.size[0]}x{sketch.size[1]} sketch: remove it or clear the pins")
        return pins

    # -- callbacks: the sketch -----------------------------------------------------------
    def select_draw(self):
        return "draw"

    def select_upload(self):
        return "upload"

    def upload_changed(self, path, pins=None):
        """A new sketch file: its tab, and the pins of the previous picture go (undo brings them back)."""
        pins = self._pins(pins)
        if path:
            new = pins.clear()
            out = self.pin_outputs(new, "The pins were cleared for the new sketch (↶ Undo brings them back)."
                                   if len(pins) else None)
            return ["upload", gr.Tabs(selected="upload"), *out]
        return [gr.update(), gr.update(), *self.pin_outputs(pins)]

    # -- callbacks: the palette ----------------------------------------------------------
    @friendly
    def swatches_changed(self, *values):
        """A picker changed (by the user or a callback): hex boxes, labels and the hex text follow."""
        n = self.palette_size
        state = values[n] if len(values) > n else None
        colors = list(values[:n])
        prev = state if isinstance(state, Swatches) and len(state) == n else Swatches.default(n)
        sw = prev.edited(Swatches.from_values(colors).colors)
        sw = Swatches(sw.colors, prev.locks, sw.defaults)
        pickers = [gr.update(label=lab) for lab in sw.labels]  # labels only: no new change event
        return pickers + list(sw.colors) + [sw, sw.text]

    @friendly
    def hexes_submitted(self, *values):
        """A hex box was edited: its colour goes to its picker; a bad one is put back, with a warning."""
        n = self.palette_size
        state = values[n] if len(values) > n and isinstance(values[n], Swatches) else Swatches.default(n)
        colors = []
        for i, (text, old) in enumerate(zip(values[:n], state.colors)):
            t = str(text or "").strip()
            try:
                colors.append(Palette.from_hex([t], 1).to_hex()[0] if t else old)
            except ColorizerError as e:
                gr.Warning(f"{swatch_label(i)}: {e}")
                colors.append(old)
        return self.palette_outputs(state.edited(colors))

    @friendly
    def hex_submitted(self, text, state=None):
        prev = state if isinstance(state, Swatches) and len(state) == self.palette_size else None
        sw = Swatches.from_text(text, self.palette_size)
        if prev is not None:
            sw = prev.edited(sw.colors)
        return self.palette_outputs(sw)

    @friendly
    def reference_changed(self, reference, *values):
        if not reference:
            return [gr.update()] * (2 * self.palette_size + 2)
        return self.palette_outputs(self.current(values).receive(self.extract(reference)))

    @friendly
    def preset_chosen(self, name, *values):
        if name not in PALETTE_PRESETS:
            raise gr.Error(f"unknown preset {name!r}")
        return self.palette_outputs(self.current(values).receive(list(PALETTE_PRESETS[name])))

    @friendly
    def save_character(self, name, *values):
        """The swatches as a character palette file (slots marked default are left out: they load as defaults)."""
        n = self.palette_size
        if n != PALETTE_SIZE:
            raise gr.Error(f"character palettes hold {PALETTE_SIZE} colours; these weights take {n}")
        sw = self.swatches_from(values[:n], None, values[n] if len(values) > n else None)
        name = (name or "").strip() or "My character"
        pal = sw.to_palette()
        keep_defaults = bool(np.all(pal.defaults))  # all defaults: save them all rather than nothing
        path = self.outputs.new_dir() / f"{_slug(name)}.json"
        save_character(path, name, pal, include_defaults=keep_defaults)
        return gr.File(value=str(path), visible=True)

    def read_palette_file(self, file) -> tuple[str | None, Palette]:
        """(character name or None, palette) from a character file, or an older palette / project file."""
        path = _file_path(file)
        if not path:
            raise gr.Error("choose a character palette .json file")
        p = Path(path)
        if not p.is_file():
            raise gr.Error(f"no such file: {p.name}")
        if p.stat().st_size > MAX_JSON_BYTES:
            raise gr.Error(f"{p.name} is too large for a character palette (at most {MAX_JSON_BYTES // 1024} KiB)")
        raw = p.read_bytes()
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            doc = None  # parse_character names the problem
        older = isinstance(doc, list) or (isinstance(doc, dict) and doc.get("format") in (PALETTE_FORMAT,
                                                                                         PROJECT_FORMAT))
        if older:
            return None, Palette.from_hex(palette_from_json(raw), PALETTE_SIZE)
        try:
            return parse_character(raw, p.name)
        except CharacterError as e:
            raise gr.Error(str(e)) from None

    @friendly
    def load_character(self, file, *values):
        name, pal = self.read_palette_file(file)
        if len(pal) != self.palette_size:
            raise gr.Error(f"the file holds {len(pal)} colours; these weights take {self.palette_size}")
        out = self.palette_outputs(self.current(values).receive(pal))
        return out + [name if name is not None else gr.update()]

    # -- callbacks: pins -----------------------------------------------------------------
    def pin_message(self, pins: Pins, note: str | None = None, slot: int | None = None) -> str:
        if not self.semantic:
            return (f"⚠️ {note}\n\n" if note and self.pins_off_message not in note else "") + \
                f"ℹ️ {self.pins_off_message}"
        n = len(pins)
        part = swatch_label(DEFAULT_PIN_SLOT if slot is None else int(slot))
        head = f"📍 {n} pin{'s' if n != 1 else ''}." if n else "No pins yet."
        text = f"{head} Click inside a region of the preview or the result to make it **{part}**."
        return f"⚠️ {note}\n\n{text}" if note else text

    def pin_outputs(self, pins: Pins, note: str | None = None, slot: int | None = None) -> list:
        """The values of ``pin_out``: state, table rows, the removal dropdown, the info text."""
        choices = pins.choices()
        return [pins, pins.rows(), gr.update(choices=choices, value=choices[-1][1] if choices else None),
                self.pin_message(pins, note, slot)]

    def add_pin(self, pins, slot, tab, pad, upload, shown, evt: gr.SelectData):
        """A click at ``evt.index`` on ``shown`` (the preview or the result) pins that region to ``slot``.
        A click that cannot be a pin (no role head, outside, on a line) says why and changes nothing."""
        pins = self._pins(pins)
        try:
            if not self.semantic:
                raise PinError(self.pins_off_message)
            if slot is None or not 0 <= int(slot) < self.palette_size:
                raise PinError("choose the part to pin to (under Pins) first")
            try:
                sketch = self.sketch_from(tab, pad, upload)
            except ColorizerError as e:
                raise PinError(f"no sketch to pin: {e}") from None
            if shown is None:
                raise PinError("colour the sketch first, then click on the picture")
            size = shown.size if isinstance(shown, Image.Image) else Image.open(shown).size
            x, y = click_to_sketch(getattr(evt, "index", None), size, sketch.size)
            check_point(sketch, x, y)
            new = pins.add(x, y, int(slot))
        except PinError as e:
            gr.Warning(str(e))
            return self.pin_outputs(pins, str(e), slot)
        return self.pin_outputs(new, None, slot)

    def remove_pin(self, pins, index):
        pins = self._pins(pins)
        if index in (None, ""):
            msg = "choose the pin to remove in the list first" if len(pins) else "there are no pins to remove"
            gr.Warning(msg)
            return self.pin_outputs(pins, msg)
        try:
            return self.pin_outputs(pins.remove(int(index)))
        except (PinError, TypeError, ValueError) as e:
            gr.Warning(str(e))
            return self.pin_outputs(pins, str(e))

    def undo_pin(self, pins):
        pins = self._pins(pins)
        if not pins.can_undo:
            return self.pin_outputs(pins, "nothing to undo")
        return self.pin_outputs(pins.undo())

    def clear_pins(self, pins):
        return self.pin_outputs(self._pins(pins).clear())

    def pin_slot_changed(self, pins, slot):
        return self.pin_message(self._pins(pins), None, slot)

    # -- callbacks: colouring ------------------------------------------------------------
    def random_seed(self) -> int:
        return random.randint(0, 2**31 - 2)

    @friendly
    def colorize(self, tab, pad, upload, *values):
        n = self.palette_size + len(SETTINGS)
        pins = self._pins(values[n] if len(values) > n else None)
        swatches, options = self.split(values[:n])
        t0 = time.perf_counter()
        sketch = self.sketch_from(tab, pad, upload)
        pins = self.pins_for(pins, sketch)
        res = self.run(sketch, swatches, options, pins)
        dt = time.perf_counter() - t0
        self.last_result = res
        project = Project.create(res.palette, options, self.weights_id, sketch, hints=pins.to_list()).to_json()
        d = self.outputs.new_dir()
        files = [str(f) for f in layered_files(res, d)]
        files.append(str(layers_zip(res, d / "colorized_layers.zip", project)))
        (d / "colorized_project.json").write_text(project)
        files.append(str(d / "colorized_project.json"))
        w, h = res.image.size
        status = (f"Done in {dt:.2f} s · {w}×{h} px (network ran at {res.size[0]}×{res.size[1]}) · "
                  f"seed {options.seed}" + (f" · {len(pins)} pin{'s' if len(pins) != 1 else ''}" if len(pins) else "")
                  + f" · weights `{self.weights_id}`")
        return res.image, res.color, res.lines.convert("RGB"), files, status

    def preview(self, tab, pad, upload, *values):
        """Best effort at PREVIEW_SIZE, with the pins as numbered markers: an empty canvas or missing
        weights just clear the preview; pins outside the sketch are left out."""
        if self.model is None:
            return None
        try:
            n = self.palette_size + len(SETTINGS)
            pins = self._pins(values[n] if len(values) > n else None)
            swatches, options = self.split(values[:n])
            sketch = self.sketch_from(tab, pad, upload)
            if not self.semantic:
                pins = Pins()
            outside = set(pins.outside(sketch.size))
            inside = [p for i, p in enumerate(pins.points) if i not in outside]
            res = self.run(sketch, swatches, options.replace(size=PREVIEW_SIZE, output_size=PREVIEW_SIZE,
                                                             precision=PREVIEW_PRECISION), inside)
            if not inside:
                return res.image
            scale = (res.image.size[0] / sketch.size[0], res.image.size[1] / sketch.size[1])
            return draw_markers(res.image, inside, swatches.to_palette().colors, scale)
        except (ColorizerError, gr.Error):
            return None

    @friendly
    def load_project(self, file, pins=None):
        if not file:
            raise gr.Error("choose a project .json file")
        p = Project.from_json(_file_path(file))
        if p.weights_id != self.weights_id:
            gr.Warning(f"The project was made with weights '{p.weights_id}', this app runs "
                       f"'{self.weights_id}': the result may differ.")
        settings = self.settings_values(p.options)
        o = dict(zip(SETTINGS, settings))
        note = None
        hints = p.hints
        if hints and not self.semantic:
            note = f"the project's {len(hints)} pins are left out"
            gr.Warning(f"{note}: {self.pins_off_message}")
            hints = []
        new = self._pins(pins).clear() if pins is not None else Pins()
        new = Pins(tuple(tuple(h) for h in hints), new.history)
        msg = (f"Loaded the project: seed {o['seed']}, size {o['size']}, noise {o['noise_strength']:g}"
               + (f", {len(hints)} pins" if hints else "") +
               ". Use the same sketch and press **Colorize** to reproduce the result.")
        return (self.palette_outputs(Swatches(tuple(p.palette))) + settings + self.pin_outputs(new, note)
                + [msg])

    @friendly
    def batch(self, files, character, *values, progress=gr.Progress()):
        swatches, options = self.split(values)
        self.need_model()
        if not files:
            raise gr.Error("add some sketch images to colour first")
        if len(files) > MAX_BATCH:
            raise gr.Error(f"a batch holds at most {MAX_BATCH} sketches; you gave {len(files)}. Split it up.")
        who = None
        if _file_path(character):
            who, pal = self.read_palette_file(character)
            if len(pal) != self.palette_size:
                raise gr.Error(f"the character file holds {len(pal)} colours; these weights take {self.palette_size}")
            swatches = Swatches(tuple(pal.to_hex()), (), tuple(bool(x) for x in pal.defaults)
                                if pal.defaults is not None else ())
            who = who or Path(_file_path(character)).stem
        d = self.outputs.new_dir()
        zpath = d / "colorized_batch.zip"
        gallery, failed = [], []
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
            for i, f in enumerate(progress.tqdm(files, desc="Colouring")):
                path = f if isinstance(f, str) else getattr(f, "name", str(f))
                stem = Path(path).stem
                try:
                    check_pixels(path)
                    res = self.run(sketchpad_to_image(load_image(path)), swatches, options)
                except ColorizerError as e:
                    failed.append(f"{Path(path).name}: {e}")
                    continue
                out = d / f"{i:03d}_{stem}.png"
                res.image.save(out)
                z.write(out, out.name)
                gallery.append((str(out), stem))
            z.writestr("project.json", Project.create(swatches.colors, options, self.weights_id).to_json())
            if who is not None:
                z.writestr("character.json", json.dumps(character_dict(who, swatches.to_palette()), indent=2) + "\n")
        msg = f"Coloured {len(gallery)} of {len(files)} sketches" + (f" as **{who}**." if who else ".")
        if failed:
            msg += " Skipped: " + "; ".join(failed)
        if not gallery:
            raise gr.Error(msg)
        return str(zpath), gallery, msg

    # -- callbacks: the named API ----------------------------------------------------------
    @friendly
    def api_colorize(self, sketch, reference=None, palette=None, seed=DEFAULTS.seed, size=DEFAULTS.size,
                     noise_strength=DEFAULTS.noise_strength, keep_lines=DEFAULTS.keep_lines, flat=DEFAULTS.flat,
                     cel_shading=DEFAULTS.cel_shading, hints=None):
        """Colour a sketch with a reference picture's palette or a palette hex string (neither: the default).

        ``hints``: JSON list of ``[x, y, slot]`` in the sketch's pixels (slot 0..8 or a name such as
        "hair"), each pinning the region under the point to that slot (semantic weights)."""
        m = self.need_model()
        if not sketch:
            raise gr.Error("no sketch given: send a sketch image (dark lines on a light background)")
        check_pixels(sketch)
        palette = (palette or "").strip() or None
        if reference:
            if palette:
                raise gr.Error("give a reference image or a palette hex string, not both")
            check_pixels(reference)
        pins = parse_pin_list(hints, self.palette_size)
        strength = DEFAULTS.noise_strength if noise_strength is None else float(noise_strength)
        options = DEFAULTS.replace(
            seed=None if seed in (None, "") else int(seed), size=None if size in (None, "") else int(size),
            noise_strength=strength, noise=DEFAULTS.noise if strength > 0 else "none",
            keep_lines=DEFAULTS.keep_lines if keep_lines is None else bool(keep_lines),
            flat=DEFAULTS.flat if flat is None else bool(flat),
            cel_shading=DEFAULTS.cel_shading if cel_shading is None else bool(cel_shading))
        res = m(sketchpad_to_image(load_image(sketch)), reference=reference or None, palette=palette,
                options=options, hints=pins or None)
        return res.image, ",".join(res.palette.to_hex()), res.seed if res.seed is not None else options.seed

    @friendly
    def api_extract_palette(self, reference):
        """The 9-colour palette of a reference picture as '#rrggbb,...' (what /colorize uses for it)."""
        if not reference:
            raise gr.Error("no reference given: send a colourful picture to take the palette from")
        return ",".join(self.extract(reference).to_hex())

    def debug_last_result(self):
        """Test endpoint: the last UI colouring's slot map (mode L PNG, 255 = none), picture and lines."""
        res = self.last_result
        if res is None:
            raise gr.Error("nothing coloured yet")
        if res.slots is None:
            raise gr.Error("the last result has no slot map (weights without a role head, or flat off)")
        d = self.outputs.new_dir()
        Image.fromarray(np.asarray(res.slots, np.uint8), "L").save(d / "slots.png")
        res.image.save(d / "image.png")
        res.lines.convert("L").save(d / "lines.png")
        return str(d / "slots.png"), str(d / "image.png"), str(d / "lines.png")


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "") == "1"


def build_demo(model: Colorizer | None, weights_message: str | None = None) -> gr.Blocks:
    """The Blocks of a :class:`ColorizerApp` (for scripts that want a plain ``gr.Blocks``)."""
    return ColorizerApp(model, weights_message).build()


__all__ = ["CSS", "DEBUG_ENV", "DEFAULTS", "SETTINGS", "ColorizerApp", "build_demo", "debug_enabled", "friendly",
           "theme"]
