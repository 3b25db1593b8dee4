"""The app under concurrent load, and its file routes under path-traversal attempts.

* ``test_load_small``: 4 gradio_client clients x 3 requests at 256 px (fast, CI).
* ``test_load_full`` (``slow``): 8 clients x 25 requests at 256 px with the random
  ``default`` weights; all must succeed; p50 / p95 latency and the server's peak
  RSS are printed (``pytest -m slow -s tests/test_load.py``); the server's RSS
  may not keep growing from round to round.
* ``test_file_routes_do_not_leak``: ``/etc/passwd``-style requests through
  gradio's file routes (plain, ``..``, url-encoded) get 403/404 and never the
  file's content.

Every request has a timeout, and the number of requests is fixed.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]

if not (ROOT / "app.py").is_file():
    pytest.skip("app.py is not in the repository yet", allow_module_level=True)
pytest.importorskip("gradio")
gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402

from _app_server import app_server  # noqa: E402

pytestmark = pytest.mark.integration   # starts the app server

PALETTE = "#ffffff,#f6d7c3,#3b3a4f,#c8553d,#5b7db1,#f2c14e,#8fb996,#e8a0b4,#2b2b2b"


def _server_pid(url: str) -> int | None:
    """The pid of the app.py process listening on ``url``'s port (from /proc cmdlines)."""
    port = str(urlparse(url).port)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in args]
        if any(a.endswith("app.py") for a in args) and port in args:
            return int(proc.name)
    return None


def _rss_mb(pid: int | None, field: str = "VmRSS") -> float:
    """Current (VmRSS) or peak (VmHWM) resident memory of ``pid`` in MB; nan when unknown."""
    if pid is None:
        return float("nan")
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@pytest.fixture(scope="module")
def sketch_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("load") / "sketch.png"
    im = Image.new("RGB", (320, 240), "white")
    d = ImageDraw.Draw(im)
    d.ellipse((80, 20, 240, 180), outline="black", width=3)
    d.line((10, 230, 310, 200), fill="black", width=3)
    im.save(path)
    return path


def new_client(url: str, downloads: Path) -> Client:
    """A Client with its own download folder.

    gradio_client saves every result under a folder named by a hash that is
    the same for all of them (``/tmp/gradio/e3b0c442.../image.png``), so
    clients in one process overwrite each other's files while they read them.
    """
    downloads.mkdir(parents=True, exist_ok=True)
    return Client(url, verbose=False, download_files=str(downloads))


def hammer(url: str, sketch: Path, clients: int | list[Client], requests: int, size: int = 256,
           timeout: float = 120.0) -> tuple[list[float], list[str]]:
    """One thread per client sends ``requests`` /colorize calls.

    ``clients``: a number (a new Client, i.e. a new server session, each) or
    Client objects to reuse. Returns (latencies of the successful calls in s,
    error messages).
    """
    given = clients if isinstance(clients, list) else None
    n = len(given) if given else int(clients)
    downloads = Path(tempfile.mkdtemp(prefix="load-downloads-"))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        c = given[i] if given else new_client(url, downloads / str(i))
        for j in range(requests):
            t0 = time.perf_counter()
            try:
                # A palette of its own per request: gradio caches each output under a hash of
                # its bytes, and rewrites that file when another request makes the same picture,
                # while the first client may still be downloading it (an empty download).
                palette = f"#{(37 * i) % 256:02x}{(11 * j) % 256:02x}{(5 * i + 3 * j) % 256:02x}," + PALETTE
                palette = ",".join(palette.split(",")[:9])
                img, pal, seed = c.submit(handle_file(str(sketch)), None, palette, i * 1000 + j, size, 1.0,
                                          False, api_name="/colorize").result(timeout=timeout)
                assert Image.open(img).size == (320, 240) and seed == i * 1000 + j
                with lock:
                    latencies.append(time.perf_counter() - t0)
            except Exception as e:  # collected and reported by the test
                with lock:
                    errors.append(f"client {i} request {j}: {type(e).__name__}: {e}")

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(worker, range(n)))
    return latencies, errors


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(q / 100 * (len(xs) - 1)))))]


