"""Anime Sketch Colorizer - the web app (a Gradio 6 Hugging Face Space).

    python app.py [--host 127.0.0.1] [--port 7860] [--weights DIR] [--random-weights [PRESET]]

Loads the model once, builds the page (:class:`webapp.ui.ColorizerApp`) and serves it;
named API endpoints ``/colorize`` and ``/extract_palette`` (see "Use via API").
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from webapp import RANDOM_ENV, load_model
from webapp.ui import PREVIEW_PRECISION, ColorizerApp, debug_enabled


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description="Anime Sketch Colorizer web app")
    ap.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    ap.add_argument("--weights", default=None, help="weights folder (config.json + model.safetensors)")
    ap.add_argument("--random-weights", nargs="?", const="default", default=os.environ.get(RANDOM_ENV) or None,
                    metavar="PRESET", help="untrained weights for testing (preset: default, tiny, paper)")
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    model, message = load_model(args.weights, args.random_weights)
    if message:
        print("WARNING:", message, flush=True)
    if model is not None:  # build the ONNX graphs (float, and the preview's int8) while the page loads
        threading.Thread(target=model.warm_up, args=(("fp32", PREVIEW_PRECISION),), daemon=True).start()
    # a stop signal ends the process normally, so that the app's output folder is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ColorizerApp(model, message, debug=debug_enabled()).launch(server_name=args.host, server_port=args.port)


if __name__ == "__main__":
    main()
