"""Character palette files: a character's colours, slot by slot, to reuse on every page.

A character file is a small JSON document::

    {
      "format": "anime-colorizer-character",
      "version": 1,
      "name": "Sakura",
      "colors": {"hair": "#c0503a", "skin": "#f6d7c3", "eyes": "#3a7d44", ...}
    }

``colors`` is keyed by slot name (:data:`colorizer.roles.SLOTS`: background, skin,
hair, eyes, top, bottom, outer, accessory, details); the labels the app shows
(:data:`colorizer.roles.SLOT_LABELS`, e.g. "Outer / other", "Eye whites & mouth")
are accepted too, in any case. Values are ``#rrggbb`` (or ``#rgb``) hex colours. A
slot the file leaves out takes its default colour
(:data:`colorizer.roles.DEFAULT_SLOT_COLORS`) and is marked in ``Palette.defaults``.
Other top-level keys (notes, a source...) are ignored.

    from colorizer.character import load_character, save_character
    save_character("sakura.json", "Sakura", palette)
    name, palette = load_character("sakura.json")
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from .documents import JsonLimits, json_kind, read_json
from .errors import ColorizerError, PaletteError
from .palette import Palette, hex_to_rgb, rgb_to_hex
from .roles import DEFAULT_SLOT_COLORS, NUM_SLOTS, SLOT_LABELS, SLOTS

FORMAT = "anime-colorizer-character"
VERSION = 1
# A character file is a few hundred bytes; anything much larger is not one.
MAX_FILE_BYTES = 64 * 1024
MAX_NAME_LENGTH = 100

_HEX6 = re.compile(r"^#?(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


class CharacterError(PaletteError):
    """A character palette file is unreadable, malformed or incomplete."""


def _norm(key: str) -> str:
    return " ".join(key.strip().lower().split())


# Every accepted spelling of a slot -> its index.
SLOT_NAMES: dict[str, int] = {}
for _i, (_slot, _label) in enumerate(zip(SLOTS, SLOT_LABELS)):
    SLOT_NAMES[_norm(_slot)] = _i
    SLOT_NAMES[_norm(_label)] = _i


def slot_of(key) -> int:
    """The slot index a ``colors`` key names (slot name or label, any case)."""
    if not isinstance(key, str):
        raise CharacterError(f"a slot name must be a string, got {key!r}")
    i = SLOT_NAMES.get(_norm(key))
    if i is None:
        raise CharacterError(f"unknown slot {key!r} in the character's colours; the slots are "
                             f"{', '.join(SLOTS)}")
    return i


def _check_name(name, where: str = "") -> str:
    if not isinstance(name, str):
        raise CharacterError(f"{where}the character's name must be a string, got {json_kind(name)}")
    name = name.strip()
    if not name:
        raise CharacterError(f"{where}the character needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise CharacterError(f"{where}the character's name is {len(name)} characters long; "
                             f"at most {MAX_NAME_LENGTH}")
    if any(ord(ch) < 32 for ch in name):
        raise CharacterError(f"{where}the character's name contains control characters")
    return name


def _no_duplicates(pairs: list) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise CharacterError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def parse_character(data, source: str = "the character file") -> tuple[str, Palette]:
    """``(name, palette)`` from a character document: bytes, text, or the decoded dict."""
    where = f"{source}: "
    if isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_FILE_BYTES:
            raise CharacterError(f"{where}{len(data)} bytes is too large for a character palette "
                                 f"(at most {MAX_FILE_BYTES // 1024} KiB)")
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise CharacterError(f"{where}not UTF-8 text ({e.reason} at byte {e.start})") from None
    if isinstance(data, str):
        if len(data) > MAX_FILE_BYTES:
            raise CharacterError(f"{where}too large for a character palette (at most {MAX_FILE_BYTES // 1024} KiB)")
        if not data.strip():
            raise CharacterError(f"{where}the file is empty")
        try:
            data = read_json(data, "character palette", JsonLimits(max_bytes=MAX_FILE_BYTES),
                             object_pairs_hook=_no_duplicates)
        except ColorizerError as e:  # DocumentError, or a CharacterError from _no_duplicates
            raise CharacterError(f"{where}{e}") from None
    if not isinstance(data, dict):
        raise CharacterError(f"{where}a character palette is a JSON object, got {json_kind(data)}")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise CharacterError(f"{where}not a character palette: \"format\" must be {FORMAT!r}, got {fmt!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise CharacterError(f"{where}\"version\" must be a whole number, got {version!r}")
    if version != VERSION:
        newer = " (written by a newer version of the colorizer?)" if version > VERSION else ""
        raise CharacterError(f"{where}character palette version {version} is not supported; "
                             f"this colorizer reads version {VERSION}{newer}")
    if "name" not in data:
        raise CharacterError(f"{where}the character has no \"name\"")
    name = _check_name(data["name"], where)
    if "colors" not in data:
        raise CharacterError(f"{where}the character has no \"colors\"")
    colors = data["colors"]
    if not isinstance(colors, dict):
        raise CharacterError(f"{where}\"colors\" must be an object of slot name -> hex colour, "
                             f"got {json_kind(colors)}")
    if not colors:
        raise CharacterError(f"{where}\"colors\" names no colours; give at least one slot, e.g. "
                             f"{{\"hair\": \"#c0503a\"}}")
    rgb = np.array([hex_to_rgb(c) for c in DEFAULT_SLOT_COLORS], np.uint8)
    defaults = np.ones(NUM_SLOTS, bool)
    seen: dict[int, str] = {}
    for key, value in colors.items():
        try:
            s = slot_of(key)
        except CharacterError as e:
            raise CharacterError(f"{where}{e}") from None
        if s in seen:
            raise CharacterError(f"{where}{seen[s]!r} and {key!r} both name the {SLOTS[s]} slot")
        seen[s] = key
        if not isinstance(value, str):
            raise CharacterError(f"{where}the colour of {key!r} must be a hex string like \"#c0503a\", "
                                 f"got {json.dumps(value)[:40]}")
        if not _HEX6.match(value.strip()):
            raise CharacterError(f"{where}the colour of {key!r} is {value[:40]!r}, not a hex colour like \"#c0503a\"")
        rgb[s] = hex_to_rgb(value)
        defaults[s] = False
    shares = np.full(NUM_SLOTS, 1.0 / NUM_SLOTS)
    return name, Palette(rgb, shares, defaults=defaults)


def load_character(path: str | os.PathLike) -> tuple[str, Palette]:
    """Read a character palette file: ``(name, palette)`` with one colour per slot."""
    p = Path(path)
    if not p.is_file():
        raise CharacterError(f"no such character palette file: {p}")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CharacterError(f"{p}: {size} bytes is too large for a character palette "
                                 f"(at most {MAX_FILE_BYTES // 1024} KiB)")
        raw = p.read_bytes()
    except OSError as e:
        raise CharacterError(f"cannot read {p}: {e.strerror or e}") from None
    return parse_character(raw, str(p))


def character_dict(name: str, palette, include_defaults: bool = True) -> dict:
    """The JSON document of a character. ``palette``: a :class:`Palette` of 9 slot colours, a
    list of 9 hex strings, or a ``{slot name: hex}`` dict. With ``include_defaults=False``,
    slots the palette marks as defaults are left out (they load as defaults again)."""
    name = _check_name(name)
    if isinstance(palette, dict):
        _, pal = parse_character({"format": FORMAT, "version": VERSION, "name": name, "colors": palette},
                                 "the palette")
    elif isinstance(palette, Palette):
        pal = palette
    else:
        items = palette.split(",") if isinstance(palette, str) else list(palette)
        if len(items) != NUM_SLOTS:
            raise CharacterError(f"a character palette has {NUM_SLOTS} colours, one per slot "
                                 f"({', '.join(SLOTS)}); got {len(items)}")
        pal = Palette.from_hex(items, NUM_SLOTS)
    if len(pal) != NUM_SLOTS:
        raise CharacterError(f"a character palette has {NUM_SLOTS} colours, one per slot; got {len(pal)}")
    colors = {}
    for s, slot in enumerate(SLOTS):
        if not include_defaults and pal.defaults is not None and pal.defaults[s]:
            continue
        colors[slot] = rgb_to_hex(pal.colors[s])
    if not colors:
        raise CharacterError("every colour of this palette is a default: nothing to save")
    return {"format": FORMAT, "version": VERSION, "name": name, "colors": colors}


def save_character(path: str | os.PathLike, name: str, palette, include_defaults: bool = True) -> Path:
    """Write a character palette file (see :func:`character_dict`); returns its path."""
    doc = character_dict(name, palette, include_defaults)
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise CharacterError(f"cannot write {p}: the folder {folder} does not exist")
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, p)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as e:
        raise CharacterError(f"cannot write {p}: {e.strerror or e}") from None
    return p


__all__ = ["CharacterError", "FORMAT", "MAX_FILE_BYTES", "SLOT_NAMES", "VERSION", "character_dict",
           "load_character", "parse_character", "save_character", "slot_of"]
