"""The Gradio app: :class:`ColorizerApp` = the page (:mod:`webapp.layout`) + the callbacks
(:mod:`webapp.callbacks`), wired here.

The 9 swatches are the 9 semantic slots (:data:`colorizer.roles.SLOT_LABELS`: swatch 3 is
always the hair). What the weights' swatches mean is decided once, when the app is made
(:func:`webapp.model.takes_pins`): with a role head a click on the live preview or the
result pins the region under the pointer to the part chosen under "Pins".

Named API endpoints: ``/colorize`` (sketch, reference or palette hex string, seed, size,
noise strength, keep lines, flat, cel shading, hints, matches) and ``/extract_palette`` (reference -> hex).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from colorizer import Colorizer
from colorizer.config import GeneratorConfig
from colorizer.palette import PALETTE_SIZE
from colorizer.pipeline import DEFAULT_SIZE
from colorizer.renderers import MedianRenderer

from .api import NamedApi
from .callbacks import PREVIEW_PRECISION, Callbacks, friendly
from .layout import STYLE, build_layout, theme
from .model import takes_pins, weights_label
from .refclicks import RefClicks
from .sketchpad import APP_LIMITS
from .state import DEFAULTS, SETTINGS, Outputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Set to 1 to add the test endpoint /debug_last_result (slot map and picture of the last UI colouring).
DEBUG_ENV = "COLORIZER_APP_DEBUG"

SELECT_BRUSH_JS = """() => { setTimeout(() => {
  const b = document.querySelector('#sketchpad button[aria-label="Brush"]');
  if (b) b.click(); }, 300); }"""


class _PaletteOnly:
    """Stands in for the Colorizer when no weights are loaded: references still give palettes,
    through the library's own extraction for weights without a role head
    (:meth:`colorizer.renderers.MedianRenderer.extract_palette`: the K-means colours, largest share first)."""

    cfg = GeneratorConfig()
    extract_palette = MedianRenderer.extract_palette


class ColorizerApp(Callbacks, RefClicks, NamedApi):
    """The web app around one model (``None``: no weights, colouring is off and says why)."""

    def __init__(self, model: Colorizer | None, weights_message: str | None = None, *,
                 examples: Path | None = EXAMPLES, debug: bool = False):
        self.model = model
        self.palette_source = model if model is not None else _PaletteOnly()
        self.weights_message = weights_message
        self.weights_id = weights_label(model.weights_id) if model is not None else "none"
        self.palette_size = model.cfg.palette_size if model is not None else PALETTE_SIZE
        self.takes_pins = takes_pins(model)  # the one decision on what these weights' swatches mean
        self.examples = examples
        self.debug = debug
        self.last_result = None   # the last UI colouring (for /debug_last_result)
        self.outputs = Outputs()
        self.ui = SimpleNamespace()  # the components, filled by build()
        self.demo: gr.Blocks | None = None

    @property
    def pins_off_message(self) -> str:
        if self.model is None:
            return "Pins need weights: no weights are loaded."
        return ("These weights have no role head (they were trained before semantic slots), so they "
                "cannot take pins; the swatches are still labelled by part. Load semantic weights to pin regions.")

    def network_size(self) -> int:
        """The network size a call gets by default (the slider's first value): the weights'."""
        if self.model is not None:
            return int(self.model.options().size)
        return int(DEFAULTS.size or DEFAULT_SIZE)

    # -- building ------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        with gr.Blocks(title="Anime Sketch Colorizer", delete_cache=(3600, 3600)) as demo:
            self.ui = build_layout(self)
            self.wire(demo)
        demo.queue(max_size=64, default_concurrency_limit=1)
        self.demo = demo
        return demo

    def launch(self, **kwargs):
        demo = self.demo or self.build()
        # show_error=False: a refusal (gr.Error) shows its message; any other error is not shown in its raw form
        kw = dict(max_file_size=APP_LIMITS.max_bytes, theme=theme(), css_paths=[STYLE], show_error=False,
                  footer_links=["api", "gradio"])
        kw.update(kwargs)
        try:
            return demo.launch(**kw)
        finally:
            if not kw.get("prevent_thread_lock"):
                self.outputs.close()

    # -- events --------------------------------------------------------------------------
    def wire(self, demo: gr.Blocks) -> None:
        ui = self.ui
        sketch = {ui.tab_state, ui.drawn, ui.uploaded}
        settings = set(ui.settings.values())
        palette_out = {*ui.swatches, *ui.hexes, ui.palette_state, ui.hex_text}
        receiving = {*ui.locks, ui.palette_state}
        pin_out = {ui.pins_state, ui.pins_table, ui.pin_choice, ui.pin_info}
        result_out = {ui.result, ui.status, ui.result_state, ui.downloads}
        downloads_out = {ui.color_layer, ui.line_layer, ui.downloads, ui.result_state}
        preview = dict(fn=self.preview, inputs={*sketch, ui.palette_state, *settings, ui.pins_state,
                                                ui.matches_state, ui.reference},
                       outputs={ui.preview, ui.preview_size}, trigger_mode="always_last", concurrency_limit=1,
                       concurrency_id="preview", show_progress="minimal", api_visibility="private")
        stale = dict(fn=self.check_result, inputs={*sketch, *settings, ui.pins_state, ui.matches_state,
                                                   ui.result_state},
                     outputs={ui.result_state, ui.status}, queue=False, api_visibility="private")
        private = dict(api_visibility="private")

        # the sketch: read and checked once when it changes (raw values: nothing is decoded before the
        # checks); which tab holds it; an upload switches to its tab (a new picture: the pins go)
        ui.draw_tab.select(self.select_draw, None, ui.tab_state, queue=False, **private)
        ui.upload_tab.select(self.select_upload, None, ui.tab_state, queue=False, **private)
        ui.pad.change(self.sketch_drawn, {ui.pad}, {ui.drawn}, preprocess=False, trigger_mode="always_last",
                      concurrency_limit=2, concurrency_id="sketch", **private)
        ui.upload.change(self.sketch_uploaded, {ui.upload, ui.pins_state},
                         {ui.uploaded, ui.tab_state, ui.sketch_tabs} | pin_out, preprocess=False,
                         concurrency_limit=2, concurrency_id="sketch", **private)
        gr.on([ui.drawn.change, ui.uploaded.change, ui.tab_state.change], **preview)

        # the palette. Every change (a swatch edit, a reference, a preset, a file) ends in the hex
        # text, which changes once per new palette even when 9 swatches changed: that drives the
        # preview (only the latest request, one at a time) and redraws a shown result.
        gr.on([s.change for s in ui.swatches], self.swatches_changed, {*ui.swatches, ui.palette_state},
              palette_out, queue=False, trigger_mode="always_last", **private)
        gr.on([h.submit for h in ui.hexes] + [h.blur for h in ui.hexes], self.hexes_submitted,
              {*ui.hexes, ui.palette_state}, palette_out, trigger_mode="always_last", **private)
        ui.hex_text.submit(self.hex_submitted, {ui.hex_text, ui.palette_state}, palette_out, **private)
        ui.reference.change(self.reference_changed, {ui.reference} | receiving, palette_out, preprocess=False,
                            api_visibility="undocumented", api_name="reference", concurrency_limit=2,
                            show_progress_on=ui.reference)
        ui.preset.input(self.preset_chosen, {ui.preset} | receiving, palette_out, **private)
        ui.save_character.click(self.save_character, {ui.character_name, ui.palette_state}, ui.character_file,
                                **private)
        ui.load_character.upload(self.load_character, {ui.load_character} | receiving,
                                 palette_out | {ui.character_name}, **private)
        # the preview first, then the shown result redrawn and its downloads rewritten
        ui.hex_text.change(**preview).then(
            self.recolor, {ui.palette_state, ui.result_state}, result_out, concurrency_limit=1,
            concurrency_id="colorize", **private).success(
            self.downloads, {ui.result_state}, downloads_out, concurrency_limit=1, concurrency_id="downloads",
            **private)

        # pins: a click on the preview or the result, the list, undo and clear
        # (in point-match mode the click is a match's sketch end instead)
        match_out = {ui.matches_state, ui.matches_info}
        pin_in = {ui.pins_state, ui.pin_slot, *sketch, ui.ref_click, ui.matches_state}
        ui.preview.select(self.pin_on_preview, pin_in | {ui.preview_size}, pin_out | match_out, **private)
        ui.result.select(self.pin_on_result, pin_in | {ui.result_state}, pin_out | match_out, **private)
        ui.pin_remove.click(self.remove_pin, {ui.pins_state, ui.pin_choice}, pin_out, **private)
        ui.pin_undo.click(self.undo_pin, {ui.pins_state}, pin_out, **private)
        ui.pin_clear.click(self.clear_pins, {ui.pins_state}, pin_out, **private)
        ui.pin_slot.change(self.pin_slot_changed, {ui.pins_state, ui.pin_slot}, {ui.pin_info}, queue=False,
                           **private)
        gr.on([ui.pins_state.change], **preview)

        # clicks on the reference: the eyedropper (a swatch edit: the palette chain above follows) or
        # a point match's reference end; the matches' undo and clear
        ui.reference.select(self.reference_clicked, {ui.reference, ui.ref_click, ui.matches_state} | receiving,
                            palette_out | match_out, **private)
        ui.match_undo.click(self.undo_match, {ui.matches_state}, match_out, **private)
        ui.match_clear.click(self.clear_matches, {ui.matches_state}, match_out, **private)
        gr.on([ui.matches_state.change], **preview)
        gr.on([ui.matches_state.change], **stale)

        # settings and the result: a change of sketch, settings or pins marks a shown result out of date
        gr.on([ui.seed.change, ui.noise_strength.release, ui.keep_lines.input, ui.flat.input,
               ui.cel_shading.input, ui.size.release], **preview)
        gr.on([ui.drawn.change, ui.uploaded.change, ui.tab_state.change, ui.pins_state.change, ui.seed.change,
               ui.noise_strength.release, ui.keep_lines.input, ui.flat.input, ui.cel_shading.input,
               ui.size.release], **stale)
        ui.dice.click(self.random_seed, None, ui.seed, queue=False, **private)
        # Colorize: the status says it started, the result shows as soon as it is computed, then the
        # layers and downloads are written from that very result; after an error the status says so.
        coloured = ui.go.click(self.colorize_started, None, {ui.status, ui.clicked_at}, queue=False,
                               trigger_mode="once", **private).then(
            self.colorize, {*sketch, ui.palette_state, *settings, ui.pins_state, ui.clicked_at, ui.matches_state,
                            ui.reference}, result_out,
            concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented", api_name="colorize_ui")
        coloured.success(self.downloads, {ui.result_state}, downloads_out, concurrency_limit=1,
                         concurrency_id="downloads", **private)
        coloured.failure(self.colorize_failed, {ui.result_state}, {ui.status}, queue=False, **private)
        ui.load_project.upload(self.load_project, {ui.load_project, ui.pins_state},
                               palette_out | settings | pin_out | match_out | {ui.status}, **private)
        ui.batch_go.click(self.batch, {ui.batch_files, ui.batch_character, ui.palette_state, *settings},
                          {ui.batch_zip, ui.batch_gallery, ui.batch_msg},
                          concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                          api_name="batch")

        # the named API (raw values: its own readers check every one, so a bad value gets a clear refusal)
        ui.a_colorize.click(self.api_colorize,
                            [ui.a_sketch, ui.a_reference, ui.a_palette, ui.a_seed, ui.a_size, ui.a_noise_strength,
                             ui.a_keep_lines, ui.a_flat, ui.a_cel_shading, ui.a_hints, ui.a_matches],
                            [ui.a_image, ui.a_palette_out, ui.a_seed_out], api_name="colorize",
                            concurrency_limit=1, concurrency_id="colorize", preprocess=False)
        ui.a_extract.click(self.api_extract_palette, ui.a_reference, ui.a_palette_out, api_name="extract_palette",
                           concurrency_limit=2, preprocess=False)
        if self.debug:
            ui.a_debug.click(self.debug_last_result, None, [ui.a_debug_slots, ui.a_debug_image, ui.a_debug_lines],
                             api_name="debug_last_result", api_visibility="undocumented")

        # Start with the brush selected, so that the canvas takes strokes at once.
        demo.load(None, None, None, js=SELECT_BRUSH_JS)


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "") == "1"


__all__ = ["DEBUG_ENV", "PREVIEW_PRECISION", "SETTINGS", "ColorizerApp", "debug_enabled", "friendly"]
