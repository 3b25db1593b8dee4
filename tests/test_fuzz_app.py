"""Fuzzing the running app: bad inputs through the named API (gradio_client) and the page's own events
(raw queue calls, as the browser makes them), counted.

Every bad input must get a clear refusal (a ``gr.Error``: its payload has a title) or a correct
answer: never a raw Python message, a traceback, a hang or a dead server; and the server's memory
stays bounded (decompression bombs, many layers and huge documents are refused before decoding).
Slow: ``pytest -m slow tests/test_fuzz_app.py``.
"""

from __future__ import annotations

import io
import json
import uuid
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

gradio_client = pytest.importorskip("gradio_client")
httpx = pytest.importorskip("httpx")
from gradio_client import Client, handle_file  # noqa: E402

from _app_server import ROOT, app_server  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MIN_CASES = 150
# The server's resident memory may grow by at most this much over the whole run.
MAX_RSS_GROWTH_MB = 700
RAW_MARKERS = ("Traceback", "Error(", "object has no attribute", "unsupported operand", "index out of range",
               "could not preprocess", "NoneType", "int() argument", "invalid literal", "overflow")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class RawApp:
    """The page's events called as the browser calls them: upload files, join the queue, read the answer."""

    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(timeout=120)
        self.config = self.http.get(url + "config").json()
        self.ids = {c.get("props", {}).get("elem_id"): c["id"] for c in self.config["components"]
                    if c.get("props", {}).get("elem_id")}

    def dependency(self, elem_id: str, event: str) -> dict:
        target = self.ids[elem_id]
        for i, dep in enumerate(self.config["dependencies"]):
            if [target, event] in [list(t) for t in dep["targets"]]:
                return dict(dep, fn_index=dep.get("id", i))
        raise KeyError(f"no {event} event on #{elem_id}")

    def upload(self, name: str, data: bytes) -> dict:
        r = self.http.post(self.url + "gradio_api/upload", files={"files": (name, data)})
        r.raise_for_status()
        return {"path": r.json()[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}

    def call(self, elem_id: str, event: str, values: dict, event_data=None) -> dict:
        """Call the event with ``values`` (by elem_id; other inputs keep their defaults): the final message."""
        dep = self.dependency(elem_id, event)
        comps = {c["id"]: c for c in self.config["components"]}
        by_id = {self.ids[k]: v for k, v in values.items()}
        data = [by_id.get(cid, comps[cid].get("props", {}).get("value")) for cid in dep["inputs"]]
        session = uuid.uuid4().hex
        r = self.http.post(self.url + "gradio_api/queue/join",
                           json={"data": data, "fn_index": dep["fn_index"], "session_hash": session,
                                 "event_data": event_data, "trigger_id": self.ids[elem_id]})
        r.raise_for_status()
        with self.http.stream("GET", self.url + f"gradio_api/queue/data?session_hash={session}") as s:
            for line in s.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "process_completed":
                        return msg
        raise AssertionError("the event never completed")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _bomb(side: int) -> bytes:
    """A tiny 1-bit PNG of side x side pixels (the header says so; it unpacks to side^2 pixels)."""
    return _png(Image.new("1", (side, side), 1))


def _sketch() -> bytes:
    im = Image.new("RGB", (96, 80), "white")
    ImageDraw.Draw(im).ellipse((10, 8, 80, 70), outline="black", width=3)
    return _png(im)


def _bad_files() -> dict[str, bytes]:
    truncated = _sketch()[:60]
    huge_text = b"A" * 300_000
    return {
        "bomb_9000.png": _bomb(9000),
        "bomb_6000.png": _bomb(6000),
        "long_side.png": _png(Image.new("1", (9000, 4), 1)),
        "page.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>',
        "page.html": b"<html><body><img src=x onerror=alert(1)></body></html>",
        "empty.png": b"",
        "truncated.png": truncated,
        "text.png": huge_text,
        "zlib.png": b"\x89PNG\r\n\x1a\n" + zlib.compress(b"\0" * 100_000),
        "blank.png": _png(Image.new("RGB", (64, 64), "white")),
        "tiny.png": _png(Image.new("RGB", (1, 1), "black")),
        "transparent.png": _png(Image.new("RGBA", (64, 64), (0, 0, 0, 0))),
        "sixteen.png": _png(Image.fromarray(np.full((40, 40), 60000, np.uint16))),
        "json.png": b'{"format": "anime-sketch-colorizer-project"}',
    }


BAD_JSON = {
    "seed_huge": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, "options": {"seed": 1%s}}'
                 % (json.dumps(["#ffffff"] * 9), "0" * 30),
    "seed_inf": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, "options": {"seed": Infinity}}'
                % json.dumps(["#ffffff"] * 9),
    "seed_64bit": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, '
                  '"options": {"seed": 18446744073709551616}}' % json.dumps(["#ffffff"] * 9),
    "noise_nan": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, '
                 '"options": {"noise_strength": NaN}}' % json.dumps(["#ffffff"] * 9),
    "size_float": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, '
                  '"options": {"size": 1e300}}' % json.dumps(["#ffffff"] * 9),
    "deep": "[" * 30000 + "]" * 30000,
    "digits": '{"format": "anime-colorizer-character", "version": 1%s, "name": "A", "colors": {}}' % ("1" * 4300),
    "not_json": "{nope",
    "binary": "\x00\x01\x02",
    "wrong_format": '{"format": "something-else"}',
    "palette_short": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": ["#fff"]}',
    "palette_bad": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s}'
                   % json.dumps(["#zzzzzz"] * 9),
    "hints_huge": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, "hints": [[1%s, 2, 3]]}'
                  % (json.dumps(["#ffffff"] * 9), "0" * 400),
    "hints_many": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, "hints": %s}'
                  % (json.dumps(["#ffffff"] * 9), json.dumps([[1, 1, 1]] * 500)),
    "version_future": '{"format": "anime-sketch-colorizer-project", "version": 99, "palette": %s}'
                      % json.dumps(["#ffffff"] * 9),
    "options_list": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, "options": [1]}'
                    % json.dumps(["#ffffff"] * 9),
    "unknown_option": '{"format": "anime-sketch-colorizer-project", "version": 2, "palette": %s, '
                      '"options": {"rm_rf": true}}' % json.dumps(["#ffffff"] * 9),
    "large": '{"x": "' + "a" * 200_000 + '"}',
    "character_colors_list": '{"format": "anime-colorizer-character", "version": 1, "name": "A", "colors": [1]}',
    "character_name_obj": '{"format": "anime-colorizer-character", "version": 1, "name": {"a": 1}, "colors": {}}',
}

