"""The int8 ONNX graph (``ColorizeOptions.precision="int8"``, the app's live preview).

Tiny random weights cover the plumbing (caching, fallbacks, options); the shipped
weights are checked for what the preview shows (every region's slot) and for speed,
as a ratio to the float graph within one run on one thread.
"""

import json
import platform
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorizer import Colorizer, ColorizerError, ColorizeOptions, preset
from colorizer.generator import Generator
from colorizer.weights import load_generator, save_pretrained

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

from colorizer import onnx_backend  # noqa: E402
from colorizer.onnx_backend import OnnxGenerator, calibration_sketches  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "colorizer" / "pretrained"
EXAMPLES = sorted((ROOT / "examples" / "sketches").glob("*.png"))


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COLORIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COLORIZER_BACKEND", raising=False)


def _tiny_semantic() -> Generator:
    torch.manual_seed(0)
    return Generator(preset("tiny", hints=True, num_roles=11)).eval()


def test_options_precision_is_checked():
    assert ColorizeOptions().precision == "fp32"
    assert ColorizeOptions().replace(precision="int8").precision == "int8"
    with pytest.raises(ColorizerError, match="precision"):
        ColorizeOptions().replace(precision="int4")
    with pytest.raises(ValueError, match="precision"):
        OnnxGenerator(_tiny_semantic(), precision="fp16")


def test_calibration_sketches_are_line_art_and_repeat():
    a, b = calibration_sketches(4), calibration_sketches(4)
    assert len(a) == 4 and all(x.shape == (256, 256) and x.dtype == np.uint8 for x in a)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    ink = [float((x < 128).mean()) for x in a]
    assert all(0.005 < v < 0.3 for v in ink), ink  # lines on paper, not blank, not black


def test_int8_graph_is_quantized_cached_and_close_on_tiny(tmp_path, monkeypatch):
    g = _tiny_semantic()
    calls = []
    real = onnx_backend.quantize_int8
    monkeypatch.setattr(onnx_backend, "quantize_int8", lambda *a, **k: calls.append(1) or real(*a, **k))
    f, q = OnnxGenerator(g, cache_dir=tmp_path), OnnxGenerator(g, cache_dir=tmp_path, precision="int8")
    torch.manual_seed(3)
    x = torch.rand(1, 3, 48, 40) * 2 - 1
    pv = torch.rand(1, 27) * 2 - 1
    a, b = f(x, pv, None, "const"), q(x, pv, None, "const")
    assert b.rgb.shape == a.rgb.shape and b.roles.shape == a.roles.shape
    assert q.path.name.endswith(f"-int8v{onnx_backend.INT8_FORMAT}.onnx") and q.path != f.path
    ops = {n.op_type for n in onnx.load(str(q.path)).graph.node}
    assert "QuantizeLinear" in ops and "DequantizeLinear" in ops
    assert float((a.rgb - b.rgb).abs().mean()) < 0.1    # 8-bit rounding, not another network
    assert not torch.equal(a.rgb, b.rgb)                  # and not the float graph again
    OnnxGenerator(g, cache_dir=tmp_path, precision="int8")(x, pv, None, "const")
    assert calls == [1]  # the second runner found the file


def test_an_unwritable_cache_builds_both_graphs_in_a_temp_folder_and_removes_it(tmp_path, monkeypatch):
    import tempfile

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")                      # the cache folder would have to be made inside a file
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    q = OnnxGenerator(_tiny_semantic(), cache_dir=blocker / "cache", precision="int8")
    y = q(torch.zeros(1, 3, 32, 32), torch.zeros(1, 27), None, "const")
    assert y.roles.shape == (1, 11, 32, 32)
    assert q.path is None                        # the graphs lived in a temp folder...
    assert list(scratch.iterdir()) == []         # ...which is gone: no colorizer-onnx-* left behind


def test_int8_on_the_torch_backend_is_the_float_model(sketch_image):
    c = Colorizer(_tiny_semantic(), device="cpu", backend="torch")
    a = c(sketch_image, seed=2, size=64)
    b = c(sketch_image, seed=2, size=64, precision="int8")
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))


