"""Part labels of the corpus sources (train.data.part_labels, DiceBear, OpenMoji, Big Heads, facesjs, Wesnoth).

The first group runs offline on hand-made drawings. Tests that need the npm
packages look for an installed cache (``$COLORIZER_NPM_CACHE`` or
``data/.cache``, as ``train.data build`` leaves it) and skip when there is none.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from colorizer.roles import IGNORE, LINE, ROLE_INDEX
from train.data import part_labels as pl
from train.data.build import build, make_pair, render_pair
from train.data.npm import run_node_batches
from train.data.sources import Item

SKIN, HAIR, EYE, EYE_WHITE, TOP, ACC = (ROLE_INDEX[r] for r in ("skin", "hair", "eye", "eye_white", "top", "accessory"))
REAL = {"skin": "#e0a070", "hair": "#6a3d9a", "top": "#2e8b57"}


def _drawing(skin: str, hair: str, top: str) -> str:
    """A tiny character: face (with a translucent cheek shadow), hair, eyes, a hat drawn in the top colour."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" fill="none">'
        '<g data-part="body"><rect x="20" y="70" width="60" height="30" fill="' + top + '"/></g>'
        '<g data-part="face"><circle cx="50" cy="50" r="30" fill="' + skin + '"/>'
        '<circle cx="35" cy="62" r="6" fill="#000000" fill-opacity="0.15"/>'
        '<path d="M35 75 L65 75" stroke="#111111" stroke-width="2"/></g>'
        '<g data-part="hair"><rect x="20" y="18" width="60" height="12" fill="' + hair + '"/></g>'
        '<g data-part="eyes"><circle cx="40" cy="45" r="6" fill="#ffffff"/><circle cx="40" cy="45" r="3" fill="#3366aa"/></g>'
        '<g data-part="hat"><rect x="30" y="2" width="40" height="10" fill="' + top + '"/></g>'
        '<rect x="0" y="90" width="8" height="8" fill="#ffcc00"/>'
        "</svg>"
    )


PARTS = {"face": "skin", "hair": "hair", "eyes": ("eye_white", "eye"), "body": "top", "hat": pl.Forced("accessory")}


def _twin() -> str:
    return _drawing(pl.role_hex("skin"), pl.role_hex("hair"), pl.role_hex("top"))


def _px(labels, x, y, size=100):
    return int(np.asarray(labels)[int(y * size / 100), int(x * size / 100)])


def test_label_svg_gives_each_part_its_role():
    labels = pl.render_labels(_twin(), 100, part_roles=PARTS)
    assert labels.mode == "L" and labels.size == (100, 100)
    assert _px(labels, 60, 50) == SKIN  # option colour
    assert _px(labels, 35, 62) == SKIN  # translucent shadow removed: the face shows through
    assert _px(labels, 50, 75) == LINE  # dark stroke
    assert _px(labels, 50, 24) == HAIR
    assert _px(labels, 44.5, 45) == EYE_WHITE and _px(labels, 40, 45) == EYE  # light / other paint of the eyes
    assert _px(labels, 50, 7) == ACC  # Forced beats the top label colour of the hat
    assert _px(labels, 50, 95) == TOP
    assert _px(labels, 4, 94) == IGNORE  # fixed colour outside any part
    assert _px(labels, 5, 5) == ROLE_INDEX["background"]  # paper


def test_labels_line_up_with_the_colour_render(tmp_path):
    (tmp_path / "c.svg").write_text(_drawing(**REAL))
    (tmp_path / "t.svg").write_text(_twin())
    sketch, colour, labels = pl.labelled_sample(str(tmp_path / "c.svg"), str(tmp_path / "t.svg"), 128, part_roles=PARTS)
    assert sketch.mode == "L" and colour.mode == "RGB" and sketch.size == colour.size == labels.size == (128, 128)
    found = pl.role_colours(_drawing(**REAL), _twin())
    assert found[SKIN] == {(0xE0, 0xA0, 0x70)} and found[HAIR] == {(0x6A, 0x3D, 0x9A)}
    for role in (SKIN, HAIR):
        # every labelled pixel away from the part's edge shows that part's colour (the shadow is a darker skin)
        share = pl.labels_match_colours(labels, colour, role, sorted(found[role]), tol=40, erode=1)
        assert share > 0.97, (role, share)
    lab = np.asarray(labels)
    ink = np.asarray(sketch) < 128
    assert ink[lab == LINE].mean() > 0.9  # the sketch's ink is where the labels say line
    assert not ink[lab == HAIR].any() and ink.mean() < 0.1  # fills were whitened


