"""Start app.py in a subprocess on 127.0.0.1 and a free port (shared by the app tests)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from webapp import browser

ROOT = browser.ROOT


@contextlib.contextmanager
def app_server(preset: str = "default", timeout: float = 120.0, log_path: Path | None = None, env: dict | None = None,
               on_start=None):
    """Yield the base URL of a running app with random ``preset`` weights and the test endpoint
    ``/debug_last_result`` (the slot map and picture of the last colouring in the UI)."""
    extra = dict(COLORIZER_RANDOM_WEIGHTS=preset, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"),
                 COLORIZER_APP_DEBUG="1", **(env or {}))
    log = open(log_path, "w+") if log_path else None
    try:
        with browser.app_server(env=extra, timeout=timeout, log=log, on_start=on_start) as url:
            yield url
    finally:
        if log:
            log.close()
