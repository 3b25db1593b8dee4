"""Anime Sketch Colorizer - the web app (a Gradio 6 Hugging Face Space).

    python app.py [--host 127.0.0.1] [--port 7860] [--weights DIR] [--random-weights]

Draw or upload a sketch, pick a reference picture (its 9-colour palette lands in
editable swatches) and colour the sketch. Layout and callbacks only; the
reusable parts live in :mod:`colorizer.app_utils`.

Named API endpoints (see the "Use via API" footer link):
``/colorize`` (sketch, reference or palette hex string, seed, size, noise
strength, keep lines) and ``/extract_palette`` (reference -> hex string).
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import gradio as gr

from colorizer import Colorizer, ColorizerError, Palette, preset
from colorizer.app_utils import (PRESETS, check_pixels, layers_zip, make_project,
                                 merge_locked, normalize_hex, palette_from_json, palette_to_json,
                                 project_from_json, project_to_json, sketchpad_to_image, weights_label,
                                 write_ora)
from colorizer.palette import PALETTE_SIZE, extract_palette
from colorizer.pipeline import DEFAULT_SIZE
from colorizer.processing import load_image

ROOT = Path(__file__).resolve().parent
EXAMPLES = ROOT / "examples"
PREVIEW_SIZE = 256
MAX_FILE_SIZE = "10mb"
MAX_BATCH = 32
RANDOM_ENV = "COLORIZER_RANDOM_WEIGHTS"
DEFAULT_SWATCHES = PRESETS["Default"]

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


# -- model -------------------------------------------------------------------------------

def load_model(weights: str | None = None, random_weights: str | bool | None = None):
    """(Colorizer or None, message or None). Never falls back to random weights silently."""
    if random_weights:
        name = random_weights if isinstance(random_weights, str) and random_weights not in ("1", "true") else "default"
        return Colorizer.from_random(preset(name)), None
    try:
        return Colorizer.from_pretrained(weights), None
    except ColorizerError as e:
        return None, (f"No trained weights are loaded, so colouring is switched off. {e} "
                      f"To try the app with untrained (random) weights, start it with `--random-weights` "
                      f"or set {RANDOM_ENV}=1.")


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


# -- the app -----------------------------------------------------------------------------

def build_demo(model: Colorizer | None, weights_message: str | None = None) -> gr.Blocks:
    outputs = Outputs()
    weights_id = weights_label(model.weights_id) if model is not None else "none"

    def need_model() -> Colorizer:
        if model is None:
            raise gr.Error(weights_message or "no weights are loaded")
        return model

    def get_sketch(tab, pad, upload):
        if tab == "upload":
            if not upload:
                raise ColorizerError("no sketch uploaded: upload (or paste) a sketch image, or switch to 'Draw'")
            check_pixels(upload)
            return sketchpad_to_image(load_image(upload))
        return sketchpad_to_image(pad)

    def run(sketch, swatches, seed, size, noise_strength, keep_lines, flat, output_size=None):
        m = need_model()
        pal = Palette.from_hex(normalize_hex(list(swatches)), m.cfg.palette_size)
        noise_strength = float(noise_strength or 0.0)
        seed = int(seed) if seed not in (None, "") else 0
        return m(sketch, palette=pal, seed=seed, size=int(size),
                 noise="random" if noise_strength > 0 else "none",
                 noise_strength=noise_strength, keep_lines=bool(keep_lines), flat=bool(flat),
                 output_size=output_size)

    # ---- callbacks ----
    @friendly
    def colorize_ui(tab, pad, upload, *rest):
        swatches, (seed, size, noise_strength, keep_lines, flat) = rest[:PALETTE_SIZE], rest[PALETTE_SIZE:]
        t0 = time.perf_counter()
        sketch = get_sketch(tab, pad, upload)
        res = run(sketch, swatches, seed, size, noise_strength, keep_lines, flat)
        dt = time.perf_counter() - t0
        project = make_project(res.palette, seed, size, noise_strength, keep_lines, weights_id, sketch, flat=flat)
        d = outputs.new_dir()
        files = [str(layers_zip(res, d / "colorized_layers.zip", project)),
                 str(write_ora(res, d / "colorized.ora"))]
        pj = d / "colorized_project.json"
        pj.write_text(project_to_json(project))
        files.append(str(pj))
        w, h = res.image.size
        status = (f"Done in {dt:.2f} s · {w}×{h} px (network ran at {res.size[0]}×{res.size[1]}) · "
                  f"seed {seed} · weights `{weights_id}`")
        return res.image, res.color, res.lines.convert("RGB"), files, status

    def preview_ui(tab, pad, upload, *rest):
        """Best effort: an empty canvas or missing weights just clear the preview."""
        swatches, (seed, noise_strength, keep_lines, flat) = rest[:PALETTE_SIZE], rest[PALETTE_SIZE:]
        if model is None:
            return None
        try:
            sketch = get_sketch(tab, pad, upload)
            return run(sketch, swatches, seed, PREVIEW_SIZE, noise_strength, keep_lines, flat,
                       output_size=PREVIEW_SIZE).image
        except ColorizerError:
            return None

    @friendly
    def reference_ui(ref, *rest):
        swatches, locks = list(rest[:PALETTE_SIZE]), list(rest[PALETTE_SIZE:])
        if not ref:
            return [gr.update()] * PALETTE_SIZE + [gr.update()]
        check_pixels(ref)
        new = extract_palette(load_image(ref, keep_alpha=True), PALETTE_SIZE).to_hex()
        cur = normalize_hex([s or "#ffffff" for s in swatches])
        merged = merge_locked(cur, new, [bool(x) for x in locks])
        return merged + [",".join(merged)]

    @friendly
    def preset_ui(name, *rest):
        swatches, locks = list(rest[:PALETTE_SIZE]), list(rest[PALETTE_SIZE:])
        if name not in PRESETS:
            raise gr.Error(f"unknown preset {name!r}")
        merged = merge_locked(normalize_hex(swatches), PRESETS[name], [bool(x) for x in locks])
        return merged + [",".join(merged)]

    @friendly
    def swatch_edit_ui(*swatches):
        return ",".join(normalize_hex(swatches))

    @friendly
    def hex_text_ui(text):
        colors = normalize_hex(text)
        return colors + [",".join(colors)]

    @friendly
    def save_palette_ui(*swatches):
        d = outputs.new_dir()
        p = d / "palette.json"
        p.write_text(palette_to_json(swatches))
        return gr.File(value=str(p), visible=True)

    @friendly
    def load_palette_ui(file):
        if not file:
            raise gr.Error("choose a palette .json file")
        colors = palette_from_json(file)
        return colors + [",".join(colors)]

    @friendly
    def load_project_ui(file):
        if not file:
            raise gr.Error("choose a project .json file")
        p = project_from_json(file)
        if p["weights_id"] != weights_id:
            gr.Warning(f"The project was made with weights '{p['weights_id']}', this app runs "
                       f"'{weights_id}': the result may differ.")
        seed = p["seed"] if p["seed"] is not None else 0
        msg = (f"Loaded the project: seed {seed}, size {p['size']}, noise {p['noise_strength']:g}. "
               "Use the same sketch and press **Colorize** to reproduce the result.")
        return p["palette"] + [",".join(p["palette"]), seed, p["size"], p["noise_strength"], p["keep_lines"], p["flat"], msg]

    @friendly
    def batch_ui(files, *rest, progress=gr.Progress()):
        swatches, (seed, size, noise_strength, keep_lines, flat) = rest[:PALETTE_SIZE], rest[PALETTE_SIZE:]
        need_model()
        if not files:
            raise gr.Error("add some sketch images to colour first")
        if len(files) > MAX_BATCH:
            raise gr.Error(f"a batch holds at most {MAX_BATCH} sketches; you gave {len(files)}. Split it up.")
        import zipfile
        d = outputs.new_dir()
        zpath = d / "colorized_batch.zip"
        gallery, failed = [], []
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
            for i, f in enumerate(progress.tqdm(files, desc="Colouring")):
                path = f if isinstance(f, str) else getattr(f, "name", str(f))
                stem = Path(path).stem
                try:
                    check_pixels(path)
                    sketch = sketchpad_to_image(load_image(path))
                    res = run(sketch, swatches, seed, size, noise_strength, keep_lines, flat)
                except ColorizerError as e:
                    failed.append(f"{Path(path).name}: {e}")
                    continue
                out = d / f"{i:03d}_{stem}.png"
                res.image.save(out)
                z.write(out, out.name)
                gallery.append((str(out), stem))
            project = make_project(normalize_hex(swatches), seed, size, noise_strength, keep_lines, weights_id,
                                   flat=flat)
            z.writestr("project.json", project_to_json(project))
        msg = f"Coloured {len(gallery)} of {len(files)} sketches."
        if failed:
            msg += " Skipped: " + "; ".join(failed)
        if not gallery:
            raise gr.Error(msg)
        return str(zpath), gallery, msg

    # ---- API-only functions ----
    @friendly
    def api_colorize(sketch, reference, palette, seed, size, noise_strength, keep_lines, flat=True):
        """Colour a sketch with a reference picture's palette or a palette hex string."""
        m = need_model()
        if not sketch:
            raise gr.Error("no sketch given: send a sketch image (dark lines on a light background)")
        check_pixels(sketch)
        palette = (palette or "").strip() or None
        if reference:
            check_pixels(reference)
            if palette:
                raise gr.Error("give a reference image or a palette hex string, not both")
        elif palette is None:
            palette = ",".join(DEFAULT_SWATCHES)
        noise_strength = 1.0 if noise_strength is None else float(noise_strength)
        seed = 0 if seed in (None, "") else int(seed)
        size = DEFAULT_SIZE if size in (None, "") else int(size)
        res = m(sketchpad_to_image(load_image(sketch)), reference=reference or None, palette=palette,
                seed=seed, size=size, noise="random" if noise_strength > 0 else "none",
                noise_strength=noise_strength, keep_lines=bool(keep_lines),
                flat=True if flat is None else bool(flat))
        return res.image, ",".join(res.palette.to_hex()), seed

    @friendly
    def api_extract_palette(reference):
        """The 9-colour palette of a reference picture as '#rrggbb,...' (largest area first)."""
        if not reference:
            raise gr.Error("no reference given: send a colourful picture to take the palette from")
        check_pixels(reference)
        return ",".join(extract_palette(load_image(reference, keep_alpha=True), PALETTE_SIZE).to_hex())

    # ---- layout ----
    sketch_examples = sorted(str(p) for p in (EXAMPLES / "sketches").glob("*.png"))
    reference_examples = sorted(str(p) for p in (EXAMPLES / "references").glob("*.png"))

    with gr.Blocks(title="Anime Sketch Colorizer", delete_cache=(3600, 3600)) as demo:
        with gr.Column(elem_classes="app-header"):
            gr.Markdown("# 🎨 Anime Sketch Colorizer\n"
                        "Draw or upload line art, pick a reference picture or palette, and colour it. "
                        "The preview follows your strokes and swatch edits.")
            if weights_message:
                gr.Markdown(f"⚠️ {weights_message}", elem_classes="weights-warning")
        tab_state = gr.State("draw")

        with gr.Tabs():
            with gr.Tab("Colorize", id="colorize"):
                with gr.Row(equal_height=False):
                    # 1 - sketch
                    with gr.Column(scale=4, min_width=320):
                        gr.Markdown("### 1 · Sketch", elem_classes="step-title")
                        with gr.Tabs(selected="draw") as sketch_tabs:
                            with gr.Tab("Draw", id="draw") as draw_tab:
                                pad = gr.Sketchpad(
                                    type="pil", image_mode="RGBA", label="Sketch", show_label=False,
                                    canvas_size=(512, 512), fixed_canvas=True, layers=False,
                                    brush=gr.Brush(colors=["#000000"], default_color="#000000",
                                                   color_mode="fixed", default_size=3),
                                    eraser=gr.Eraser(default_size=16), elem_id="sketchpad", height=460,
                                    format="png")
                            with gr.Tab("Upload", id="upload") as upload_tab:
                                upload = gr.Image(type="filepath", label="Sketch image",
                                                  sources=["upload", "clipboard"], height=440,
                                                  elem_id="sketch-upload")
                        if sketch_examples:
                            gr.Examples(sketch_examples, inputs=[upload], label="Example sketches",
                                        examples_per_page=8)

                    # 2 - colours
                    with gr.Column(scale=3, min_width=300):
                        gr.Markdown("### 2 · Colours", elem_classes="step-title")
                        reference = gr.Image(type="filepath", label="Reference picture (optional)",
                                             sources=["upload", "clipboard"], height=200, elem_id="reference")
                        if reference_examples:
                            gr.Examples(reference_examples, inputs=[reference], label="Example references",
                                        examples_per_page=8)
                        swatches, locks = [], []
                        for r in range(3):
                            with gr.Row(equal_height=True, elem_classes="swatch-grid"):
                                for c in range(3):
                                    i = 3 * r + c
                                    with gr.Column(min_width=72, elem_classes="swatch"):
                                        swatches.append(gr.ColorPicker(DEFAULT_SWATCHES[i], label=f"Colour {i + 1}",
                                                                       show_label=False, container=False,
                                                                       elem_id=f"swatch-{i}"))
                                        locks.append(gr.Checkbox(False, label="lock", container=False,
                                                                 elem_id=f"lock-{i}", elem_classes="lock-box"))
                        hex_text = gr.Textbox(",".join(DEFAULT_SWATCHES), label="Palette (hex, editable)",
                                              info="Edit and press Enter. Locked swatches keep their colour "
                                                   "when a reference or preset arrives.",
                                              elem_id="palette-hex", max_lines=2)
                        with gr.Row():
                            preset_dd = gr.Dropdown(list(PRESETS), value=None, label="Preset palettes",
                                                    scale=2, min_width=140)
                        with gr.Row():
                            save_pal = gr.Button("💾 Save palette", size="sm")
                            load_pal = gr.UploadButton("📂 Load palette", file_types=[".json"], size="sm")
                        pal_file = gr.File(label="Palette file", visible=False, height=80, elem_id="palette-file")

                    # 3 - result
                    with gr.Column(scale=4, min_width=320):
                        gr.Markdown("### 3 · Result", elem_classes="step-title")
                        preview = gr.Image(label=f"Live preview ({PREVIEW_SIZE} px, follows your edits)",
                                           type="pil", height=190, interactive=False, elem_id="preview",
                                           format="png")
                        go = gr.Button("Colorize", variant="primary", size="lg", elem_id="colorize-btn")
                        status = gr.Markdown("", elem_id="status")
                        with gr.Tabs():
                            with gr.Tab("Coloured"):
                                result = gr.Image(label="Coloured", type="pil", format="png", interactive=False,
                                                  elem_id="result", height=330)
                            with gr.Tab("Colour layer"):
                                color_layer = gr.Image(label="Flat colour layer", type="pil", format="png",
                                                       interactive=False, height=330)
                            with gr.Tab("Lines"):
                                line_layer = gr.Image(label="Line layer", type="pil", format="png",
                                                      interactive=False, height=330)
                        with gr.Accordion("Settings", open=True):
                            size = gr.Slider(256, 1024, value=DEFAULT_SIZE, step=64,
                                             label="Network size (longer side; the result keeps the sketch's size)")
                            with gr.Row(equal_height=True):
                                seed = gr.Number(0, label="Seed", precision=0, minimum=0, scale=3, min_width=100)
                                dice = gr.Button("🎲 Random", scale=1, min_width=90, size="sm")
                            noise = gr.Slider(0.0, 2.0, value=1.0, step=0.05, label="Noise strength (0 = off)")
                            keep_lines = gr.Checkbox(True, label="Keep original lines on top")
                            flat = gr.Checkbox(True, label="Flat colours (one colour per closed region)",
                                               elem_id="flat")
                        downloads = gr.File(label="Downloads: layers (PNG zip), OpenRaster (.ora), project",
                                            file_count="multiple", interactive=False, elem_id="downloads", height=150)
                        load_proj = gr.UploadButton("📂 Load project (palette, seed, settings)", file_types=[".json"],
                                                    size="sm", elem_id="load-project")

            with gr.Tab("Batch", id="batch"):
                gr.Markdown("### Colour many sketches with one palette\n"
                            "Uses the palette and settings of the **Colorize** tab.")
                with gr.Row():
                    with gr.Column():
                        batch_files = gr.File(label=f"Sketches (up to {MAX_BATCH})", file_count="multiple",
                                              file_types=["image"], type="filepath")
                        batch_go = gr.Button("Colour all", variant="primary")
                        batch_msg = gr.Markdown("")
                    with gr.Column():
                        batch_zip = gr.File(label="Results (zip)", interactive=False, height=100)
                        batch_gallery = gr.Gallery(label="Results", columns=4, height=360)

            with gr.Tab("About", id="about"):
                gr.Markdown(
                    "The model is a small U-Net that gets the sketch plus 9 palette colours as constant input "
                    "planes. A reference picture's palette is found with K-means (largest area first); the "
                    "order of the swatches matters - swatch 1 usually becomes the background.\n\n"
                    "**API:** `colorize(sketch, reference, palette, seed, size, noise_strength, keep_lines, flat)` and "
                    "`extract_palette(reference)` - see *Use via API* at the bottom of the page.\n\n"
                    f"Weights: `{weights_id}`.")

        # hidden components for the API endpoints
        with gr.Column(visible=False):
            a_sketch = gr.File(type="filepath", label="sketch")
            a_ref = gr.File(type="filepath", label="reference")
            a_pal = gr.Textbox(label="palette")
            a_seed = gr.Number(0, label="seed", precision=0)
            a_size = gr.Number(DEFAULT_SIZE, label="size", precision=0)
            a_noise = gr.Number(1.0, label="noise_strength")
            a_keep = gr.Checkbox(False, label="keep_lines")
            a_flat = gr.Checkbox(True, label="flat")
            a_img = gr.Image(type="pil", format="png", label="image")
            a_pal_out = gr.Textbox(label="palette_used")
            a_seed_out = gr.Number(label="seed_used", precision=0)
            a_btn = gr.Button("api-colorize")
            a_btn2 = gr.Button("api-extract")

        # ---- events ----
        settings = [seed, size, noise, keep_lines, flat]
        prev_inputs = [tab_state, pad, upload, *swatches, seed, noise, keep_lines, flat]
        prev_kw = dict(fn=preview_ui, inputs=prev_inputs, outputs=preview, trigger_mode="always_last",
                       concurrency_limit=1, concurrency_id="preview", show_progress="minimal",
                       api_visibility="undocumented")
        pal_outputs = swatches + [hex_text]

        draw_tab.select(lambda: "draw", None, tab_state, api_visibility="private", queue=False)
        upload_tab.select(lambda: "upload", None, tab_state, api_visibility="private", queue=False)

        def on_upload(path):
            if path:
                return "upload", gr.Tabs(selected="upload")
            return gr.update(), gr.update()
        upload.change(on_upload, upload, [tab_state, sketch_tabs], api_visibility="private",
                      queue=False).then(**prev_kw)
        gr.on([pad.change], api_name="preview", **prev_kw)
        # Every palette change (a swatch edit, a reference, a preset, a file) ends in the hex text,
        # which changes once per new palette even when 9 swatches changed: that drives the
        # preview, which keeps only the latest request (always_last, one at a time).
        gr.on([s.change for s in swatches], swatch_edit_ui, swatches, hex_text, api_visibility="private",
              queue=False, trigger_mode="always_last")
        gr.on([hex_text.change, seed.change, noise.release, keep_lines.input, flat.input], **prev_kw)
        hex_text.submit(hex_text_ui, hex_text, pal_outputs, api_visibility="private")
        reference.change(reference_ui, [reference, *swatches, *locks], pal_outputs,
                         api_visibility="undocumented", concurrency_limit=2)
        preset_dd.input(preset_ui, [preset_dd, *swatches, *locks], pal_outputs,
                        api_visibility="private")
        save_pal.click(save_palette_ui, swatches, pal_file, api_visibility="private")
        load_pal.upload(load_palette_ui, load_pal, pal_outputs, api_visibility="private")
        dice.click(lambda: random.randint(0, 2**31 - 2), None, seed, api_visibility="private", queue=False)
        go.click(colorize_ui, [tab_state, pad, upload, *swatches, *settings],
                 [result, color_layer, line_layer, downloads, status],
                 concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented",
                 trigger_mode="once")
        load_proj.upload(load_project_ui, load_proj, pal_outputs + settings + [status],
                         api_visibility="private").then(**prev_kw)
        batch_go.click(batch_ui, [batch_files, *swatches, *settings], [batch_zip, batch_gallery, batch_msg],
                       concurrency_limit=1, concurrency_id="colorize", api_visibility="undocumented")

        a_btn.click(api_colorize, [a_sketch, a_ref, a_pal, a_seed, a_size, a_noise, a_keep, a_flat],
                    [a_img, a_pal_out, a_seed_out], api_name="colorize",
                    concurrency_limit=1, concurrency_id="colorize")
        a_btn2.click(api_extract_palette, a_ref, a_pal_out, api_name="extract_palette", concurrency_limit=2)

        # Start with the brush selected, so that the canvas takes strokes at once.
        demo.load(None, None, None, js=SELECT_BRUSH_JS)

    demo.queue(max_size=64, default_concurrency_limit=1)
    return demo


THEME = gr.themes.Soft(primary_hue="rose", secondary_hue="indigo", neutral_hue="slate",
                       font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
                       font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def main(argv=None):
    ap = argparse.ArgumentParser(description="Anime Sketch Colorizer web app")
    ap.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    ap.add_argument("--weights", default=None, help="weights folder (config.json + model.safetensors)")
    ap.add_argument("--random-weights", nargs="?", const="default", default=os.environ.get(RANDOM_ENV) or None,
                    metavar="PRESET", help="untrained weights for testing (preset: default, tiny, paper)")
    args = ap.parse_args(argv)
    model, message = load_model(args.weights, args.random_weights)
    if message:
        print("WARNING:", message, flush=True)
    demo = build_demo(model, message)
    demo.launch(server_name=args.host, server_port=args.port, max_file_size=MAX_FILE_SIZE,
                theme=THEME, css=CSS, show_error=True, footer_links=["api", "gradio"])


if __name__ == "__main__":
    main()
