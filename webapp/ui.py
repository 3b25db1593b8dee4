"""The Gradio app: :class:`ColorizerApp`.

``layout()`` makes the components (kept in ``app.ui``), ``wire()`` connects their events
to the callbacks, which are plain methods: tests call them directly. Every setting the
UI, the API and project files carry is a field of :class:`colorizer.options.ColorizeOptions`
and starts at its default.

Named API endpoints: ``/colorize`` (sketch, reference or palette hex string, seed, size,
noise strength, keep lines, flat, cel shading) and ``/extract_palette`` (reference -> hex).
"""

from __future__ import annotations

import functools
import random
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import gradio as gr

from colorizer import Colorizer, ColorizerError
from colorizer.config import GeneratorConfig
from colorizer.options import ColorizeOptions
from colorizer.palette import PALETTE_SIZE, Palette
from colorizer.pipeline import DEFAULT_SIZE
from colorizer.processing import MAX_SIZE, load_image

from .exports import layers_zip, write_ora
from .model import weights_label
from .project import Project, palette_from_json, palette_to_json
from .sketchpad import check_pixels, sketchpad_to_image
from .swatches import PALETTE_PRESETS, Swatches

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The defaults of every colouring setting (UI, API, project files).
DEFAULTS = ColorizeOptions()
# The settings the UI shows, in the order the callbacks take them (all ColorizeOptions fields).
SETTINGS = ("seed", "size", "noise_strength", "keep_lines", "flat", "cel_shading")
PREVIEW_SIZE = 256
MAX_FILE_SIZE = "10mb"
MAX_BATCH = 32
SIZE_MIN, SIZE_STEP = 128, 64

SELECT_BRUSH_JS = """() => { setTimeout(() => {
  const b = document.querySelector('#sketchpad button[aria-label="Brush"]');
  if (b) b.click(); }, 300); }"""

