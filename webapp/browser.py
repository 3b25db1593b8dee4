"""Running the app for a browser: a server in a subprocess and Debian's Chromium through Playwright.

Shared by the docs screenshot (:mod:`webapp.screenshot`), the browser benchmark
(:mod:`webapp.bench_browser`) and the app's integration tests. Chromium is the system's
``/usr/bin/chromium`` (never ``playwright install``), with the flags that keep it off the network.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(app_args=(), env: dict | None = None, timeout: float = 120.0, log=None, on_start=None):
    """Yield the URL of ``app.py`` (with ``app_args``) serving on 127.0.0.1 and a free port, offline;
    ``env`` adds variables (None: removes one); ``on_start(process)`` is called once it answers.
    Stopped on exit (SIGTERM: the app removes its output folder)."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1",
           "GRADIO_SERVER_NAME": None, **(env or {})}
    env = {k: v for k, v in env.items() if v is not None}
    cmd = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), *app_args]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        t0 = time.time()
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with code {proc.returncode}")
            try:
                with urllib.request.urlopen(url + "config", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() - t0 > timeout:
                raise RuntimeError("app.py did not start in time")
            time.sleep(0.3)
        if on_start is not None:
            on_start(proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def launch_chromium(playwright):
    """Debian's Chromium, headless and off the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "app_server", "free_port", "launch_chromium"]
