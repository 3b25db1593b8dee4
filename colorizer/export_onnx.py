"""Export the generator to ONNX: ``python -m colorizer.export_onnx --weights DIR --out model.onnx [--check]``.

The graph has dynamic batch, height and width (multiples of 2 ** (num_levels - 1),
16 for the default preset; pad with edge replication and crop afterwards). Inputs,
by name (:func:`colorizer.onnx_backend.input_names`):

* ``sketch``: (N, 3, H, W) float32 in [-1, 1], the RGB sketch.
* ``palette``: (N, 3K) float32 in [-1, 1], the K palette colours (K = 9), RGB each.
* ``hints``: (N, K, H, W) float32 in {0, 1}, only for weights with hint planes
  (config ``hints``): plane k is 1 where a pixel is pinned to slot k (zeros: none).
* ``noise0`` .. ``noise{L-2}``: (N, 1, H_i, W_i) float32, coarsest first,
  ``H_i = H / 2 ** (L - 2 - i)``: standard normal noise times the noise strength,
  or zeros for no noise.

Outputs: ``rgb`` (N, 3, H, W) float32 in [-1, 1], and ``roles`` (N, R, H, W) role
logits (colorizer.roles.ROLES) for weights with a role head (config ``num_roles``).
A JSON sidecar (``model.json``) records the config, the input and output shapes and
the weights hash. ``--check`` compares onnxruntime with PyTorch on a random input
(every output) and fails above 1e-3. ``--int8`` writes the 8-bit graph the app's live
preview runs instead (:func:`colorizer.onnx_backend.quantize_int8`: same inputs and
outputs, QDQ convolutions; approximate, so ``--check`` does not apply).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m colorizer.export_onnx", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--weights", help="weights folder (default: COLORIZER_WEIGHTS, then the packaged colorizer/pretrained/)")
    src.add_argument("--random-weights", metavar="PRESET", help="untrained weights of a preset (for tests)")
    ap.add_argument("--out", required=True, help="the .onnx file to write")
    ap.add_argument("--opset", type=int, default=None, help="ONNX opset (default: 17)")
    ap.add_argument("--check", action="store_true",
                    help="run the export with onnxruntime on a small input and compare with PyTorch")
    ap.add_argument("--int8", action="store_true", help="write the 8-bit (quantized) graph instead")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.int8 and args.check:
        ap.error("--check compares the float graph with PyTorch; the int8 graph is approximate")
    import torch

    from . import ColorizerError, preset
    from .generator import Generator
    from .onnx_backend import DEFAULT_OPSET, export_onnx, noise_shapes, quantize_int8, weights_hash
    from .weights import load_generator, resolve_weights

    try:
        if args.random_weights:
            torch.manual_seed(0)
            model = Generator(preset(args.random_weights)).eval()
            print(f"warning: exporting UNTRAINED weights of preset {args.random_weights!r}", file=sys.stderr)
        else:
            model = load_generator(resolve_weights(args.weights), dtype=torch.float32)
    except (ColorizerError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    opset = args.opset or DEFAULT_OPSET
    out = Path(args.out)
    try:
        if args.int8:
            tmp = out.with_name(f".{out.name}.fp32.onnx")
            try:
                quantize_int8(model, export_onnx(model, tmp, opset=opset), out)
            finally:
                tmp.unlink(missing_ok=True)
        else:
            export_onnx(model, out, opset=opset)
    except Exception as e:  # an exporter limitation: say so, in one line
        print(f"error: ONNX export failed ({type(e).__name__}: {e})", file=sys.stderr)
        return 1
    m, levels = model.cfg.multiple, model.cfg.num_levels
    meta = {
        "config": model.cfg.to_dict(),
        "weights_sha256_16": weights_hash(model, opset),
        "opset": opset,
        "precision": "int8" if args.int8 else "fp32",
        "size_multiple": m,
        "inputs": {"sketch": ["N", model.cfg.sketch_channels, "H", "W"],
                   "palette": ["N", 3 * model.cfg.palette_size],
                   **({"hints": ["N", model.cfg.palette_size, "H", "W"]} if model.cfg.hints else {}),
                   **{f"noise{i}": ["N", 1, f"H/{2 ** (levels - 2 - i)}", f"W/{2 ** (levels - 2 - i)}"]
                      for i in range(len(noise_shapes(model, 1, m, m)))}},
        "outputs": {"rgb": ["N", model.cfg.out_channels, "H", "W"],
                    **({"roles": ["N", model.cfg.num_roles, "H", "W"]} if model.cfg.num_roles else {})},
        "value_range": [-1.0, 1.0],
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {out} (opset {opset}{', int8' if args.int8 else ''}) and {out.with_suffix('.json').name}")
    if args.check:
        diff = check(model, out)
        print(f"max |onnxruntime - pytorch| on a 64x96 input: {diff:.2e}")
        if diff > 1e-3:
            print("error: the export does not match PyTorch", file=sys.stderr)
            return 1
    return 0


def check(model, path: str | Path, height: int = 64, width: int = 96) -> float:
    """Max |difference| between onnxruntime on ``path`` and ``model`` on one random input."""
    import onnxruntime as ort
    import torch

    from .onnx_backend import draw_noise, output_names

    cfg = model.cfg
    torch.manual_seed(1)
    sketch = torch.rand(1, cfg.sketch_channels, height, width) * 2 - 1
    palette = torch.rand(1, 3 * cfg.palette_size) * 2 - 1
    hints = (torch.rand(1, cfg.palette_size, height, width) > 0.99).float() if cfg.hints else None
    feeds = {"sketch": sketch.numpy(), "palette": palette.numpy()}
    if hints is not None:
        feeds["hints"] = hints.numpy()
    for i, a in enumerate(draw_noise(model, 1, height, width, "random", torch.Generator().manual_seed(3), 1.0)):
        feeds[f"noise{i}"] = a
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outs = sess.run(output_names(model), feeds)
    with torch.inference_mode():
        ref = model(sketch, palette, hints, "random", torch.Generator().manual_seed(3), 1.0)
    diff = float((torch.from_numpy(outs[0]) - ref.rgb).abs().max())
    if ref.roles is not None:
        diff = max(diff, float((torch.from_numpy(outs[1]) - ref.roles).abs().max()))
    return diff


if __name__ == "__main__":
    sys.exit(main())
