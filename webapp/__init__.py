"""The Gradio web app around :mod:`colorizer` (the library never imports this package).

* :mod:`webapp.ui` - :class:`ColorizerApp`: layout, event wiring and the callbacks.
* :mod:`webapp.swatches` - the swatch row (:class:`Swatches`, locks) and ``PALETTE_PRESETS``.
* :mod:`webapp.sketchpad` - Sketchpad values and uploads -> a sketch; the pixel cap.
* :mod:`webapp.project` - project and palette JSON files.
* :mod:`webapp.exports` - layered downloads (PNG zip, OpenRaster).
* :mod:`webapp.model` - loading the weights, the path-free weights id.
"""

from .model import RANDOM_ENV, load_model, weights_label
from .swatches import PALETTE_PRESETS, Swatches

__all__ = ["PALETTE_PRESETS", "RANDOM_ENV", "Swatches", "load_model", "weights_label"]