CSS = """
.app-header h1 { margin-bottom: 0.1em; }
.app-header p { margin-top: 0; opacity: 0.8; }
.weights-warning { border: 1px solid #f59e0b; background: #fffbeb; color: #78350f;
                   border-radius: 8px; padding: 6px 12px; }
.swatch { min-width: 72px !important; gap: 4px !important; padding: 6px !important;
          border: 1px solid var(--border-color-primary); border-radius: 10px;
          background: var(--block-background-fill); }
.swatch .dialog-button { width: 100% !important; height: 34px !important; border-radius: 6px !important;
                         border: 1px solid var(--border-color-primary) !important; }
.swatch .lock-box label { font-size: 0.85em; padding: 0 !important; }
.swatch-grid { gap: 6px !important; }
.step-title h3 { margin: 0.2em 0 0.2em 0; }
#preview img { image-rendering: auto; }
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


class ColorizerApp:
    """The web app around one model (``None``: no weights, colouring is off and says why)."""

    def __init__(self, model: Colorizer | None, weights_message: str | None = None, *,
                 examples: Path | None = EXAMPLES):
        self.model = model
        self.weights_message = weights_message
        self.weights_id = weights_label(model.weights_id) if model is not None else "none"
        self.palette_size = model.cfg.palette_size if model is not None else PALETTE_SIZE
        self.examples = examples
        self.outputs = Outputs()
        self.ui = SimpleNamespace()  # the components, filled by layout()
        self.demo: gr.Blocks | None = None

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
            gr.Markdown("# 🎨 Anime Sketch Colorizer\n"
                        "Draw or upload line art, pick a reference picture or palette, and colour it. "
                        "The preview follows your strokes and swatch edits.")
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
                                    sources=["upload", "clipboard"], height=200, elem_id="reference")
            references = self._examples("references")
            if references:
                gr.Examples(references, inputs=[ui.reference], label="Example references", examples_per_page=8)
            ui.swatches, ui.locks = [], []
            rows = [range(r, min(r + 3, len(start))) for r in range(0, len(start), 3)]
            for row in rows:
                with gr.Row(equal_height=True, elem_classes="swatch-grid"):
                    for i in row:
                        with gr.Column(min_width=72, elem_classes="swatch"):
                            ui.swatches.append(gr.ColorPicker(start.colors[i], label=f"Colour {i + 1}",
                                                              show_label=False, container=False,
                                                              elem_id=f"swatch-{i}"))
                            ui.locks.append(gr.Checkbox(False, label="lock", container=False,
                                                        elem_id=f"lock-{i}", elem_classes="lock-box"))
            ui.hex_text = gr.Textbox(start.text, label="Palette (hex, editable)",
                                     info="Edit and press Enter. Locked swatches keep their colour "
                                          "when a reference or preset arrives.",
                                     elem_id="palette-hex", max_lines=2)
            with gr.Row():
                ui.preset = gr.Dropdown(list(PALETTE_PRESETS), value=None, label="Preset palettes",
                                        scale=2, min_width=140)
            with gr.Row():
                ui.save_palette = gr.Button("💾 Save palette", size="sm")
                ui.load_palette = gr.UploadButton("📂 Load palette", file_types=[".json"], size="sm")
            ui.palette_file = gr.File(label="Palette file", visible=False, height=80, elem_id="palette-file")

    def _result_column(self) -> None:
        ui = self.ui
        with gr.Column(scale=4, min_width=320):
            gr.Markdown("### 3 · Result", elem_classes="step-title")
            ui.preview = gr.Image(label=f"Live preview ({PREVIEW_SIZE} px, follows your edits)", type="pil",
                                  height=190, interactive=False, elem_id="preview", format="png")
            ui.go = gr.Button("Colorize", variant="primary", size="lg", elem_id="colorize-btn")
            ui.status = gr.Markdown("", elem_id="status")
            with gr.Tabs():
                with gr.Tab("Coloured"):
                    ui.result = gr.Image(label="Coloured", type="pil", format="png", interactive=False,
                                         elem_id="result", height=330)
                with gr.Tab("Colour layer"):
                    ui.color_layer = gr.Image(label="Flat colour layer", type="pil", format="png",
                                              interactive=False, height=330)
                with gr.Tab("Lines"):
                    ui.line_layer = gr.Image(label="Line layer", type="pil", format="png", interactive=False,
                                             height=330)
            with gr.Accordion("Settings", open=True):
                self._settings()
            ui.downloads = gr.File(label="Downloads: layers (PNG zip), OpenRaster (.ora), project",
                                   file_count="multiple", interactive=False, elem_id="downloads", height=150)
            ui.load_project = gr.UploadButton("📂 Load project (palette, seed, settings)", file_types=[".json"],
                                              size="sm", elem_id="load-project")

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
                    "Uses the palette and settings of the **Colorize** tab.")
        with gr.Row():
            with gr.Column():
                ui.batch_files = gr.File(label=f"Sketches (up to {MAX_BATCH})", file_count="multiple",
                                         file_types=["image"], type="filepath")
                ui.batch_go = gr.Button("Colour all", variant="primary")
                ui.batch_msg = gr.Markdown("")
            with gr.Column():
                ui.batch_zip = gr.File(label="Results (zip)", interactive=False, height=100)
                ui.batch_gallery = gr.Gallery(label="Results", columns=4, height=360)

    def _about_tab(self) -> None:
        gr.Markdown(
            "The model is a small U-Net that gets the sketch plus 9 palette colours as constant input "
            "planes. A reference picture's palette is found with K-means (largest area first); the "
            "order of the swatches matters - swatch 1 usually becomes the background.\n\n"
            "**API:** `colorize(sketch, reference, palette, seed, size, noise_strength, keep_lines, flat, "
            "cel_shading)` and `extract_palette(reference)` - see *Use via API* at the bottom of the page.\n\n"
            f"Weights: `{self.weights_id}`.")

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
            ui.a_image = gr.Image(type="pil", format="png", label="image")
            ui.a_palette_out = gr.Textbox(label="palette_used")
            ui.a_seed_out = gr.Number(label="seed_used", precision=0)
            ui.a_colorize = gr.Button("api-colorize")
            ui.a_extract = gr.Button("api-extract")

    # -- events --------------------------------------------------------------------------
    def wire(self, demo: gr.Blocks) -> None:
        ui = self.ui
        sketch_in = [ui.tab_state, ui.pad, ui.upload]
        palette_out = ui.swatches + [ui.hex_text]
        preview = dict(fn=self.preview, inputs=sketch_in + ui.swatches + ui.settings, outputs=ui.preview,
                       trigger_mode="always_last", concurrency_limit=1, concurrency_id="preview",
                       show_progress="minimal", api_visibility="undocumented")
        private = dict(api_visibility="private")

        # the sketch: which tab holds it; an upload switches to its tab
        ui.draw_tab.select(self.select_draw, None, ui.tab_state, queue=False, **private)
        ui.upload_tab.select(self.select_upload, None, ui.tab_state, queue=False, **private)
        ui.upload.change(self.upload_changed, ui.upload, [ui.tab_state, ui.sketch_tabs], queue=False,
                         **private).then(**preview)
        gr.on([ui.pad.change], api_name="preview", **preview)

        # the palette. Every change (a swatch edit, a reference, a preset, a file) ends in the hex
        # text, which changes once per new palette even when 9 swatches changed: that drives the
        # preview, which keeps only the latest request (always_last, one at a time).
        gr.on([s.change for s in ui.swatches], self.swatches_changed, ui.swatches, ui.hex_text, queue=False,
              trigger_mode="always_last", **private)
        ui.hex_text.submit(self.hex_submitted, ui.hex_text, palette_out, **private)
        ui.reference.change(self.reference_changed, [ui.reference, *ui.swatches, *ui.locks], palette_out,
                            api_visibility="undocumented", api_name="reference", concurrency_limit=2)
        ui.preset.input(self.preset_chosen, [ui.preset, *ui.swatches, *ui.locks], palette_out, **private)
        ui.save_palette.click(self.save_palette, ui.swatches, ui.palette_file, **private)
        ui.load_palette.upload(self.load_palette, [ui.load_palette, *ui.swatches, *ui.locks], palette_out,
                               **private)

        # settings and the result
        gr.on([ui.hex_text.change, ui.seed.change, ui.noise_strength.release, ui.keep_lines.input,
               ui.flat.input, ui.cel_shading.input], **preview)
        ui.dice.click(self.random_seed, None, ui.seed, queue=False, **private)
        ui.go.click(self.colorize, sketch_in + ui.swatches + ui.settings,
                    [ui.result, ui.color_layer, ui.line_layer, ui.downloads, ui.status],
                    concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                    api_name="colorize_ui", trigger_mode="once")
        ui.load_project.upload(self.load_project, ui.load_project, palette_out + ui.settings + [ui.status],
                               **private).then(**preview)
        ui.batch_go.click(self.batch, [ui.batch_files, *ui.swatches, *ui.settings],
                          [ui.batch_zip, ui.batch_gallery, ui.batch_msg],
                          concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                          api_name="batch")

        # the named API
        ui.a_colorize.click(self.api_colorize,
                            [ui.a_sketch, ui.a_reference, ui.a_palette, ui.a_seed, ui.a_size, ui.a_noise_strength,
                             ui.a_keep_lines, ui.a_flat, ui.a_cel_shading],
                            [ui.a_image, ui.a_palette_out, ui.a_seed_out], api_name="colorize",
                            concurrency_limit=1, concurrency_id="colorize")
        ui.a_extract.click(self.api_extract_palette, ui.a_reference, ui.a_palette_out, api_name="extract_palette",
                           concurrency_limit=2)

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

    def swatches_from(self, values, locks=None) -> Swatches:
        return Swatches.from_values(list(values)[:self.palette_size], locks)

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

    def run(self, sketch, swatches: Swatches, options: ColorizeOptions):
        return self.need_model()(sketch, palette=swatches.to_palette(), options=options)

    # -- callbacks: the sketch -----------------------------------------------------------
    def select_draw(self):
        return "draw"

    def select_upload(self):
        return "upload"

    def upload_changed(self, path):
        if path:
            return "upload", gr.Tabs(selected="upload")
        return gr.update(), gr.update()

    # -- callbacks: the palette ----------------------------------------------------------
    @friendly
    def swatches_changed(self, *colors):
        return self.swatches_from(colors).text

    @friendly
    def hex_submitted(self, text):
        return Swatches.from_text(text, self.palette_size).outputs()

    @friendly
    def reference_changed(self, reference, *values):
        if not reference:
            return [gr.update()] * (self.palette_size + 1)
        n = self.palette_size
        current = self.swatches_from(values[:n], values[n:])
        return current.receive(self.extract(reference)).outputs()

    @friendly
    def preset_chosen(self, name, *values):
        if name not in PALETTE_PRESETS:
            raise gr.Error(f"unknown preset {name!r}")
        n = self.palette_size
        return self.swatches_from(values[:n], values[n:]).receive(PALETTE_PRESETS[name]).outputs()

    @friendly
    def save_palette(self, *colors):
        p = self.outputs.new_dir() / "palette.json"
        p.write_text(palette_to_json(self.swatches_from(colors).colors))
        return gr.File(value=str(p), visible=True)

    @friendly
    def load_palette(self, file, *values):
        if not file:
            raise gr.Error("choose a palette .json file")
        n = self.palette_size
        current = self.swatches_from(values[:n], values[n:]) if values else Swatches.default(n)
        return current.receive(palette_from_json(file)).outputs()

    # -- callbacks: colouring ------------------------------------------------------------
    def random_seed(self) -> int:
        return random.randint(0, 2**31 - 2)

    @friendly
    def colorize(self, tab, pad, upload, *values):
        swatches, options = self.split(values)
        t0 = time.perf_counter()
        sketch = self.sketch_from(tab, pad, upload)
        res = self.run(sketch, swatches, options)
        dt = time.perf_counter() - t0
        project = Project.create(res.palette, options, self.weights_id, sketch).to_json()
        d = self.outputs.new_dir()
        files = [str(layers_zip(res, d / "colorized_layers.zip", project)), str(write_ora(res, d / "colorized.ora"))]
        (d / "colorized_project.json").write_text(project)
        files.append(str(d / "colorized_project.json"))
        w, h = res.image.size
        status = (f"Done in {dt:.2f} s · {w}×{h} px (network ran at {res.size[0]}×{res.size[1]}) · "
                  f"seed {options.seed} · weights `{self.weights_id}`")
        return res.image, res.color, res.lines.convert("RGB"), files, status

    def preview(self, tab, pad, upload, *values):
        """Best effort at PREVIEW_SIZE: an empty canvas or missing weights just clear the preview."""
        if self.model is None:
            return None
        try:
            swatches, options = self.split(values)
            sketch = self.sketch_from(tab, pad, upload)
            return self.run(sketch, swatches, options.replace(size=PREVIEW_SIZE, output_size=PREVIEW_SIZE)).image
        except (ColorizerError, gr.Error):
            return None

    @friendly
    def load_project(self, file):
        if not file:
            raise gr.Error("choose a project .json file")
        p = Project.from_json(file)
        if p.weights_id != self.weights_id:
            gr.Warning(f"The project was made with weights '{p.weights_id}', this app runs "
                       f"'{self.weights_id}': the result may differ.")
        settings = self.settings_values(p.options)
        o = dict(zip(SETTINGS, settings))
        msg = (f"Loaded the project: seed {o['seed']}, size {o['size']}, noise {o['noise_strength']:g}. "
               "Use the same sketch and press **Colorize** to reproduce the result.")
        return Swatches(tuple(p.palette)).outputs() + settings + [msg]

    @friendly
    def batch(self, files, *values, progress=gr.Progress()):
        swatches, options = self.split(values)
        self.need_model()
        if not files:
            raise gr.Error("add some sketch images to colour first")
        if len(files) > MAX_BATCH:
            raise gr.Error(f"a batch holds at most {MAX_BATCH} sketches; you gave {len(files)}. Split it up.")
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
        msg = f"Coloured {len(gallery)} of {len(files)} sketches."
        if failed:
            msg += " Skipped: " + "; ".join(failed)
        if not gallery:
            raise gr.Error(msg)
        return str(zpath), gallery, msg

    # -- callbacks: the named API ----------------------------------------------------------
    @friendly
    def api_colorize(self, sketch, reference=None, palette=None, seed=DEFAULTS.seed, size=DEFAULTS.size,
                     noise_strength=DEFAULTS.noise_strength, keep_lines=DEFAULTS.keep_lines, flat=DEFAULTS.flat,
                     cel_shading=DEFAULTS.cel_shading):
        """Colour a sketch with a reference picture's palette or a palette hex string (neither: the default)."""
        m = self.need_model()
        if not sketch:
            raise gr.Error("no sketch given: send a sketch image (dark lines on a light background)")
        check_pixels(sketch)
        palette = (palette or "").strip() or None
        if reference:
            if palette:
                raise gr.Error("give a reference image or a palette hex string, not both")
            check_pixels(reference)
        strength = DEFAULTS.noise_strength if noise_strength is None else float(noise_strength)
        options = DEFAULTS.replace(
            seed=None if seed in (None, "") else int(seed), size=None if size in (None, "") else int(size),
            noise_strength=strength, noise=DEFAULTS.noise if strength > 0 else "none",
            keep_lines=DEFAULTS.keep_lines if keep_lines is None else bool(keep_lines),
            flat=DEFAULTS.flat if flat is None else bool(flat),
            cel_shading=DEFAULTS.cel_shading if cel_shading is None else bool(cel_shading))
        res = m(sketchpad_to_image(load_image(sketch)), reference=reference or None, palette=palette,
                options=options)
        return res.image, ",".join(res.palette.to_hex()), res.seed if res.seed is not None else options.seed

    @friendly
    def api_extract_palette(self, reference):
        """The 9-colour palette of a reference picture as '#rrggbb,...' (what /colorize uses for it)."""
        if not reference:
            raise gr.Error("no reference given: send a colourful picture to take the palette from")
        return ",".join(self.extract(reference).to_hex())


def build_demo(model: Colorizer | None, weights_message: str | None = None) -> gr.Blocks:
    """The Blocks of a :class:`ColorizerApp` (for scripts that want a plain ``gr.Blocks``)."""
    return ColorizerApp(model, weights_message).build()


__all__ = ["CSS", "DEFAULTS", "SETTINGS", "ColorizerApp", "build_demo", "friendly", "theme"]