def test_a_failing_int8_graph_falls_back_to_float_onnx(sketch_image, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("quantizer exploded")

    monkeypatch.setattr(onnx_backend, "quantize_int8", broken)
    c = Colorizer(_tiny_semantic(), device="cpu", backend="onnx")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        b = c(sketch_image, seed=5, size=64, precision="int8")
    assert any("exploded" in str(m.message) for m in w)
    assert "exploded" in c.int8_error and c.onnx_error is None and c.active_backend == "onnx"
    a = c(sketch_image, seed=5, size=64)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))


def test_warm_up_builds_the_sessions(monkeypatch):
    c = Colorizer(_tiny_semantic(), device="cpu", backend="onnx")
    c.warm_up(("fp32", "int8"))
    runners = c.network.onnx_runners()
    assert set(runners) == {"fp32", "int8"} and all(r.path is not None for r in runners.values())
    Colorizer(_tiny_semantic(), device="cpu", backend="torch").warm_up(("int8",))  # nothing to build


@pytest.mark.integration
def test_cli_exports_the_int8_graph(tmp_path):
    save_pretrained(_tiny_semantic(), tmp_path / "w", dtype=torch.float32)
    out = tmp_path / "m8.onnx"
    cmd = [sys.executable, "-m", "colorizer.export_onnx", "--weights", str(tmp_path / "w"), "--out", str(out), "--int8"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.with_suffix(".json").read_text())["precision"] == "int8"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m8.json", "m8.onnx", "w"]  # no temporary files left
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert "QuantizeLinear" in {n.op_type for n in onnx.load(str(out)).graph.node}
    assert [o.name for o in sess.get_outputs()] == ["rgb", "roles"]
    bad = subprocess.run(cmd + ["--check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "approximate" in bad.stderr


# -- the shipped weights -------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> Colorizer:
    if not (SHIPPED / "model.safetensors").is_file():
        pytest.skip("weights/ is not in this checkout")
    return Colorizer(load_generator(SHIPPED), device="cpu", backend="onnx")


def _sketches() -> list[Image.Image]:
    if not EXAMPLES:
        pytest.skip("no example sketches")
    return [Image.open(p).convert("L").resize((512, 512), Image.BILINEAR) for p in EXAMPLES]


@pytest.mark.integration
def test_shipped_int8_preview_paints_the_same_slots(shipped):
    """The preview's regions take the float model's slot almost everywhere."""
    if not shipped.semantic:
        pytest.skip("weights without a role head")
    torch.set_num_threads(1)
    agree = []
    for sk in _sketches():
        kw = dict(size=256, output_size=256, seed=0)
        a, b = shipped(sk, **kw), shipped(sk, precision="int8", **kw)
        assert b.image.size == a.image.size
        agree.append(float((np.asarray(a.slots) == np.asarray(b.slots)).mean()))
        diff = np.abs(np.asarray(a.image, np.int16) - np.asarray(b.image, np.int16))
        assert float((diff.max(axis=2) > 40).mean()) < 0.05
    print("slot agreement", agree)
    assert min(agree) > 0.97, agree


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                    reason="the speed-up is measured for x86 CPUs")
@pytest.mark.integration
def test_shipped_int8_network_is_faster_than_float(shipped):
    """Ratio of the 256 px network's times, interleaved, one thread (the cores are noisy)."""
    torch.set_num_threads(1)
    m = shipped.cfg.multiple
    x = torch.rand(1, 3, 256, 256) * 2 - 1
    pv = torch.rand(1, 3 * shipped.cfg.palette_size) * 2 - 1
    for p in ("fp32", "int8"):
        shipped.run(x, pv, noise="const", precision=p)  # sessions built, caches warm
    times = {"fp32": [], "int8": []}
    for _ in range(5):
        for p in ("fp32", "int8"):
            t0 = time.perf_counter()
            shipped.run(x, pv, noise="const", precision=p)
            times[p].append(time.perf_counter() - t0)
    ratio = statistics.median(times["int8"]) / statistics.median(times["fp32"])
    print("int8 / fp32", ratio)
    # With VNNI (AVX-512 or AVX) int8 convolutions run about 1.3x faster; without it, on AVX2
    # only, ONNX Runtime's int8 kernels gain about 10 % (0.90 measured), so the bar is "not slower".
    limit = 0.85 if _has_vnni() else 1.0
    assert m and ratio < limit, (ratio, limit, times)


def _has_vnni() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "vnni" in flags
