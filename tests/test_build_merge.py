"""Incremental corpus builds: LICENSES.csv keeps the rows of earlier builds whose pictures are still on disk,
manifest.json counts everything on disk, and `python -m train.data licences` rewrites LICENSES.csv without rendering."""

from __future__ import annotations

import csv
import json
from types import SimpleNamespace

import pytest

from train.data import build as B
from train.data.__main__ import main as data_main
from train.data.sources import Item


def toy_source(name: str, n: int, start: int = 0, note: str = ""):
    """A source of ``n`` procedural items (the anime maker, seeds ``start..``), ids ``<name>-<seed>``."""
    def items(cache_dir, limit=None, **_):
        out = [Item(id=f"{name}-{s:03d}", group=f"{name}-{s:03d}", source=name, licence="CC0-1.0",
                    attribution=f"toy {name} {s}{note}", url="", color_svg="", line_mode="maker",
                    maker="train.data.sources.anime:make", seed=s) for s in range(start, start + n)]
        return out[:limit] if limit is not None else out
    return SimpleNamespace(items=items, versions=lambda cache_dir: {name: "1"})


@pytest.fixture
def sources(monkeypatch):
    table = {"toya": toy_source("toya", 8), "toyb": toy_source("toyb", 6, start=20)}
    real = B._source_module
    monkeypatch.setattr(B, "_source_module", lambda name: table[name] if name in table else real(name))
    return table


def rows_of(out):
    with (out / "LICENSES.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def run(out, source):
    return B.build(out=out, size=64, sources=[source], workers=1, cache_dir=out / ".cache")


def test_second_build_keeps_the_first_builds_rows_and_counts(sources, tmp_path):
    out = tmp_path / "corpus"
    a = run(out, "toya")
    na = a["total_pairs"]
    assert na > 0 and len(rows_of(out)) == na
    b = run(out, "toyb")
    nb = b["total_pairs"]
    rows = rows_of(out)
    assert len(rows) == na + nb and {r["source"] for r in rows} == {"toya", "toyb"}
    keys = [(r["split"], r["item_id"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for r in rows:
        assert (out / r["split"] / "color" / f"{r['item_id']}.png").is_file()
    m = json.loads((out / "manifest.json").read_text())
    assert sum(c["total"] for c in m["counts"].values()) == nb           # the current call only
    assert {s for c in m["counts"].values() for s in c} <= {"toyb", "total"}
    disk = m["counts_on_disk"]
    assert sum(c.get("toya", 0) for c in disk.values()) == na
    assert sum(c.get("toyb", 0) for c in disk.values()) == nb
    assert m["total_pairs_on_disk"] == na + nb

    # a picture deleted from disk loses its row at the next build; a rebuilt source's rows are renewed
    gone = next(r for r in rows if r["source"] == "toya")
    for half in ("sketch", "color", "labels"):
        (out / gone["split"] / half / f"{gone['item_id']}.png").unlink()
    sources["toyb"] = toy_source("toyb", 6, start=20, note=" (v2)")
    run(out, "toyb")
    after = rows_of(out)
    assert len(after) == na + nb - 1 and gone["item_id"] not in {r["item_id"] for r in after}
    assert all(r["attribution"].endswith("(v2)") for r in after if r["source"] == "toyb")
    assert json.loads((out / "manifest.json").read_text())["total_pairs_on_disk"] == na + nb - 1


def test_licences_command_rebuilds_the_file_without_rendering(sources, tmp_path, monkeypatch, capsys):
    out = tmp_path / "corpus"
    run(out, "toya")
    run(out, "toyb")
    before = rows_of(out)
    (out / "LICENSES.csv").write_text("split,source,item_id,licence,attribution,url\n")   # the lost rows
    monkeypatch.setattr(B, "make_sample", lambda *a, **k: pytest.fail("the licences command rendered"))
    assert data_main(["licences", "--out", str(out), "--sources", "toya,toyb"]) == 0
    assert rows_of(out) == before
    printed = capsys.readouterr().out
    assert f"{len(before)} rows" in printed and f"for {len(before)} colour pictures" in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["total_pairs_on_disk"] == len(before)

    # rows of a source not named are kept while their pictures exist
    r = B.rebuild_licences(out, sources=["toyb"], cache_dir=out / ".cache")
    assert r["rows"] == len(before) and not r["unlisted"]

    # a colour picture no source lists: reported, exit status 1
    (out / "train" / "color" / "stray.png").write_bytes(b"")
    assert data_main(["licences", "--out", str(out), "--sources", "toya,toyb"]) == 1
    assert "train/stray" in capsys.readouterr().err
    assert json.loads((out / "manifest.json").read_text())["counts_on_disk"]["train"]["unlisted"] == 1
    assert data_main(["licences", "--out", str(out), "--sources", "cats"]) == 2


def test_a_foreign_licence_file_stops_the_build_before_rendering(sources, tmp_path, monkeypatch):
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "LICENSES.csv").write_text("name,licence\nx,MIT\n")
    monkeypatch.setattr(B, "render_pair", lambda job: pytest.fail("rendered"))
    with pytest.raises(SystemExit, match="not a corpus licence file"):
        run(out, "toya")
