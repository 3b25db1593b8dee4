"""The app's callbacks: :class:`Callbacks`, the base of :class:`webapp.ui.ColorizerApp`.

Every UI callback takes one dict of input values keyed by component (Gradio's dict inputs:
``d[self.ui.palette_state]``) and returns a dict of output values keyed by component, so no
callback counts positions. The readers (:meth:`sketch`, :meth:`swatches`, :meth:`options`,
:meth:`pins`) turn widget values into the library's types once; hex text exists only at the
swatch widgets (:meth:`palette_update`). Library errors become ``gr.Error`` with the
library's message (:func:`friendly`). The named API (:mod:`webapp.api`: ``/colorize``,
``/extract_palette``) keeps its documented positional parameters.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import re
import time
import warnings
import zipfile
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from colorizer import ColorizerError
from colorizer.character import CharacterError, character_dict, parse_character, save_character
from colorizer.palette import PALETTE_SIZE, Palette

from .exports import layered_files, layers_zip
from .layout import DEFAULT_PIN_SLOT, MAX_BATCH, PREVIEW_SIZE
from .pins import PinError, Pins, check_point, click_to_sketch, draw_markers, slot_label
from .project import PALETTE_FORMAT, PROJECT_FORMAT, Project, ProjectError, palette_from_json, read_document
from .refclicks import MATCH_MODE, MatchList
from .sketchpad import check_pixels, sketchpad_to_image
from .state import Shown, SketchIn, options_from, settings_values
from .swatches import PALETTE_PRESETS, Swatches, strict_palette, swatch_label

# The live preview's network arithmetic (ColorizeOptions.precision): 8-bit; the Colorize result stays float32.
PREVIEW_PRECISION = "int8"


def friendly(fn):
    """Turn library errors into gr.Error with the library's user-readable message."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except ColorizerError as e:  # the user's mistake, said in words: no traceback in the server log
            raise refuse(str(e)) from None
    return wrapper


def refuse(message: str) -> gr.Error:
    """The error a user sees for a mistake of theirs (no traceback in the server log)."""
    return gr.Error(message, print_exception=False)


def _slug(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name.strip()).strip("._")
    return (s or "character")[:60]


def file_path(file) -> str | None:
    if not file:
        return None
    if isinstance(file, (list, tuple)):
        file = file[0] if file else None
        if not file:
            return None
    if isinstance(file, dict):
        return file.get("path")
    return file if isinstance(file, str) else getattr(file, "path", None) or getattr(file, "name", None)


def unchanged(component) -> dict:
    """The outputs of a callback that changes nothing (Gradio needs one value at least)."""
    return {component: gr.skip()}


def nothing_changed(out: dict) -> bool:
    return all(v == gr.skip() for v in out.values())


def sketch_in(make) -> SketchIn:
    """``make()`` -> a :class:`SketchIn` with its key, or the library's reason there is no sketch."""
    try:
        img = make()
    except ColorizerError as e:
        return SketchIn(error=str(e))
    key = hashlib.sha1(f"{img.size}".encode() + img.tobytes()).hexdigest()
    return SketchIn(img, None, key)


