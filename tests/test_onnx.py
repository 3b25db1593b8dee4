"""ONNX export and the ONNX Runtime backend agree with PyTorch (tiny preset, random weights)."""

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from colorizer import Colorizer, preset
from colorizer.generator import Generator
from colorizer.weights import save_pretrained

ort = pytest.importorskip("onnxruntime")

from colorizer import onnx_backend  # noqa: E402
from colorizer.onnx_backend import OnnxGenerator, draw_noise  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COLORIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COLORIZER_BACKEND", raising=False)


def _tiny(noise_weight: float = 0.3) -> Generator:
    torch.manual_seed(0)
    g = Generator(preset("tiny")).eval()
    with torch.no_grad():
        for b in g.decoder:
            b.noise.weight.fill_(noise_weight)
    return g


def test_cli_export_matches_pytorch(tmp_path):
    g = _tiny()
    save_pretrained(g, tmp_path / "w", dtype=torch.float32)
    out = tmp_path / "model.onnx"
    proc = subprocess.run([sys.executable, "-m", "colorizer.export_onnx", "--weights", str(tmp_path / "w"),
                           "--out", str(out), "--opset", "17"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert out.is_file() and out.with_suffix(".json").is_file()
    # Run it the way a user elsewhere would: plain onnxruntime, a size other than the export's.
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    assert names == ["x", "noise0", "noise1"]
    torch.manual_seed(2)
    x = torch.rand(2, 30, 40, 52) * 2 - 1
    feeds = {"x": x.numpy()}
    for i, a in enumerate(draw_noise(g, 2, 40, 52, "random", torch.Generator().manual_seed(7), 1.0)):
        feeds[f"noise{i}"] = a
    y = sess.run(["y"], feeds)[0]
    with torch.inference_mode():
        ref = g(x, "random", torch.Generator().manual_seed(7))
    assert y.shape == (2, 3, 40, 52)
    assert np.abs(y - ref.numpy()).max() < 1e-4


def test_cli_export_bad_weights_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "colorizer.export_onnx", "--weights", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "m.onnx")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("mode", ["random", "const", "none"])
def test_onnx_generator_matches_torch_for_every_noise_mode(mode):
    g = _tiny()
    og = OnnxGenerator(g)
    x = torch.rand(1, 30, 37, 50) * 2 - 1  # not a multiple of the size multiple: padded and cropped
    with torch.inference_mode():
        ref = g(x, mode, torch.Generator().manual_seed(5), 0.7)
    y = og(x, mode, torch.Generator().manual_seed(5), 0.7)
    assert y.shape == ref.shape
    assert float((y - ref).abs().max()) < 1e-4


def test_export_is_cached_by_weights_and_redone_after_an_in_place_change(monkeypatch):
    g = _tiny()
    calls = []
    real = onnx_backend.export_onnx
    monkeypatch.setattr(onnx_backend, "export_onnx", lambda *a, **k: calls.append(1) or real(*a, **k))
    x = torch.rand(1, 30, 16, 16) * 2 - 1
    OnnxGenerator(g)(x, "none")
    OnnxGenerator(g)(x, "none")  # a second session, same weights: the cached file
    assert len(calls) == 1
    og = OnnxGenerator(g)
    og(x, "none")
    with torch.no_grad():
        g.head[2].bias.add_(0.5)
    y = og(x, "none")
    with torch.inference_mode():
        ref = g(x, "none")
    assert len(calls) == 2 and float((y - ref).abs().max()) < 1e-4


def test_colorizer_onnx_backend_reproduces_torch_backend(sketch_image):
    ct = Colorizer(_tiny(), device="cpu", backend="torch")
    co = Colorizer(_tiny(), device="cpu", backend="onnx")
    assert co.active_backend == "onnx" and ct.active_backend == "torch"
    a = ct(sketch_image, palette="#ff8800,#0044cc", seed=11, size=64)
    b = co(sketch_image, palette="#ff8800,#0044cc", seed=11, size=64)
    c = co(sketch_image, palette="#ff8800,#0044cc", seed=11, size=64)
    assert co.onnx_error is None
    assert np.abs(np.asarray(a.image, np.int16) - np.asarray(b.image, np.int16)).max() <= 2
    assert np.array_equal(np.asarray(b.image), np.asarray(c.image))  # a seed repeats
    # Tensor interface, batch of two.
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    pv = torch.rand(2, 27) * 2 - 1
    ya = ct.run(x, pv, noise="random", generator=torch.Generator().manual_seed(1))
    yb = co.run(x, pv, noise="random", generator=torch.Generator().manual_seed(1))
    assert float((ya - yb).abs().max()) < 1e-4


def test_export_failure_falls_back_to_torch_with_the_same_noise(sketch_image, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr(onnx_backend, "export_onnx", broken)
    ct = Colorizer(_tiny(), device="cpu", backend="torch")
    co = Colorizer(_tiny(), device="cpu", backend="onnx")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        b = co(sketch_image, palette="#ff8800", seed=4, size=64)
    assert any("exploded" in str(m.message) for m in w)
    assert co.active_backend == "torch" and "exploded" in co.onnx_error
    a = ct(sketch_image, palette="#ff8800", seed=4, size=64)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))


def test_auto_backend_choice(monkeypatch):
    assert Colorizer.from_random(preset("tiny"), device="cpu").active_backend == "torch"  # toy model
    big = Colorizer.from_random(preset("default"), device="cpu")
    assert big.active_backend == "onnx"
    monkeypatch.setenv("COLORIZER_BACKEND", "torch")
    assert big.active_backend == "torch"
    with pytest.raises(ValueError):
        Colorizer.from_random(preset("tiny"), backend="tensorrt")


def test_backend_choice_follows_a_dtype_change():
    from colorizer import Colorizer, preset
    from colorizer.onnx_backend import onnxruntime_available
    if not onnxruntime_available():
        pytest.skip("onnxruntime not installed")
    c = Colorizer.from_random(preset("default"), device="cpu", backend="auto")
    assert c.active_backend == "onnx"
    c.model.to(torch.bfloat16)
    assert c.active_backend == "torch"   # the cached answer noticed the new dtype
    c.model.to(torch.float32)
    assert c.active_backend == "onnx"
