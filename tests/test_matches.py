"""Point matches between reference and sketch: parsing, scaling, what the reference says (colorizer.matches)."""

import json

import numpy as np
import pytest

from colorizer.errors import ColorizerError
from colorizer.matches import MAX_MATCHES, Match, MatchError, parse_matches, resolve_matches, scale_matches
from colorizer.reference import reference_parts


def test_parse_accepts_tuples_dicts_and_numeric_strings():
    got = parse_matches([(1, 2, 3, 4), {"x": 5.0, "y": "6", "rx": 7, "ry": 8}], 10, 10, (20, 20))
    assert got == [Match(1, 2, 3, 4), Match(5, 6, 7, 8)]
    assert json.loads(json.dumps([m.to_dict() for m in got]))[1] == {"x": 5, "y": 6, "rx": 7, "ry": 8}
    assert parse_matches(None, 10, 10, None) == [] and parse_matches([], 10, 10, None) == []


@pytest.mark.parametrize("matches, words", [
    ([(10, 0, 0, 0)], "sketch point"),
    ([(0, 0, 0, 20)], "reference point"),
    ([(0, 0, "a", 0)], "rx must be a number"),
    ([(0, 0, 0)], r"\(x, y, rx, ry\)"),
    ([(0, 0, 0, float("nan"))], "ry is not finite"),
    ([{"x": 1, "y": 1, "rx": 1}], "lacks ry"),
    ([(0, 0, 0, True)], "ry must be a number"),
    ("0,0,0,0", "must be a list"),
    ([(0, 0, 0, 0)] * (MAX_MATCHES + 1), "at most"),
])
def test_bad_matches_are_named(matches, words):
    with pytest.raises(MatchError, match=words):
        parse_matches(matches, 10, 10, (20, 20))
    assert issubclass(MatchError, ColorizerError)


def test_matches_need_a_reference():
    with pytest.raises(MatchError, match="reference"):
        parse_matches([(1, 1, 1, 1)], 10, 10, None)


def test_scale_moves_only_the_sketch_point():
    assert scale_matches([Match(9, 4, 30, 40)], (10, 10), (20, 40)) == [Match(19, 18, 30, 40)]


def test_resolve_gives_the_part_and_base_tone_even_without_a_slot_colour():
    rgb = np.full((32, 32, 3), 230, np.uint8)
    rgb[10:20, 10:20] = (200, 30, 120)          # a sash: its own colour
    probs = np.zeros((9, 32, 32), np.float32)
    probs[4] = 1.0                              # the role head calls everything "top"
    parts = reference_parts(rgb, probs)
    (r,) = resolve_matches(parts, [Match(0, 0, 15, 15)])
    assert r.slot == 4 and r.color == (200, 30, 120)
    assert tuple(parts.palette.colors[4]) == (230, 230, 230)   # the palette holds the large part only
