"""Reference part colours from the reference's own flat-colour regions (colorizer.reference)."""

import numpy as np
import pytest

from colorizer.errors import ColorizerError
from colorizer.reference import NO_SLOT, ReferenceSettings, base_tone, reference_parts, tone_segments
from colorizer.roles import DEFAULT_SLOT_COLORS
from colorizer.palette import hex_to_rgb
from colorizer.color import rgb_to_lab

RED, RED_SHADOW, RED_LIGHT, BLUE = (200, 60, 50), (140, 40, 35), (250, 200, 195), (40, 70, 200)


def picture():
    """64x64: left hair (red, a shadow band on 30 %, a tiny highlight), right top (blue), a black line between."""
    rgb = np.zeros((64, 64, 3), np.uint8)
    rgb[:, :31] = RED
    rgb[:, :10] = RED_SHADOW
    rgb[5:7, 20:22] = RED_LIGHT
    rgb[:, 33:] = BLUE
    rgb[:, 31:33] = 0
    probs = np.zeros((9, 64, 64), np.float32)
    probs[2, :, :31] = 1.0
    probs[4, :, 33:] = 1.0          # the line: no slot (the ink's share)
    return rgb, probs


def test_segments_split_tones_and_keep_flat_areas_whole():
    rgb, _ = picture()
    labels, n, _ = tone_segments(rgb)
    assert len({labels[30, 5], labels[30, 20], labels[30, 50]}) == 3
    assert labels[0, 50] == labels[63, 63]          # the flat blue is one segment


def test_part_colours_are_lit_base_tones_and_absent_parts_are_marked():
    rgb, probs = picture()
    parts = reference_parts(rgb, probs)
    pal = parts.palette
    assert tuple(pal.colors[2]) == RED and tuple(pal.colors[4]) == BLUE
    assert not pal.defaults[2] and not pal.defaults[4]
    for s in (1, 3, 5, 6, 7, 8):
        assert pal.defaults[s] and tuple(pal.colors[s]) == hex_to_rgb(DEFAULT_SLOT_COLORS[s])
    assert len(pal) == 9


def test_eyedropper_gives_the_patch_base_tone_and_names_bad_points():
    rgb, probs = picture()
    parts = reference_parts(rgb, probs, size=(128, 128))   # caller's coordinates: twice the size
    assert parts.tone_at(10, 60) == RED                      # on the shadow: the lit tone of the paint
    assert parts.tone_at(100, 10) == BLUE
    assert parts.slot_at(10, 60) == 2 and parts.slot_at(100, 10) == 4
    assert parts.slot_at(64, 64) != NO_SLOT                  # on the line: snapped to a part beside it
    with pytest.raises(ColorizerError, match="outside"):
        parts.tone_at(128, 3)


def test_base_tone_prefers_a_large_lit_tone_and_ignores_highlights():
    lab = rgb_to_lab(np.array([RED_SHADOW, RED, RED_LIGHT], np.float64))
    # the shadow covers a little more than the lit tone: the lit tone still wins
    assert np.allclose(base_tone(lab, [55, 45, 3]), lab[1])
    # with no lit preference the largest tone wins
    assert np.allclose(base_tone(lab, [55, 45, 3], ReferenceSettings(lit_share=2.0)), lab[0])
    # a highlight never wins on its own
    assert np.allclose(base_tone(lab, [10, 80, 30]), lab[1])
    with pytest.raises(ValueError):
        base_tone(lab, [0, 0, 0])


def test_transparent_pixels_count_for_no_part():
    rgb, probs = picture()
    opaque = np.ones((64, 64), bool)
    opaque[:, 33:] = False
    parts = reference_parts(rgb, probs, opaque)
    assert parts.palette.defaults[4]
    with pytest.raises(ColorizerError, match="transparent"):
        parts.tone_at(50, 50)