def test_unknown_colours_map_to_ignore():
    rgb = np.array([[[255, 255, 255], [0, 0, 0], [1, 2, 3]], [[0xF3, 0xA3, 0x13], [0x5B, 0x7B, 0x7B], [0x7B, 0x7B, 0x7B]]],
                   np.uint8)
    assert np.asarray(pl.labels_from_rgb(rgb)).tolist() == [[0, LINE, IGNORE], [SKIN, IGNORE, IGNORE]]


def test_line_layer_keeps_only_line_paint():
    svg = pl.line_layer_svg(pl.label_svg(_twin(), part_roles=PARTS))
    assert pl.role_hex("skin") not in svg and "crispEdges" not in svg
    im = np.asarray(pl.render_crisp(svg, 100))
    assert (im[24, 50] == 255).all() and (im[75, 50] == 0).all()


def test_bad_markup_is_a_clear_error():
    with pytest.raises(ValueError, match="not valid SVG"):
        pl.label_svg("<svg><g></svg>")
    with pytest.raises(ValueError, match="differ"):
        pl.role_colours(_drawing(**REAL), _twin().replace('fill="#ffcc00"', ""))


# ---------------------------------------------------------------- OpenMoji skin masks (offline)

def test_openmoji_skin_labels_from_tone_variants():
    from train.data.sources import openmoji

    def variant(skin, hair):
        a = np.full((20, 20, 3), 255, np.uint8)
        a[5:15, 5:15] = skin
        a[2:5, 5:15] = hair
        a[10, :] = 0  # ink
        a[16:18, 5:15] = (210, 47, 39)  # a red shirt, the same in every variant
        return a

    tones = ["", "1F3FB", "1F3FF"]
    hairs = [(0xF1, 0xB3, 0x1C), (0xA5, 0x79, 0x39), (0, 0, 0)]
    renders = [variant(openmoji.SKIN[t], h) for t, h in zip(tones, hairs)]
    lab = openmoji.skin_labels(renders, [openmoji.skin_colour(f"1F466-{t}" if t else "1F466") for t in tones])
    assert lab[7, 7] == SKIN and lab[3, 8] == HAIR and lab[10, 8] == LINE and lab[0, 0] == 0
    assert lab[17, 8] == IGNORE
    with pytest.raises(ValueError):
        openmoji.skin_labels(renders[:1], [openmoji.SKIN[""]])


def _fake_openmoji(cache: Path) -> Path:
    """A tiny stand-in for the installed openmoji package (stamped, so no npm runs)."""
    from train.data.npm import _lock_digest

    root = cache / "node" / "node_modules" / "openmoji"
    for sub in ("data", "color/svg", "black/svg"):
        (root / sub).mkdir(parents=True)
    (cache / "node" / ".lock.sha256").write_text(_lock_digest() + "\n")
    (root / "package.json").write_text('{"version": "17.0.0"}')

    def face(skin):
        return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 72 72"><circle cx="36" cy="36" r="24" fill="'
                + skin + '" stroke="#000000" stroke-width="2"/></svg>')

    entries = []
    for hexcode, skin, tone in (("1F466", "#FCEA2B", ""), ("1F466-1F3FB", "#fadcbc", 1), ("1F466-1F3FF", "#6a462f", 5)):
        entries.append({"hexcode": hexcode, "annotation": "boy", "skintone": tone,
                        "skintone_base_hexcode": "1F466" if tone else ""})
        (root / "color" / "svg" / f"{hexcode}.svg").write_text(face(skin))
        (root / "black" / "svg" / f"{hexcode}.svg").write_text(face("#ffffff"))
    entries.append({"hexcode": "2B50", "annotation": "star"})
    (root / "color" / "svg" / "2B50.svg").write_text(face("#ffcc00"))
    (root / "black" / "svg" / "2B50.svg").write_text(face("#ffffff"))
    entries.append({"hexcode": "2B55", "annotation": "broken"})
    (root / "color" / "svg" / "2B55.svg").write_text("<svg this is not xml")
    (root / "black" / "svg" / "2B55.svg").write_text("<svg this is not xml")
    (root / "data" / "openmoji.json").write_text(json.dumps(entries))
    return root