class Callbacks:
    """The callbacks of the app around one model; ``self.ui`` holds the components by name."""

    # -- readers: widget values -> the library's types ---------------------------------------
    def sketch(self, d) -> Image.Image:
        """The sketch of the tab in use (decoded once, when it changed)."""
        tab = d.get(self.ui.tab_state)
        held = d.get(self.ui.uploaded if tab == "upload" else self.ui.drawn)
        return (held if isinstance(held, SketchIn) else SketchIn()).get()

    def sketch_key(self, d) -> str | None:
        held = d.get(self.ui.uploaded if d.get(self.ui.tab_state) == "upload" else self.ui.drawn)
        return held.key if isinstance(held, SketchIn) else None

    def swatches(self, d) -> Swatches:
        """The swatches (the palette state), with the lock boxes' values when the event reads them."""
        sw = d.get(self.ui.palette_state)
        if not isinstance(sw, Swatches) or len(sw) != self.palette_size:
            sw = Swatches.default(self.palette_size)
        if self.ui.locks[0] in d:
            sw = sw.with_locks([bool(d.get(box)) for box in self.ui.locks])
        return sw

    def options(self, d):
        return options_from({name: d.get(comp) for name, comp in self.ui.settings.items()})

    def pins(self, d) -> Pins:
        pins = d.get(self.ui.pins_state)
        return pins if isinstance(pins, Pins) else Pins.of(pins) if pins else Pins()

    # -- output builders -------------------------------------------------------------------
    def palette_update(self, sw: Swatches, pickers: bool = True) -> dict:
        """The swatch widgets showing ``sw``: pickers (colour and label; labels only when not
        ``pickers``, so that no new change event fires), hex boxes, state and hex text."""
        ui, colors = self.ui, sw.hex()
        out = {p: gr.update(value=c, label=lab) if pickers else gr.update(label=lab)
               for p, c, lab in zip(ui.swatches, colors, sw.labels)}
        out.update(zip(ui.hexes, colors))
        out.update({ui.palette_state: sw, ui.hex_text: sw.text})
        return out

    def pin_message(self, pins: Pins, note: str | None = None, slot: int | None = None) -> str:
        if not self.takes_pins:
            return (f"⚠️ {note}\n\n" if note and self.pins_off_message not in note else "") + \
                f"ℹ️ {self.pins_off_message}"
        n = len(pins)
        part = swatch_label(DEFAULT_PIN_SLOT if slot is None else int(slot))
        head = f"📍 {n} pin{'s' if n != 1 else ''}." if n else "No pins yet."
        text = f"{head} Click inside a region of the preview or the result to make it **{part}**."
        return f"⚠️ {note}\n\n{text}" if note else text

    def pins_update(self, pins: Pins, note: str | None = None, slot: int | None = None) -> dict:
        ui, choices = self.ui, pins.choices()
        return {ui.pins_state: pins, ui.pins_table: pins.rows(),
                ui.pin_choice: gr.update(choices=choices, value=choices[-1][1] if choices else None),
                ui.pin_info: self.pin_message(pins, note, slot)}

    def status_text(self, shown: Shown | None) -> str:
        if shown is None:
            return ""
        res, pins, opts = shown.result, shown.pins, shown.options
        w, h = res.image.size
        text = (f"Done in {shown.seconds:.2f} s · {w}×{h} px (network ran at {res.size[0]}×{res.size[1]}) · "
                f"seed {opts.seed}" + (f" · {len(pins)} pin{'s' if len(pins) != 1 else ''}" if len(pins) else "")
                + f" · weights `{self.weights_id}`")
        if shown.stale:
            text += f"\n\n⚠️ **Out of date:** {shown.stale} since this result. Press **Colorize** to update it."
        return text

    # -- the sketch ------------------------------------------------------------------------
    def select_draw(self):
        return "draw"

    def select_upload(self):
        return "upload"

    def sketch_drawn(self, d):
        """The canvas changed (raw value: read and checked here, before anything is decoded)."""
        value = d.get(self.ui.pad)
        blobs = None
        if isinstance(value, dict) and value.get("id"):
            blobs = self.ui.pad.blob_storage.pop(value["id"], None)
        return {self.ui.drawn: sketch_in(lambda: sketchpad_to_image(value, blobs=blobs, source="canvas"))}

    def sketch_uploaded(self, d):
        """A new sketch file: read and checked, its tab shown; the pins of the previous picture go (undo
        brings them back)."""
        ui, value = self.ui, d.get(self.ui.upload)
        pins = self.pins(d)
        if not value:
            return {ui.uploaded: SketchIn(error="no sketch uploaded: upload (or paste) a sketch image, or switch "
                                                "to 'Draw'")}
        out = {ui.uploaded: sketch_in(lambda: sketchpad_to_image(value, source="upload")), ui.tab_state: "upload",
               ui.sketch_tabs: gr.Tabs(selected="upload")}
        note = "The pins were cleared for the new sketch (↶ Undo brings them back)." if len(pins) else None
        out.update(self.pins_update(pins.clear(), note))
        return out

    def check_result(self, d):
        """The sketch, settings or pins changed: the shown result is marked out of date (or no longer)."""
        shown = d.get(self.ui.result_state)
        if not isinstance(shown, Shown):
            return unchanged(self.ui.status)
        why = []
        if self.sketch_key(d) != shown.sketch_key:
            why.append("the sketch")
        try:
            if self.options(d) != shown.options:
                why.append("the settings")
        except ColorizerError:
            why.append("the settings")
        if self.pins(d).points != shown.pins.points:
            why.append("the pins")
        if self.ui.matches_state in d and self.matches(d).points != tuple(shown.matches):
            why.append("the point matches")
        stale = " and ".join(why) + (" have" if len(why) > 1 else " has") + " changed" if why else None
        if stale == shown.stale:
            return unchanged(self.ui.status)
        shown = shown.marked(stale)
        return {self.ui.result_state: shown, self.ui.status: self.status_text(shown)}

    # -- the palette -----------------------------------------------------------------------
    @friendly
    def swatches_changed(self, d):
        """A picker changed (by the user or a callback): hex boxes, labels and the hex text follow."""
        prev = self.swatches(d)
        new = prev.edited(strict_palette([d.get(p) or "#ffffff" for p in self.ui.swatches], self.palette_size))
        return self.palette_update(new, pickers=False)

    @friendly
    def hexes_submitted(self, d):
        """A hex box was edited: its colour goes to its picker; a bad one is put back, with a warning."""
        prev = self.swatches(d)
        pal = prev.palette
        for i, (box, old) in enumerate(zip(self.ui.hexes, prev.hex())):
            text = str(d.get(box) or "").strip()
            if text and text != old:
                try:
                    pal = pal.replace(i, Palette.from_hex([text], 1).to_hex()[0])
                except ColorizerError as e:
                    gr.Warning(f"{swatch_label(i)}: {e}")
        return self.palette_update(prev.edited(pal))

    @friendly
    def hex_submitted(self, d):
        """The hex text was edited: like the library, a short palette takes the slots' defaults."""
        text = str(d.get(self.ui.hex_text) or "")[:4096]
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            pal = Palette.from_hex(text, self.palette_size)
        for w in said:
            gr.Warning(str(w.message))
        return self.palette_update(self.swatches(d).edited(pal))

    @friendly
    def reference_changed(self, d):
        """A reference (raw upload: checked here, so a non-picture gets a clear message)."""
        path = file_path(d.get(self.ui.reference))
        if not path:
            return unchanged(self.ui.hex_text)
        return self.palette_update(self.swatches(d).receive(self.extract(path)))

    @friendly
    def preset_chosen(self, d):
        name = d.get(self.ui.preset)
        if name is None or name == "" or name == []:
            return unchanged(self.ui.hex_text)  # the list was opened and closed without a choice
        if not isinstance(name, str) or name not in PALETTE_PRESETS:
            raise refuse(f"unknown preset {str(name)[:40]!r}; the presets are {', '.join(PALETTE_PRESETS)}")
        return self.palette_update(self.swatches(d).receive(PALETTE_PRESETS[name]))

    @friendly
    def save_character(self, d):
        """The swatches as a character palette file (slots marked default are left out: they load as defaults)."""
        if self.palette_size != PALETTE_SIZE:
            raise refuse(f"character palettes hold {PALETTE_SIZE} colours; these weights take {self.palette_size}")
        pal = self.swatches(d).palette
        name = str(d.get(self.ui.character_name) or "").strip()[:120] or "My character"
        path = self.outputs.new_dir() / f"{_slug(name)}.json"
        save_character(path, name, pal, include_defaults=bool(np.all(pal.defaults)))
        return {self.ui.character_file: gr.File(value=str(path), visible=True)}

    def read_palette_file(self, file) -> tuple[str | None, Palette]:
        """(character name or None, palette) from a character file, or an older palette / project file."""
        path = file_path(file)
        if not path:
            raise refuse("choose a character palette .json file")
        p = Path(path)
        try:
            doc = read_document(p, "character palette file")
        except ProjectError as e:
            raise refuse(f"{p.name}: {e}") from None
        older = isinstance(doc, list) or (isinstance(doc, dict) and doc.get("format") in (PALETTE_FORMAT,
                                                                                         PROJECT_FORMAT))
        if older:
            return None, palette_from_json(p)
        try:
            return parse_character(p.read_bytes(), p.name)
        except CharacterError as e:
            raise refuse(str(e)) from None

    @friendly
    def load_character(self, d):
        name, pal = self.read_palette_file(d.get(self.ui.load_character))
        if len(pal) != self.palette_size:
            raise refuse(f"the file holds {len(pal)} colours; these weights take {self.palette_size}")
        out = self.palette_update(self.swatches(d).receive(pal))
        if name is not None:
            out[self.ui.character_name] = name
        return out

    # -- pins ------------------------------------------------------------------------------
    def pin_on_preview(self, d, evt: gr.SelectData):
        return self.sketch_click(d, evt, d.get(self.ui.preview_size))

    def pin_on_result(self, d, evt: gr.SelectData):
        shown = d.get(self.ui.result_state)
        return self.sketch_click(d, evt, shown.result.image.size if isinstance(shown, Shown) else None)

    def sketch_click(self, d, evt, shown_size):
        """A click on the preview or the result: the sketch end of a point match in match mode, else a pin."""
        if d.get(self.ui.ref_click) == MATCH_MODE:
            return self.add_match(d, evt, shown_size)
        return self.add_pin(d, evt, shown_size)

    def sketch_point(self, d, evt, shown_size, what: str) -> tuple[int, int]:
        """The sketch pixel under a click at ``evt.index`` on a picture shown at ``shown_size``;
        a :class:`PinError` saying why when the click cannot name one (no sketch, nothing shown
        yet, beside the picture, on a line). ``what`` names the click in messages ("pin", "match")."""
        try:
            sketch = self.sketch(d)
        except ColorizerError as e:
            raise PinError(f"no sketch to {what}: {e}") from None
        if shown_size is None:
            raise PinError("colour the sketch first, then click on the picture")
        index = getattr(evt, "index", None)
        if index is None:
            raise PinError("that click was beside the picture: click on the picture itself")
        x, y = click_to_sketch(index, tuple(shown_size), sketch.size)
        check_point(sketch, x, y)
        return x, y

    def add_pin(self, d, evt, shown_size):
        """A click at ``evt.index`` on a picture of ``shown_size`` pins that region to the chosen part.
        A click that cannot be a pin (no role head, beside the picture, on a line) says why and changes nothing."""
        pins, slot = self.pins(d), d.get(self.ui.pin_slot)
        try:
            if not self.takes_pins:
                raise PinError(self.pins_off_message)
            if slot is None or not 0 <= int(slot) < self.palette_size:
                raise PinError("choose the part to pin to (under Pins) first")
            x, y = self.sketch_point(d, evt, shown_size, "pin")
            new = pins.add(x, y, int(slot))
        except PinError as e:
            gr.Warning(str(e))
            return self.pins_update(pins, str(e), slot)
        return self.pins_update(new, None, slot)

    def remove_pin(self, d):
        pins, index = self.pins(d), d.get(self.ui.pin_choice)
        if index in (None, ""):
            msg = "choose the pin to remove in the list first" if len(pins) else "there are no pins to remove"
            gr.Warning(msg)
            return self.pins_update(pins, msg)
        try:
            return self.pins_update(pins.remove(int(index)))
        except (PinError, TypeError, ValueError) as e:
            gr.Warning(str(e))
            return self.pins_update(pins, str(e))

    def undo_pin(self, d):
        pins = self.pins(d)
        if not pins.can_undo:
            return self.pins_update(pins, "nothing to undo")
        return self.pins_update(pins.undo())

    def clear_pins(self, d):
        return self.pins_update(self.pins(d).clear())

    def pin_slot_changed(self, d):
        return {self.ui.pin_info: self.pin_message(self.pins(d), None, d.get(self.ui.pin_slot))}

    # -- colouring -------------------------------------------------------------------------
    def random_seed(self) -> int:
        return random.randint(0, 2**31 - 2)

    def colorize_started(self):
        """The click: the status says so, and the time is kept, so that "Done in" is the time the user waited."""
        return {self.ui.status: "⏳ Colouring…", self.ui.clicked_at: time.time()}

    def colorize_failed(self, d):
        """After an error (its message is the toast) the status no longer claims a result."""
        shown = d.get(self.ui.result_state)
        text = ("⚠️ Colorize did not finish (see the message); the picture shown is the earlier result."
                if isinstance(shown, Shown) else "")
        return {self.ui.status: text}

    @friendly
    def colorize(self, d):
        """The result, shown as soon as it is computed; the layers and downloads follow (:meth:`downloads`)."""
        clicked = d.get(self.ui.clicked_at)
        t0 = time.time()
        t0 = clicked if isinstance(clicked, float) and 0 <= t0 - clicked < 3600 else t0
        sketch = self.sketch(d)
        swatches, options = self.swatches(d), self.options(d)
        pins = self.pins_for(self.pins(d), sketch)
        matches, reference = self.matches_for(d)
        res = self.run(sketch, swatches, options, pins, matches, reference)
        self.last_result = res
        shown = Shown(res, sketch, swatches, options, pins, time.time() - t0, sketch_key=self.sketch_key(d),
                      matches=matches, reference=reference)
        return self.result_update(shown)

    def result_update(self, shown: Shown) -> dict:
        ui = self.ui
        return {ui.result: shown.result.image, ui.status: self.status_text(shown), ui.result_state: shown,
                ui.downloads: None}

    @friendly
    def recolor(self, d):
        """New swatches: the shown result is redrawn with them (the network's output for its sketch,
        pins and settings is cached, so this is a render, not a new run) and its downloads follow."""
        shown = d.get(self.ui.result_state)
        swatches = self.swatches(d)
        if not isinstance(shown, Shown) or swatches == shown.swatches.with_locks(swatches.locks):
            return unchanged(self.ui.status)
        t0 = time.perf_counter()
        res = self.run(shown.sketch, swatches, shown.options, shown.pins, shown.matches, shown.reference)
        self.last_result = res
        return self.result_update(Shown(res, shown.sketch, swatches, shown.options, shown.pins,
                                        time.perf_counter() - t0, shown.stale, shown.sketch_key,
                                        matches=shown.matches, reference=shown.reference))

    @friendly
    def downloads(self, d):
        """The colour and line layers and the files of the shown result: layered PSD and ORA, a zip of
        PNG layers and the project file, written from the very result on the page."""
        shown = d.get(self.ui.result_state)
        if not isinstance(shown, Shown) or shown.files is not None:
            return unchanged(self.ui.downloads)
        res = shown.result
        project = Project.create(res.palette, shown.options, self.weights_id, shown.sketch,
                                 hints=shown.pins.to_list(), matches=shown.matches).to_json()
        folder = self.outputs.new_dir()
        files = [str(f) for f in layered_files(res, folder)]
        files.append(str(layers_zip(res, folder / "colorized_layers.zip", project)))
        (folder / "colorized_project.json").write_text(project)
        files.append(str(folder / "colorized_project.json"))
        ui = self.ui
        return {ui.color_layer: res.color, ui.line_layer: res.lines.convert("RGB"), ui.downloads: files,
                ui.result_state: shown.with_files(tuple(files))}

    def preview(self, d):
        """Best effort at PREVIEW_SIZE, with the pins as numbered markers: an empty canvas or missing
        weights just clear the preview; pins outside the sketch are left out."""
        ui = self.ui
        if self.model is None:
            return {ui.preview: None, ui.preview_size: None}
        try:
            sketch = self.sketch(d)
            swatches, options = self.swatches(d), self.options(d)
            pins = self.pins(d) if self.takes_pins else Pins()
            outside = set(pins.outside(sketch.size))
            inside = [p for i, p in enumerate(pins.points) if i not in outside]
            matches, reference = self.matches_for(d, strict=False)
            res = self.run(sketch, swatches, options.replace(size=PREVIEW_SIZE, output_size=PREVIEW_SIZE,
                                                             precision=PREVIEW_PRECISION), inside,
                           matches, reference)
        except (ColorizerError, gr.Error):
            return {ui.preview: None, ui.preview_size: None}
        img = res.image
        if inside:
            scale = (img.size[0] / sketch.size[0], img.size[1] / sketch.size[1])
            img = draw_markers(img, inside, swatches.palette.colors, scale)
        return {ui.preview: img, ui.preview_size: img.size}

    @friendly
    def load_project(self, d):
        ui = self.ui
        file = d.get(ui.load_project)
        if not file:
            raise refuse("choose a project .json file")
        p = Project.from_json(file_path(file))
        if p.weights_id != self.weights_id:
            gr.Warning(f"The project was made with weights '{p.weights_id[:80]}', this app runs "
                       f"'{self.weights_id}': the result may differ.")
        values = settings_values(p.options, self.network_size())
        note, hints = None, p.hints
        if hints and not self.takes_pins:
            note = f"the project's {len(hints)} pins are left out"
            gr.Warning(f"{note}: {self.pins_off_message}")
            hints = []
        old = self.pins(d)
        new = Pins(tuple(tuple(h) for h in hints), old.clear().history)
        out = self.palette_update(Swatches(p.palette))
        out.update({comp: values[name] for name, comp in ui.settings.items()})
        out.update(self.pins_update(new, note))
        out.update(self.matches_update(MatchList(tuple(tuple(m) for m in p.matches))))
        out[ui.status] = (f"Loaded the project: seed {values['seed']}, size {values['size']}, noise "
                          f"{values['noise_strength']:g}" + (f", {len(hints)} pins" if hints else "") +
                          (f", {len(p.matches)} point matches (they need the same reference)" if p.matches else "") +
                          ". Use the same sketch and press **Colorize** to reproduce the result.")
        return out

    @friendly
    def batch(self, d, progress=gr.Progress()):
        ui = self.ui
        swatches, options = self.swatches(d), self.options(d)
        self.need_model()
        files = d.get(ui.batch_files)
        if not files:
            raise refuse("add some sketch images to colour first")
        if len(files) > MAX_BATCH:
            raise refuse(f"a batch holds at most {MAX_BATCH} sketches; you gave {len(files)}. Split it up.")
        who, character = None, d.get(ui.batch_character)
        if file_path(character):
            who, pal = self.read_palette_file(character)
            if len(pal) != self.palette_size:
                raise refuse(f"the character file holds {len(pal)} colours; these weights take {self.palette_size}")
            swatches = Swatches(pal)
            who = who or Path(file_path(character)).stem
        folder = self.outputs.new_dir()
        zpath = folder / "colorized_batch.zip"
        gallery, failed = [], []
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
            for i, f in enumerate(progress.tqdm(files, desc="Colouring")):
                path = file_path(f) or str(f)
                stem = Path(path).stem
                try:
                    res = self.run(sketchpad_to_image(path, source="upload"), swatches, options)
                except ColorizerError as e:
                    failed.append(f"{Path(path).name}: {e}")
                    continue
                out = folder / f"{i:03d}_{stem}.png"
                res.image.save(out)
                z.write(out, out.name)
                gallery.append((str(out), stem))
            z.writestr("project.json", Project.create(swatches.palette, options, self.weights_id).to_json())
            if who is not None:
                z.writestr("character.json", json.dumps(character_dict(who, swatches.palette), indent=2) + "\n")
        msg = f"Coloured {len(gallery)} of {len(files)} sketches" + (f" as **{who}**." if who else ".")
        if failed:
            msg += " Skipped: " + "; ".join(failed)
        if not gallery:
            raise refuse(msg)
        return {ui.batch_zip: str(zpath), ui.batch_gallery: gallery, ui.batch_msg: msg}

    # -- helpers -----------------------------------------------------------------------------
    def need_model(self):
        if self.model is None:
            raise refuse(self.weights_message or "no weights are loaded")
        return self.model

    def extract(self, reference) -> Palette:
        """The palette of a reference file, as /colorize and the CLI find it (checked before it is decoded)."""
        check_pixels(reference, "reference")
        return self.palette_source.extract_palette(reference)

    def run(self, sketch, swatches: Swatches, options, pins=(), matches=(), reference=None):
        """One colouring with the swatches; point matches point into ``reference``."""
        hints = list(getattr(pins, "points", pins) or ())
        if matches:
            return self.need_model()(sketch, palette=swatches.palette, options=options, hints=hints or None,
                                     matches=list(matches), match_reference=reference)
        return self.need_model()(sketch, palette=swatches.palette, options=options, hints=hints or None)

    def matches_for(self, d, strict: bool = True) -> tuple[tuple, str | None]:
        """The point matches a colouring takes and the reference they point into; a clear error
        (``strict``) or none (the preview) when there are matches but no reference."""
        matches = self.matches(d).points
        if not matches:
            return (), None
        reference = self.reference_path(d)
        if not reference:
            if strict:
                raise refuse("the point matches need the reference picture: upload it again or clear the matches")
            return (), None
        return matches, reference

    def pins_for(self, pins: Pins, sketch: Image.Image) -> Pins:
        """The pins a colouring of ``sketch`` takes; a clear error for pins it cannot take."""
        if not len(pins):
            return pins
        if not self.takes_pins:
            raise refuse(self.pins_off_message + " Clear the pins to colour.")
        bad = pins.outside(sketch.size)
        if bad:
            x, y, s = pins.points[bad[0]]
            raise refuse(f"pin {bad[0] + 1} ({slot_label(s)} at ({x}, {y})) is outside the "
                           f"{sketch.size[0]}x{sketch.size[1]} sketch: remove it or clear the pins")
        return pins


__all__ = ["PREVIEW_PRECISION", "Callbacks", "file_path", "friendly", "nothing_changed", "refuse", "sketch_in",
           "unchanged"]
