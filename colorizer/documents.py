"""Bounded reading of the small JSON documents users hand the library: character palettes,
hint lists, project files.

:func:`read_json` checks a document's size in bytes, its nesting depth, the number of values
it holds and the length of its numbers on the raw text, *before* parsing it, and refuses NaN and
Infinity, so a hostile document cannot exhaust memory or the stack, or carry a number no later
step can hold. Every refusal is a :class:`DocumentError` naming the document and the limit.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ColorizerError


class DocumentError(ColorizerError):
    """A JSON document that is too large, too deep, not JSON, or holds numbers it cannot use."""


@dataclass(frozen=True)
class JsonLimits:
    max_bytes: int = 64 * 1024   # the whole document
    max_depth: int = 16          # arrays and objects inside each other
    max_values: int = 10_000     # numbers, strings, arrays, objects, true/false/null, all counted
    max_digits: int = 20         # digits of one number (mantissa and exponent together)


DEFAULT_JSON_LIMITS = JsonLimits()
# Strings (with their escapes), then numbers, then the single-character tokens.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*|[\[\]{}]|true|false|null|NaN|-?Infinity')


def _scan(text: str, limits: JsonLimits, what: str) -> None:
    depth = values = 0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c in "[{":
            depth += 1
            values += 1
            if depth > limits.max_depth:
                raise DocumentError(f"the {what} is nested more than {limits.max_depth} levels deep")
        elif c in "]}":
            depth -= 1
        else:
            values += 1
            if tok.lstrip("-") in ("NaN", "Infinity"):
                raise DocumentError(f"the {what} holds {tok}; only finite numbers are allowed")
            if (c.isdigit() or c == "-") and sum(ch.isdigit() for ch in tok) > limits.max_digits:
                raise DocumentError(f"the {what} holds a number of {sum(ch.isdigit() for ch in tok)} digits; "
                                    f"at most {limits.max_digits} are allowed")
        if values > limits.max_values:
            raise DocumentError(f"the {what} holds more than {limits.max_values} values")


def json_kind(v) -> str:
    """What a parsed JSON value is, in JSON's words (for messages)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, (list, tuple)):
        return "an array"
    if isinstance(v, dict):
        return "an object"
    return f"a {type(v).__name__}"


def _size(n: int) -> str:
    return f"{n // 1024} KiB" if n >= 1024 and n % 1024 == 0 else f"{n} bytes"


def read_json(src, what: str = "JSON document", limits: JsonLimits = DEFAULT_JSON_LIMITS, object_pairs_hook=None):
    """Parse ``src`` (JSON text, UTF-8 bytes, or a :class:`pathlib.Path`) within ``limits``
    (``object_pairs_hook``: as in :func:`json.loads`).

    Raises :class:`DocumentError` ("the {what} ...") when it is too large, too deep, holds too
    many values or too long a number, holds NaN or Infinity, or is not JSON."""
    if isinstance(src, Path):
        try:
            n = src.stat().st_size
            if n > limits.max_bytes:
                raise DocumentError(f"the {what} {src.name} is {n} bytes; at most {_size(limits.max_bytes)}")
            src = src.read_bytes()
        except OSError as e:
            raise DocumentError(f"cannot read the {what} {src.name}: {e.strerror or 'not readable'}") from None
    if isinstance(src, (bytes, bytearray, memoryview)):
        if len(src) > limits.max_bytes:
            raise DocumentError(f"the {what} is {len(src)} bytes; at most {_size(limits.max_bytes)}")
        try:
            src = bytes(src).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DocumentError(f"the {what} is not UTF-8 text") from None
    if not isinstance(src, str):
        raise DocumentError(f"the {what} must be JSON text, got {type(src).__name__}")
    if len(src) > limits.max_bytes and len(src.encode("utf-8", "replace")) > limits.max_bytes:
        raise DocumentError(f"the {what} is longer than {_size(limits.max_bytes)}")
    if not src.strip():
        raise DocumentError(f"the {what} is empty")
    _scan(src, limits, what)

    def finite(text: str) -> float:
        v = float(text)
        if not math.isfinite(v):
            raise DocumentError(f"the {what} holds the number {text[:24]}, which is too large")
        return v

    def constant(name: str):
        raise DocumentError(f"the {what} holds {name}; only finite numbers are allowed")

    try:
        return json.loads(src, parse_float=finite, parse_constant=constant, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as e:
        raise DocumentError(f"the {what} is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise DocumentError(f"the {what} is nested too deeply") from None


def read_json_file(path: str | os.PathLike, what: str = "JSON file", limits: JsonLimits = DEFAULT_JSON_LIMITS):
    """:func:`read_json` of the file at ``path`` (a clear error when there is none)."""
    p = Path(path)
    if not p.is_file():
        raise DocumentError(f"no such {what}: {p}")
    return read_json(p, what, limits)


__all__ = ["DEFAULT_JSON_LIMITS", "DocumentError", "JsonLimits", "json_kind", "read_json", "read_json_file"]