def test_build_labels_skin_writes_licences_and_skips_a_broken_file(tmp_path):
    _fake_openmoji(tmp_path / "cache")
    out = tmp_path / "corpus"
    manifest = build(out=out, size=64, sources=["openmoji"], workers=1, cache_dir=tmp_path / "cache")
    assert manifest["error_count"] == 1 and "openmoji-2B55" in manifest["errors"][0]
    assert manifest["total_pairs"] == 4
    rows = list(csv.DictReader((out / "LICENSES.csv").open()))
    assert sorted(r["item_id"] for r in rows) == ["openmoji-1F466", "openmoji-1F466-1F3FB", "openmoji-1F466-1F3FF",
                                                    "openmoji-2B50"]
    assert all(r["licence"] == "CC BY-SA 4.0" and "OpenMoji" in r["attribution"] for r in rows)
    labels = sorted(out.glob("*/labels/*.png"))
    assert sorted(p.stem for p in labels) == ["openmoji-1F466", "openmoji-1F466-1F3FB", "openmoji-1F466-1F3FF"]
    for p in labels:  # the face is skin, and the colour there is that variant's skin
        lab = np.asarray(Image.open(p))
        colour = np.asarray(Image.open(p.parent.parent / "color" / p.name).convert("RGB"))
        assert lab[32, 32] == SKIN and lab[1, 1] == 0 and (lab == LINE).any()
        skin = lab == SKIN
        assert np.ptp(colour[skin].astype(int), axis=0).max() <= 16  # one flat colour under the skin label
    assert not list(out.glob("*/labels/openmoji-2B50.png"))  # no tone variants: no labels


# ---------------------------------------------------------------- Wesnoth portraits (offline)

