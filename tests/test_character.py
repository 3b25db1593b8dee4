"""Character palette files (colorizer.character): round trip, defaults, every kind of bad file."""

import json
import os

import numpy as np
import pytest

from colorizer import ColorizerError, Palette, PaletteError
from colorizer.character import (FORMAT, MAX_FILE_BYTES, CharacterError, character_dict, load_character,
                                 parse_character, save_character)
from colorizer.palette import hex_to_rgb
from colorizer.roles import DEFAULT_SLOT_COLORS, SLOT_LABELS, SLOTS

COLORS = ["#fafafa", "#f2d0bc", "#c0503a", "#3a7d44", "#ffffff", "#22304a", "#8a2be2", "#ffd700", "#fff5f0"]


def doc(**changes):
    d = {"format": FORMAT, "version": 1, "name": "Sakura", "colors": {"hair": "#c0503a", "skin": "#f2d0bc"}}
    d.update(changes)
    return d


def write(tmp_path, content, name="c.json"):
    p = tmp_path / name
    if isinstance(content, (dict, list)):
        content = json.dumps(content)
    p.write_bytes(content.encode() if isinstance(content, str) else content)
    return p


def test_round_trip(tmp_path):
    pal = Palette.from_hex(COLORS)
    p = save_character(tmp_path / "sakura.json", "Sakura", pal)
    name, back = load_character(p)
    assert name == "Sakura"
    assert back.to_hex() == COLORS
    assert back.defaults is not None and not back.defaults.any()
    on_disk = json.loads(p.read_text())
    assert on_disk["format"] == FORMAT and on_disk["version"] == 1
    assert list(on_disk["colors"]) == list(SLOTS)          # keyed by slot name, in slot order
    assert on_disk["colors"]["hair"] == "#c0503a"
    assert (os.stat(p).st_mode & 0o777) == 0o644
    assert [f.name for f in tmp_path.iterdir()] == ["sakura.json"]  # no temporary left behind


def test_save_from_list_dict_and_unicode_name(tmp_path):
    p = save_character(tmp_path / "a.json", "  さくら ", COLORS)
    assert load_character(p)[0] == "さくら"
    p = save_character(tmp_path / "b.json", "Sakura", {"Hair": "#c0503a"})
    name, pal = load_character(p)
    assert pal.to_hex()[2] == "#c0503a"


def test_missing_slots_take_defaults_and_are_marked(tmp_path):
    name, pal = load_character(write(tmp_path, doc()))
    assert name == "Sakura"
    assert len(pal) == len(SLOTS)
    assert pal.to_hex()[2] == "#c0503a" and pal.to_hex()[1] == "#f2d0bc"
    want = [s not in ("hair", "skin") for s in SLOTS]
    assert pal.defaults.tolist() == want
    for s in np.flatnonzero(want):
        assert tuple(pal.colors[s]) == hex_to_rgb(DEFAULT_SLOT_COLORS[s])


def test_include_defaults_false_keeps_defaults_as_defaults(tmp_path):
    _, pal = parse_character(doc())
    p = save_character(tmp_path / "x.json", "Sakura", pal, include_defaults=False)
    assert set(json.loads(p.read_text())["colors"]) == {"hair", "skin"}
    _, back = load_character(p)
    assert back.defaults.tolist() == pal.defaults.tolist()


@pytest.mark.parametrize("key", [SLOT_LABELS[6], SLOT_LABELS[8].upper(), " eyes ", "Outer  /  Other"])
def test_slot_labels_accepted_case_insensitively(key):
    _, pal = parse_character(doc(colors={key: "#123456"}))
    assert pal.to_hex().count("#123456") == 1
    assert pal.defaults.sum() == len(SLOTS) - 1


def test_short_hex_and_no_hash():
    _, pal = parse_character(doc(colors={"hair": "f00", "skin": "#ABCDEF"}))
    assert pal.to_hex()[2] == "#ff0000" and pal.to_hex()[1] == "#abcdef"