BAD_HINTS = ["[[1%s, 10, 2]]" % ("0" * 400), "[[-5, 10, 2]]", "[[1e400, 1, 2]]", "[" * 5000 + "]" * 5000,
             json.dumps([[1, 1, 1]] * 1000), "[[1, 2]", '{"x": 1}', '[[1, 2, "tail"]]', "[[1, 2, 99]]",
             "[[NaN, 1, 1]]", "[[Infinity, 1, 1]]", "[[true, 1, 1]]", '[["a", "b", "c"]]', "[null]", '"text"',
             "[[1, 2, 3, 4]]", "x" * 100_000, "[[900, 2, 1]]", "[[1.5e10, 2, 1]]", '[{"x": 1}]']

BAD_PALETTES = ["#12345g", "#fff," * 20, "rgba(999, 0, 0, 1)", "x" * 100_000, "#ff0000,,,,", "🎨", "rgb(1,2)",
                "#" * 50, "red,green", "#fff;#000"]


def _check(answer, what: str, failures: list, ok_answer: bool = True, protocol: bool = False) -> None:
    """``answer``: a gradio_client result or exception, or a raw queue message. ``ok_answer``: the input
    may also be accepted. ``protocol``: a payload the page never sends, which Gradio's own validation
    may refuse before the app sees it: refused without any message is then right too."""
    if isinstance(answer, dict):  # raw queue message
        out = answer.get("output") or {}
        err = out.get("error")
        if err is None and answer.get("success", True):
            if not ok_answer:
                failures.append(f"{what}: accepted")
            return
        if err is None and protocol:
            return  # refused, and nothing of the server's internals shown (show_error=False)
        if out.get("title") is None:
            failures.append(f"{what}: not a gr.Error: {str(err)[:200]!r}")
        text = str(err)
    elif isinstance(answer, Exception):
        text = str(answer)
    else:
        if not ok_answer:
            failures.append(f"{what}: accepted")
        return
    if any(m.lower() in text.lower() for m in RAW_MARKERS) or not text.strip():
        failures.append(f"{what}: raw message {text[:200]!r}")


