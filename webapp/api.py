"""The named API of the app: ``/colorize`` and ``/extract_palette`` (and the test endpoint
``/debug_last_result``), as methods of :class:`NamedApi`, a base of :class:`webapp.ui.ColorizerApp`.

The endpoints take raw values (Gradio does not preprocess them): every value is checked here or by
the library, so a bad one gets a clear refusal naming it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .callbacks import file_path, friendly, refuse
from .pins import parse_pin_list
from .refclicks import parse_match_list
from .sketchpad import check_pixels, sketchpad_to_image
from .state import DEFAULTS, options_from


class NamedApi:
    """The named API endpoints (they need ``need_model``, ``extract``, ``palette_size``, ``outputs``)."""

    @friendly
    def api_colorize(self, sketch, reference=None, palette=None, seed=DEFAULTS.seed, size=DEFAULTS.size,
                     noise_strength=DEFAULTS.noise_strength, keep_lines=DEFAULTS.keep_lines, flat=DEFAULTS.flat,
                     cel_shading=DEFAULTS.cel_shading, hints=None, matches=None):
        """Colour a sketch with a reference picture's palette or a palette hex string (neither: the default).

        ``hints``: JSON list of ``[x, y, slot]`` in the sketch's pixels (slot 0..8 or a name such as
        "hair"), each pinning the region under the point to that slot (semantic weights).
        ``matches``: JSON list of ``[x, y, rx, ry]`` (sketch and reference pixels; needs the
        reference), each giving the sketch region under ``(x, y)`` the part and colour of the
        reference at ``(rx, ry)``; with matches a palette may come with the reference (the palette
        gives the slot colours, the reference serves the matches)."""
        m = self.need_model()
        sketch, reference = file_path(sketch), file_path(reference)
        if not sketch:
            raise refuse("no sketch given: send a sketch image (dark lines on a light background)")
        img = sketchpad_to_image(sketch, source="upload")
        palette = str(palette or "").strip()[:4096] or None
        pins = parse_pin_list(hints, self.palette_size)
        found = parse_match_list(matches)
        if found and not reference:
            raise refuse("matches need a reference picture: send the reference as well")
        if reference:
            if palette and not found:
                raise refuse("give a reference image or a palette hex string, not both")
            check_pixels(reference, "reference")
        match_reference = reference if palette and found else None
        if match_reference:
            reference = None
        options = options_from({"seed": seed, "size": size, "noise_strength": noise_strength,
                                "keep_lines": DEFAULTS.keep_lines if keep_lines is None else keep_lines,
                                "flat": DEFAULTS.flat if flat is None else flat,
                                "cel_shading": DEFAULTS.cel_shading if cel_shading is None else cel_shading})
        if seed in (None, ""):
            options = options.replace(seed=None)
        if size in (None, ""):
            options = options.replace(size=None)
        res = m(img, reference=reference or None, palette=palette, options=options, hints=pins or None,
              matches=found or None, match_reference=match_reference)
        return res.image, ",".join(res.palette.to_hex()), res.seed if res.seed is not None else options.seed

    @friendly
    def api_extract_palette(self, reference):
        """The 9-colour palette of a reference picture as '#rrggbb,...' (what /colorize uses for it)."""
        reference = file_path(reference)
        if not reference:
            raise refuse("no reference given: send a colourful picture to take the palette from")
        return ",".join(self.extract(reference).to_hex())

    def debug_last_result(self):
        """Test endpoint: the last UI colouring's slot map (mode L PNG, 255 = none), picture and lines."""
        res = self.last_result
        if res is None:
            raise refuse("nothing coloured yet")
        if res.slots is None:
            raise refuse("the last result has no slot map (weights without a role head, or flat off)")
        folder = self.outputs.new_dir()
        Image.fromarray(np.asarray(res.slots, np.uint8), "L").save(folder / "slots.png")
        res.image.save(folder / "image.png")
        res.lines.convert("L").save(folder / "lines.png")
        return str(folder / "slots.png"), str(folder / "image.png"), str(folder / "lines.png")


__all__ = ["NamedApi"]
