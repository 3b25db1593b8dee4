"""Loading the model for the app, and the path-free weights id it shows and writes in projects."""

from __future__ import annotations

import hashlib
from pathlib import Path

from colorizer import Colorizer, ColorizerError, preset

# Set to a preset name (or 1) to start the app with untrained weights.
RANDOM_ENV = "COLORIZER_RANDOM_WEIGHTS"


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


def takes_pins(model) -> bool:
    """What these weights' swatches mean, decided once when the app is made: True for weights with a
    role head (swatch ``k`` colours part ``k`` and a click pins a region to a part), False for
    weights without one and for no weights (the swatches still carry the parts' labels)."""
    return model is not None and model.part_names is not None


def weights_label(weights_id: str) -> str:
    """A stable, path-free id for a weights folder: ``<folder name>@<sha256 of the weights, 12 hex>``.

    Ids that are not folders (``random(seed=0)``) are returned unchanged.
    """
    p = Path(str(weights_id))
    f = p / "model.safetensors"
    if not f.is_file():
        return str(weights_id)
    h = hashlib.sha256()
    with open(f, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return f"{p.name}@{h.hexdigest()[:12]}"


__all__ = ["RANDOM_ENV", "load_model", "takes_pins", "weights_label"]