def _report(name: str, lat: list[float], pid: int | None) -> str:
    return (f"{name}: {len(lat)} requests, p50 {statistics.median(lat):.2f} s, p95 {_percentile(lat, 95):.2f} s, "
            f"max {max(lat):.2f} s; server RSS now {_rss_mb(pid):.0f} MB, peak {_rss_mb(pid, 'VmHWM'):.0f} MB")


def test_load_small(tmp_path, sketch_file):
    with app_server("tiny", log_path=tmp_path / "app.log") as url:
        lat, errors = hammer(url, sketch_file, clients=4, requests=3)
        assert not errors, "\n".join(errors[:5])
        assert len(lat) == 12
        print(_report("4 clients x 3 requests, tiny", lat, _server_pid(url)))


@pytest.mark.slow
def test_load_full(tmp_path, sketch_file):
    """8 clients x 25 requests (in 5 rounds of 5 per client) with the default preset."""
    rounds, per_round, clients = 5, 5, 8
    with app_server("default", log_path=tmp_path / "app.log", timeout=180) as url:
        pid = _server_pid(url)
        # The same 8 clients (sessions) in every round, so that per-session state
        # does not pass for a leak.
        users = [new_client(url, tmp_path / f"client{i}") for i in range(clients)]
        hammer(url, sketch_file, clients=users[:1], requests=1)  # warm-up (ONNX export, caches)
        all_lat, rss = [], []
        for r in range(rounds):
            lat, errors = hammer(url, sketch_file, clients=users, requests=per_round)
            assert not errors, f"round {r}:\n" + "\n".join(errors[:5])
            all_lat += lat
            rss.append(_rss_mb(pid))
            print(_report(f"round {r + 1}/{rounds}", lat, pid), flush=True)
        assert len(all_lat) == rounds * per_round * clients == 200
        print(_report("8 clients x 25 requests, default @ 256 px", all_lat, pid))
        print("server RSS after each round (MB): " + ", ".join(f"{x:.0f}" for x in rss))
        if pid is not None:
            # No leak: after the first round (allocator pools, caches) memory stays flat.
            assert rss[-1] <= rss[0] * 1.15 + 64, rss


# -- file routes -----------------------------------------------------------------------------

SECRET_MARKERS = ("root:x:0:0", "root:*:0:0", "[core]", "HOSTNAME=")
PROBES = [
    "/gradio_api/file=/etc/passwd",
    "/file=/etc/passwd",
    "/gradio_api/file=../../../../../../etc/passwd",
    "/file=../../../../../../etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file=..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=%252e%252e/%252e%252e/%252e%252e/etc/passwd",
    "/gradio_api/file=/proc/self/environ",
    "/gradio_api/file=//etc/passwd",
    "/gradio_api/file=/tmp/../etc/passwd",
    "/gradio_api/file=" + str(ROOT / ".git" / "config"),
    "/gradio_api/file=" + str(ROOT / "app.py"),
    "/gradio_api/file=" + str(ROOT / "colorizer" / "weights.py"),
    "/gradio_api/file=.git/config",
    "/gradio_api/file=app.py",
    "/static/../../../../etc/passwd",
    "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/upload/../../../../etc/passwd",
]


def _get(url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` sent verbatim (no client-side normalisation of '..')."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read(200_000)
    finally:
        conn.close()


def test_file_routes_do_not_leak(tmp_path):
    app_source = (ROOT / "app.py").read_bytes()[:200]
    with app_server("tiny", log_path=tmp_path / "app.log") as url:
        problems = []
        for probe in PROBES:
            status, body = _get(url, probe)
            text = body.decode("latin-1")
            leaked = any(m in text for m in SECRET_MARKERS) or (app_source and app_source in body)
            if leaked:
                problems.append(f"{probe}: {status} LEAKED the file")
            elif "file=" in probe and status not in (400, 403, 404):
                problems.append(f"{probe}: status {status} (expected 403/404)")
        assert not problems, "\n".join(problems)