def test_wesnoth_portrait_on_white_and_broken_png_skipped(tmp_path):
    from train.data.sources import wesnoth

    (tmp_path / "humans").mkdir()
    (tmp_path / "elves").mkdir()
    im = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    im.paste((180, 60, 40, 255), (10, 10, 30, 30))
    im.save(tmp_path / "humans" / "knight+female.png")
    (tmp_path / "elves" / "lady.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    items = wesnoth.items(tmp_path, root=tmp_path)
    assert [i.id for i in items] == ["wesnoth-humans-knight_female", "wesnoth-elves-lady"]
    assert "Kathrin Polikeit" in items[1].attribution and items[0].licence == "GPL-2.0-or-later"
    sketch, colour, labels = wesnoth.make_sample(items[0], 64)
    assert labels is None and colour.getpixel((1, 1)) == (255, 255, 255) and colour.getpixel((32, 32)) == (180, 60, 40)
    assert (np.asarray(sketch) < 128).any()
    out = tmp_path / "out"
    for split in ("train",):
        for half in ("sketch", "color"):
            (out / split / half).mkdir(parents=True)
    assert render_pair((items[0], "train", 64, str(out)))[2] == "done"
    pid, _, status = render_pair((items[1], "train", 64, str(out)))
    assert status.startswith("error: ValueError") and "not a readable PNG" in status


# ---------------------------------------------------------------- node helpers

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@needs_node
def test_node_batches_report_skipped_seeds_and_failed_batches(tmp_path):
    script = tmp_path / "fake.mjs"
    script.write_text(
        "const seeds = process.argv.slice(3);\n"
        "if (seeds.includes('crash')) process.exit(3);\n"
        "for (const s of seeds) if (s.startsWith('bad')) process.stderr.write(`skip ${s}: broken seed\\n`);\n"
    )
    assert run_node_batches(script, ["x"], ["a", "bad1", "c", "bad2"], batch=2) == ["bad1", "bad2"]
    assert run_node_batches(script, ["x"], ["a", "b", "crash", "d"], batch=2) == ["crash", "d"]


# ---------------------------------------------------------------- with the installed npm packages

def _installed_modules() -> Path | None:
    from train.data.npm import _lock_digest

    for cache in (os.environ.get("COLORIZER_NPM_CACHE"), "data/.cache"):
        if not cache:
            continue
        stamp = Path(cache) / "node" / ".lock.sha256"
        modules = Path(cache) / "node" / "node_modules"
        if modules.is_dir() and stamp.is_file() and stamp.read_text().strip() == _lock_digest():
            return modules.resolve()
    return None


@pytest.fixture(scope="module")
def modules():
    found = _installed_modules()
    if found is None or shutil.which("node") is None:
        pytest.skip("npm packages not installed (run a build, or set COLORIZER_NPM_CACHE to its cache)")
    return found


def test_dicebear_labels_keep_the_pair_and_cover_every_colour_option(modules, tmp_path):
    from train.data.sources import dicebear

    for style in ("adventurer", "avataaars", "personas"):
        schema = subprocess.run(
            ["node", "-e", f"const m=require('{modules}/@dicebear/{style}');"
             "console.log(JSON.stringify(Object.keys(m.schema.properties).filter(k=>/Color$/.test(k))))"],
            capture_output=True, text=True, check=True)
        options = set(json.loads(schema.stdout)) - {"backgroundColor"}
        assert options == set(dicebear.LABEL_OPTIONS[style]), style
        svg_dir = tmp_path / "dicebear" / style
        seeds = [dicebear.seed_name(style, n) for n in range(2)]
        dicebear._generate(modules, style, seeds, svg_dir)
        assert dicebear._generate_labels(modules, style, seeds, svg_dir) == []
        for seed in seeds:
            item = Item(id=f"dicebear-{seed}", group=f"dicebear-{seed}", source="dicebear", licence="x",
                        attribution="", url="", color_svg=str(svg_dir / f"{seed}.svg"),
                        line_mode=dicebear.STYLES[style], maker="train.data.sources.dicebear:make_sample")
            sketch, colour, labels = dicebear.make_sample(item, 96)
            old_sketch, old_colour = make_pair(dataclasses.replace(item, maker=None), 96)
            assert sketch.tobytes() == old_sketch.tobytes() and colour.tobytes() == old_colour.tobytes()
            assert labels is not None and (np.asarray(labels) == SKIN).mean() > 0.03
            twin = (dicebear.label_dir(item.color_svg) / f"{seed}.svg").read_text()
            found = pl.role_colours(Path(item.color_svg).read_text(), twin)
            assert pl.labels_match_colours(labels, colour, 0, [(255, 255, 255)], tol=4) > 0.99
    # a damaged twin costs the labels only, never the pair
    (dicebear.label_dir(item.color_svg) / f"{seed}.svg").write_text("<svg broken")
    sketch, colour, labels = dicebear.make_sample(item, 96)
    assert labels is None and colour.tobytes() == old_colour.tobytes()
    assert found  # the twin named real colours for at least one role


def test_dicebear_twin_that_differs_is_refused(modules, tmp_path):
    from train.data.sources import dicebear

    svg_dir = tmp_path / "adventurer"
    seeds = ["adventurer-00000", "adventurer-00001"]
    dicebear._generate(modules, "adventurer", seeds, svg_dir)
    colour = svg_dir / "adventurer-00001.svg"
    colour.write_text(colour.read_text().replace("<path", "<path transform=\"scale(2)\"", 1))
    assert dicebear._generate_labels(modules, "adventurer", seeds, svg_dir) == ["adventurer-00001"]


@pytest.mark.parametrize("name", ["bigheads", "facesjs"])
def test_procedural_sources_are_deterministic_and_labels_line_up(modules, tmp_path, name):
    import importlib

    mod = importlib.import_module(f"train.data.sources.{name}")
    seeds = [f"{name}-{i:05d}" for i in range(4)]
    made = pl.generate_twins(mod._SCRIPT, modules, tmp_path / "a", mod.COLOURS, seeds, tag=name)
    assert made == seeds
    again = pl.generate_twins(mod._SCRIPT, modules, tmp_path / "b", mod.COLOURS, seeds[:1], tag=name)
    assert (tmp_path / "a" / "color" / f"{seeds[0]}.svg").read_bytes() == \
        (tmp_path / "b" / "color" / f"{again[0]}.svg").read_bytes()
    shares, hair = [], 0
    for seed in seeds:
        item = Item(id=seed, group=seed, source=name, licence=mod.LICENCE, attribution="", url="",
                    color_svg=str(tmp_path / "a" / "color" / f"{seed}.svg"), line_mode="maker",
                    maker=f"train.data.sources.{name}:make_sample")
        sketch, colour, labels = mod.make_sample(item, 128)
        lab = np.asarray(labels)
        assert (lab == SKIN).mean() > 0.03 and (lab == LINE).any()
        hair += (lab == HAIR).any()
        found = pl.role_colours(Path(item.color_svg).read_text(),
                                (tmp_path / "a" / "label" / f"{seed}.svg").read_text())
        shares.append(pl.labels_match_colours(labels, colour, SKIN, sorted(found[SKIN]), tol=24, erode=1))
        ink = np.asarray(sketch) < 128
        assert ink.mean() < 0.25 and ink[lab == LINE].mean() > 0.5  # the sketch is the drawing's outline
    assert np.mean(shares) > 0.85, shares
    assert hair >= 2
