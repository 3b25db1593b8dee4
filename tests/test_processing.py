import io

import numpy as np
import pytest
from PIL import Image

from colorizer.errors import InputImageError
from colorizer.processing import load_image, overlay_lines, target_size, to_image, to_tensor


def _png(img: Image.Image, fmt="PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def test_rgba_transparency_becomes_white():
    a = np.zeros((4, 4, 4), np.uint8)
    a[..., 3] = 0
    a[0, 0] = [10, 20, 30, 255]
    img = load_image(Image.fromarray(a, "RGBA"))
    assert img.mode == "RGB"
    assert img.getpixel((1, 1)) == (255, 255, 255) and img.getpixel((0, 0)) == (10, 20, 30)


def test_modes_greyscale_palette_16bit_cmyk():
    assert load_image(Image.new("L", (3, 3), 7)).getpixel((0, 0)) == (7, 7, 7)
    p = Image.new("P", (3, 3))
    p.putpalette([255, 0, 0] * 256)
    assert load_image(p).getpixel((0, 0)) == (255, 0, 0)
    i16 = Image.fromarray(np.full((3, 3), 65535, np.uint16))
    assert load_image(_png(i16)).getpixel((0, 0)) == (255, 255, 255)
    cmyk = Image.new("CMYK", (3, 3), (0, 0, 0, 0))
    assert load_image(_png(cmyk, "JPEG")).getpixel((1, 1))[0] > 240


def test_exif_rotation_is_applied():
    img = Image.new("RGB", (6, 3), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees when displayed
    out = load_image(_png(img, "JPEG", exif=exif))
    assert out.size == (3, 6)


@pytest.mark.parametrize("data,match", [
    (b"", "empty"),
    (b"not an image at all", "could not read"),
    (_png(Image.new("RGB", (50, 50)))[:60], "could not read"),
])
def test_bad_files_give_clear_errors(data, match):
    with pytest.raises(InputImageError, match=match):
        load_image(data)


def test_missing_file(tmp_path):
    with pytest.raises(InputImageError, match="no such"):
        load_image(tmp_path / "nope.png")


def test_target_size_keeps_aspect_and_multiple():
    assert target_size(1000, 500, 512, 16) == (512, 256)
    w, h = target_size(333, 1000, 512, 16)
    assert h == 512 and w % 16 == 0
    assert target_size(10, 10, 5000, 16) == (1024, 1024)


def test_tensor_round_trip():
    img = Image.fromarray(np.arange(48, dtype=np.uint8).reshape(4, 4, 3))
    assert np.array_equal(np.asarray(to_image(to_tensor(img))), np.asarray(img))


def test_overlay_keeps_lines_dark():
    color = Image.new("RGB", (8, 8), (200, 100, 50))
    sketch = Image.new("L", (8, 8), 255)
    sketch.putpixel((2, 2), 0)
    out = overlay_lines(color, sketch)
    assert out.getpixel((2, 2)) == (0, 0, 0) and out.getpixel((5, 5)) == (200, 100, 50)
