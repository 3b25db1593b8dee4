"""Shared test set-up: offline, one thread, small synthetic images."""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture
def sketch_image() -> Image.Image:
    """A small line drawing: a head, a body and an arm, black on white."""
    im = Image.new("RGB", (96, 80), "white")
    d = ImageDraw.Draw(im)
    d.ellipse((30, 6, 62, 38), outline="black", width=2)
    d.rectangle((26, 40, 66, 76), outline="black", width=2)
    d.line((66, 46, 90, 60), fill="black", width=2)
    return im


@pytest.fixture
def block_image() -> tuple[Image.Image, np.ndarray]:
    """Nine colour blocks of equal size, and their colours."""
    colors = np.array([
        [230, 30, 40], [30, 160, 60], [40, 60, 200], [250, 220, 40], [250, 140, 20],
        [150, 40, 180], [20, 200, 210], [240, 240, 240], [30, 30, 30]], dtype=np.uint8)
    a = np.zeros((60, 90, 3), np.uint8)
    for i, c in enumerate(colors):
        r, q = divmod(i, 3)
        a[r * 20:(r + 1) * 20, q * 30:(q + 1) * 30] = c
    return Image.fromarray(a), colors