def test_fuzz_the_app(tmp_path):
    pid = []
    log = tmp_path / "app.log"
    count = 0
    failures: list[str] = []
    with app_server("tiny", log_path=log, on_start=lambda proc: pid.append(proc.pid)) as url:
        client = Client(url, verbose=False)
        raw = RawApp(url)
        rss0 = _rss_mb(pid[0])
        files = _bad_files()
        for name, data in files.items():
            (tmp_path / name).write_bytes(data)
        good = tmp_path / "good.png"
        good.write_bytes(_sketch())

        def api(what, *args, ok_answer=False, **kw):
            nonlocal count
            count += 1
            try:
                answer = client.predict(*args, **kw)
            except Exception as e:  # gradio_client raises AppError for a refusal
                answer = e
            _check(answer, what, failures, ok_answer)

        # -- the named API ------------------------------------------------------------------
        for name in files:
            expected_ok = name in ("tiny.png", "sixteen.png")  # dark pixels: pictures it can colour
            api(f"/colorize sketch {name}", handle_file(str(tmp_path / name)), api_name="/colorize",
                ok_answer=expected_ok)
            api(f"/colorize reference {name}", handle_file(str(good)), handle_file(str(tmp_path / name)),
                api_name="/colorize", ok_answer=name in ("blank.png", "tiny.png", "transparent.png", "sixteen.png"))
            api(f"/extract_palette {name}", handle_file(str(tmp_path / name)), api_name="/extract_palette",
                ok_answer=name in ("blank.png", "tiny.png", "transparent.png", "sixteen.png"))
        sk = handle_file(str(good))
        for i, hints in enumerate(BAD_HINTS):
            api(f"/colorize hints {i}", sk, None, "", 0, 64, 1.0, True, True, False, hints, api_name="/colorize")
        for i, pal in enumerate(BAD_PALETTES):
            api(f"/colorize palette {i}", sk, None, pal, 0, 64, api_name="/colorize",
                ok_answer=pal == "#ff0000,,,,")  # one colour: the other slots keep their defaults
        for seed in (-1, 2**64, 10**30, 1e30, 1.5, "abc", 2**63):
            api(f"/colorize seed {seed!r}", sk, None, "", seed, 64, api_name="/colorize")
        for size in (0, -5, 5000, 10**12, 63.5, "big", 1e308):
            api(f"/colorize size {size!r}", sk, None, "", 0, size, api_name="/colorize")
        for strength in (-1, 1e308, "x", -0.5):
            api(f"/colorize noise {strength!r}", sk, None, "", 0, 64, strength, api_name="/colorize")
        api("/colorize both reference and palette", sk, handle_file(str(good)), "#fff", api_name="/colorize")
        api("/colorize no sketch", None, api_name="/colorize")
        api("/extract_palette nothing", None, api_name="/extract_palette")
        assert _rss_mb(pid[0]) - rss0 < MAX_RSS_GROWTH_MB, "the named API's bad inputs grew the server"

        # -- the page's own events, raw ------------------------------------------------------
        def event(what, elem_id, ev, values, ok_answer=True, event_data=None, protocol=False):
            nonlocal count
            count += 1
            try:
                answer = raw.call(elem_id, ev, values, event_data)
            except Exception as e:
                failures.append(f"{what}: {type(e).__name__}: {str(e)[:200]}")
                return
            _check(answer, what, failures, ok_answer, protocol)

        uploaded = {name: raw.upload(name, data) for name, data in files.items()}
        big = uploaded["bomb_6000.png"]
        pad_values = {
            "20 layers": {"background": None, "layers": [big] * 20, "composite": None},
            "composite bomb": {"background": None, "layers": [], "composite": uploaded["bomb_9000.png"]},
            "layer bomb": {"background": None, "layers": [big], "composite": None},
            "svg composite": {"background": None, "layers": [], "composite": uploaded["page.svg"]},
            "layers not a list": {"background": None, "layers": "x", "composite": None},
            "unknown id": {"background": None, "layers": [], "composite": None, "id": "nope"},
            "path outside": {"background": None, "layers": [], "composite": {"path": "/etc/passwd"}},
            "empty": {"background": None, "layers": [], "composite": None},
        }
        for what, value in pad_values.items():
            event(f"canvas {what}", "sketchpad", "change", {"sketchpad": value},
                  protocol=what in ("layers not a list", "path outside"))
        for name, f in uploaded.items():
            event(f"upload {name}", "sketch-upload", "change", {"sketch-upload": f})
            event(f"reference {name}", "reference", "change", {"reference": f})
        event("upload path outside", "sketch-upload", "change", {"sketch-upload": {"path": "/etc/passwd"}},
              protocol=True)
        for what, text in BAD_JSON.items():
            f = raw.upload(f"{what}.json", text.encode("utf-8", "surrogatepass"))
            event(f"project {what}", "load-project", "upload", {"load-project": f}, ok_answer=False)
            # a project file is also a palette file for "Load character": only its palette is read
            event(f"character {what}", "load-character", "upload", {"load-character": f},
                  ok_answer=BAD_JSON[what].startswith('{"format": "anime-sketch-colorizer-project"'))
        for name in ("bomb_9000.png", "page.html"):
            event(f"project {name}", "load-project", "upload", {"load-project": uploaded[name]}, ok_answer=False)
        for text in BAD_PALETTES + ["", "#fff," * 2000]:
            event(f"hex text {text[:20]!r}", "palette-hex", "submit", {"palette-hex": text})
        for text in ("#12345g", "", "x" * 10_000, "rgba(1,2,3)", "🎨"):
            event(f"hex box {text[:20]!r}", "hex-2", "submit", {"hex-2": text})
        for value in (None, "Nope", "", ["Ocean"], 5):
            event(f"preset {value!r}", "preset", "input", {"preset": value})
        for index in (None, [-5, 3], [1e30, 2], ["a", "b"], [10**30, 1], "x"):
            event(f"pin click {index!r}", "preview", "select", {}, event_data={"index": index, "value": None})
            event(f"result click {index!r}", "result", "select", {}, event_data={"index": index, "value": None})
        for choice in (None, -1, 10**30, "x"):
            event(f"remove pin {choice!r}", "pin-remove", "click", {"pin-choice": choice})
        for seed in (10**30, -1, "x"):  # the page's number box never sends text: Gradio refuses it
            event(f"settings seed {seed!r}", "seed", "change", {"seed": seed}, protocol=seed == "x")
        event("colorize with nothing", "colorize-btn", "click", {})
        rss = _rss_mb(pid[0])
    text = log.read_text(errors="replace")
    print(f"{count} bad inputs; server RSS {rss0:.0f} -> {rss:.0f} MB; {len(failures)} failures")
    assert count >= MIN_CASES
    assert not failures, "\n".join(failures[:40])
    # Gradio logs its own refusals of payloads the page never sends (a number box sent text, a canvas value
    # that is not one); no traceback may pass through the app's or the library's code
    ours = [block for block in text.split("Traceback (most recent call last):")[1:]
            if f"{ROOT / 'webapp'}" in block or f"{ROOT / 'colorizer'}" in block or f"{ROOT / 'app.py'}" in block]
    assert not ours, ours[0][:3000]
    assert rss - rss0 < MAX_RSS_GROWTH_MB
