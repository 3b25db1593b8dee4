"""Reading the JSON documents users hand the app (projects, palettes, character files, hint lists).

:func:`read_json` bounds a document in bytes, nesting depth and number size *before* parsing
it, and refuses NaN and Infinity, so a hostile file cannot exhaust memory or the stack or
smuggle a number that no later step can hold.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

from colorizer.errors import ColorizerError

# Largest JSON document the app reads (bytes).
MAX_JSON_BYTES = 64 * 1024
# Deepest nesting of arrays / objects, and most digits of a whole number.
MAX_JSON_DEPTH = 16
MAX_NUMBER_DIGITS = 20


class DocumentError(ColorizerError):
    """A JSON document the app cannot take (too large, too deep, not JSON, bad numbers)."""


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (strings left out), without parsing it."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", bare):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def read_json(src, what: str = "JSON file", error: type[DocumentError] = DocumentError,
              max_bytes: int = MAX_JSON_BYTES) -> object:
    """A JSON document from a path, text or bytes: at most ``max_bytes`` bytes, :data:`MAX_JSON_DEPTH`
    levels and :data:`MAX_NUMBER_DIGITS` digits per whole number, no NaN or Infinity.
    Raises ``error`` (a :class:`DocumentError`) naming ``what`` the document was meant to be."""

    def constant(name: str):
        raise error(f"the {what} holds {name}, which is not a number it can use")

    def number(text: str, kind):
        if kind is int and len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
            raise error(f"the {what} holds a number of {len(text.lstrip('-'))} digits; "
                        f"at most {MAX_NUMBER_DIGITS} are read")
        value = kind(text)
        if kind is float and not math.isfinite(value):
            raise error(f"the {what} holds the number {text[:30]}, which is too large")
        return value

    limit = f"at most {max_bytes // 1024} KiB" if max_bytes >= 1024 else f"at most {max_bytes} bytes"
    if isinstance(src, (bytes, bytearray)):
        data = bytes(src)
    elif isinstance(src, (str, os.PathLike)) and not str(src).lstrip().startswith(("{", "[")) \
            and len(str(src)) < 4096 and "\n" not in str(src):
        p = Path(src)
        if not p.is_file():
            raise error(f"no such file: {p.name}")
        if p.stat().st_size > max_bytes:
            raise error(f"{p.name} is too large for a {what} ({limit})")
        data = p.read_bytes()
    else:
        data = str(src).encode("utf-8", "replace")
    if len(data) > max_bytes:
        raise error(f"the {what} is too large ({limit})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"the {what} is not valid JSON (not UTF-8 text)") from None
    if _depth(text) > MAX_JSON_DEPTH:
        raise error(f"the {what} is nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text, parse_constant=constant, parse_int=lambda t: number(t, int),
                          parse_float=lambda t: number(t, float))
    except json.JSONDecodeError as e:
        raise error(f"the {what} is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None


__all__ = ["DocumentError", "MAX_JSON_BYTES", "MAX_JSON_DEPTH", "MAX_NUMBER_DIGITS", "read_json"]