def test_bom_and_extra_keys_are_fine():
    raw = ("\ufeff" + json.dumps(doc(notes="from page 3"))).encode("utf-8")
    assert parse_character(raw)[0] == "Sakura"


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    ("[1, 2]", "JSON object"),
    (doc(format="palette"), "format"),
    ({k: v for k, v in doc().items() if k != "format"}, "format"),
    (doc(version=2), "version 2"),
    (doc(version="1"), "version"),
    (doc(version=True), "version"),
    ({k: v for k, v in doc().items() if k != "name"}, "name"),
    (doc(name=""), "needs a name"),
    (doc(name=42), "name must be a string"),
    (doc(name="x" * 500), "at most"),
    ({k: v for k, v in doc().items() if k != "colors"}, "colors"),
    (doc(colors={}), "names no colours"),
    (doc(colors=["#ffffff"]), "colors\" must be an object"),
    (doc(colors={"hat": "#ffffff"}), "unknown slot 'hat'"),
    (doc(colors={"hair": "#12345"}), "not a hex colour"),
    (doc(colors={"hair": "red"}), "not a hex colour"),
    (doc(colors={"hair": "rgb(1, 2, 3)"}), "not a hex colour"),
    (doc(colors={"hair": 123456}), "must be a hex string"),
    (doc(colors={"hair": None}), "must be a hex string"),
    (doc(colors={"hair": "#000000", "HAIR": "#ffffff"}), "both name the hair slot"),
    ('{"format": "anime-colorizer-character", "format": "x"}', "appears twice"),
    (b" " * (MAX_FILE_BYTES + 1), "too large"),
    ("[" * 50000, "nested more than 16 levels deep"),
])
def test_bad_files_name_the_problem(tmp_path, content, words):
    p = write(tmp_path, content)
    with pytest.raises(CharacterError) as e:
        load_character(p)
    assert words in str(e.value)
    assert str(p) in str(e.value)
    assert isinstance(e.value, PaletteError) and isinstance(e.value, ColorizerError)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ColorizerError, match="no such character"):
        load_character(tmp_path / "nope.json")
    with pytest.raises(ColorizerError, match="no such character"):
        load_character(tmp_path)  # a folder is not a file
    with pytest.raises(ColorizerError, match="does not exist"):
        save_character(tmp_path / "no" / "x.json", "A", COLORS)


@pytest.mark.parametrize("name, palette, words", [
    ("", COLORS, "needs a name"),
    ("A", COLORS[:3], "9 colours"),
    ("A", ["#zzzzzz"] * 9, "not a colour"),
    ("A", Palette.from_hex(COLORS[:4], 4), "9 colours"),
    ("A", {"nose": "#ffffff"}, "unknown slot"),
])
def test_save_refuses_bad_input(tmp_path, name, palette, words):
    with pytest.raises(ColorizerError, match=words):
        save_character(tmp_path / "x.json", name, palette)
    assert not list(tmp_path.iterdir())


def test_all_default_palette_with_include_defaults_false():
    pal = Palette(np.zeros((9, 3), np.uint8), np.zeros(9), defaults=np.ones(9, bool))
    with pytest.raises(ColorizerError, match="nothing to save"):
        character_dict("A", pal, include_defaults=False)


# -- the CLI: --palette-file --------------------------------------------------------------------
def test_cli_palette_file_colours_a_batch(tmp_path, monkeypatch, capsys, sketch_image):
    from PIL import Image

    from colorizer import Colorizer, preset
    from colorizer.__main__ import main

    monkeypatch.setenv("COLORIZER_BACKEND", "torch")
    folder = tmp_path / "pages"
    folder.mkdir()
    sketch_image.save(folder / "p1.png")
    sketch_image.transpose(Image.FLIP_LEFT_RIGHT).save(folder / "p2.png")
    char = tmp_path / "sakura.json"
    char.write_text(json.dumps(doc()))
    out = tmp_path / "out"
    rc = main([str(folder), "--palette-file", str(char), "-o", str(out), "--random-weights", "default",
               "--size", "64"])
    text = capsys.readouterr().out
    assert rc == 0
    assert "character: Sakura (defaults for background, eyes, top" in text
    _, pal = load_character(char)
    assert "palette: " + ",".join(pal.to_hex()) in text
    model = Colorizer.from_random(preset("default"), backend="torch")
    for name in ("p1", "p2"):
        want = model(folder / f"{name}.png", palette=pal, size=64).image
        got = Image.open(out / f"{name}.png")
        assert np.array_equal(np.asarray(got.convert("RGB")), np.asarray(want))


def test_cli_palette_file_errors(tmp_path, monkeypatch, capsys, sketch_image):
    from colorizer.__main__ import main

    sketch_image.save(tmp_path / "s.png")
    bad = write(tmp_path, doc(colors={"hat": "#ffffff"}), "bad.json")
    argv = [str(tmp_path / "s.png"), "-o", str(tmp_path / "o.png"), "--random-weights", "tiny", "--size", "64"]
    assert main(argv + ["--palette-file", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown slot 'hat'" in err and "Traceback" not in err
    assert not (tmp_path / "o.png").exists()
    with pytest.raises(SystemExit):  # argparse: --palette and --palette-file exclude each other
        main(argv + ["--palette-file", str(bad), "--palette", "#ffffff"])
