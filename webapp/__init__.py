"""The Gradio web app around :mod:`colorizer` (the library never imports this package).

* :mod:`webapp.ui` - :class:`ColorizerApp`: builds the page and wires its events.
* :mod:`webapp.layout` - the components (``style.css`` and ``about.md`` beside it).
* :mod:`webapp.callbacks` - the callbacks (dict inputs and outputs keyed by component).
* :mod:`webapp.api` - the named API endpoints ``/colorize`` and ``/extract_palette``.
* :mod:`webapp.state` - what is kept between events: the sketch, the shown result, the output folder.
* :mod:`webapp.swatches` - the swatch row (:class:`Swatches`: a Palette plus locks) and ``PALETTE_PRESETS``.
* :mod:`webapp.pins` - pins (click hints): the list with undo, markers.
* :mod:`webapp.sketchpad` - the picture guard and Sketchpad values -> a sketch.
* :mod:`webapp.project` - project and palette JSON files (read through the library's bounded JSON reader).
* :mod:`webapp.exports` - layered downloads (PNG zip, OpenRaster, PSD).
* :mod:`webapp.model` - loading the weights, what their swatches mean, the path-free weights id.
* :mod:`webapp.browser` - a server and Chromium for :mod:`webapp.screenshot` (the docs screenshot),
  :mod:`webapp.bench_browser` (the browser benchmark) and the browser tests.
"""

from .model import RANDOM_ENV, load_model, takes_pins, weights_label
from .swatches import PALETTE_PRESETS, Swatches

__all__ = ["PALETTE_PRESETS", "RANDOM_ENV", "Swatches", "load_model", "takes_pins", "weights_label"]
