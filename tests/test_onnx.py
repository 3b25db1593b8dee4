"""ONNX export and the ONNX Runtime backend agree with PyTorch.

The tiny preset (random weights) covers noise handling and caching quickly; the
shipped configurations - ``preset("default")`` (hint planes + role head) with
random weights and the real ``weights/`` folder (an older model: no hints, no
role head) - are checked for parity of ``rgb`` and ``roles`` at a size that is
not a multiple of the network's size multiple, with hints.
"""

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, preset
from colorizer.generator import Generator
from colorizer.weights import load_generator, save_pretrained

ort = pytest.importorskip("onnxruntime")

from colorizer import onnx_backend  # noqa: E402
from colorizer.onnx_backend import (OnnxGenerator, draw_noise, input_names, output_names,  # noqa: E402
                                    weights_hash)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "colorizer" / "pretrained"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("COLORIZER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COLORIZER_BACKEND", raising=False)


def _tiny(noise_weight: float = 0.3, **overrides) -> Generator:
    torch.manual_seed(0)
    g = Generator(preset("tiny", **overrides)).eval()
    with torch.no_grad():
        for b in g.decoder:
            if b.noise is not None:
                b.noise.weight.fill_(noise_weight)
    return g


def _inputs(g: Generator, n: int, h: int, w: int, seed: int = 2, hints: bool = True):
    torch.manual_seed(seed)
    k = g.cfg.palette_size
    sketch = torch.rand(n, 3, h, w) * 2 - 1
    palette = torch.rand(n, 3 * k) * 2 - 1
    planes = None
    if hints and g.cfg.hints:
        planes = torch.zeros(n, k, h, w)
        planes[:, 2, h // 3:h // 3 + 3, w // 4:w // 4 + 3] = 1.0
        planes[:, 5, h // 2:h // 2 + 3, w // 2:w // 2 + 3] = 1.0
    return sketch, palette, planes


def _close(a: torch.Tensor, b: torch.Tensor, tol: float) -> None:
    assert a.shape == b.shape
    d = float((a.float() - b.float()).abs().max())
    assert d < tol, d


# -- the exported graph ------------------------------------------------------------------

def test_named_inputs_and_outputs(tmp_path):
    plain, semantic = _tiny(), _tiny(hints=True, num_roles=11)
    assert input_names(plain) == ["sketch", "palette", "noise0", "noise1"]
    assert output_names(plain) == ["rgb"]
    assert input_names(semantic) == ["sketch", "palette", "hints", "noise0", "noise1"]
    assert output_names(semantic) == ["rgb", "roles"]
    assert input_names(_tiny(noise=False)) == ["sketch", "palette"]
    path = onnx_backend.export_onnx(semantic, tmp_path / "s.onnx")
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == input_names(semantic)
    assert [o.name for o in sess.get_outputs()] == ["rgb", "roles"]
    shapes = {i.name: i.shape for i in sess.get_inputs()}
    assert shapes["palette"][1] == 27 and shapes["hints"][1] == 9 and shapes["sketch"][1] == 3


@pytest.mark.integration
def test_cli_export_matches_pytorch(tmp_path):
    g = _tiny()
    save_pretrained(g, tmp_path / "w", dtype=torch.float32)
    out = tmp_path / "model.onnx"
    proc = subprocess.run([sys.executable, "-m", "colorizer.export_onnx", "--weights", str(tmp_path / "w"),
                           "--out", str(out), "--opset", "17"],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(out.with_suffix(".json").read_text())
    assert list(meta["inputs"]) == ["sketch", "palette", "noise0", "noise1"] and list(meta["outputs"]) == ["rgb"]
    # Run it the way a user elsewhere would: plain onnxruntime, a size other than the export's.
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == ["sketch", "palette", "noise0", "noise1"]
    sketch, palette, _ = _inputs(g, 2, 40, 48)
    feeds = {"sketch": sketch.numpy(), "palette": palette.numpy()}
    for i, a in enumerate(draw_noise(g, 2, 40, 48, "random", torch.Generator().manual_seed(7), 1.0)):
        feeds[f"noise{i}"] = a
    (y,) = sess.run(["rgb"], feeds)
    with torch.inference_mode():
        ref = g(sketch, palette, None, "random", torch.Generator().manual_seed(7)).rgb
    assert y.shape == (2, 3, 40, 48)
    assert np.abs(y - ref.numpy()).max() < 1e-4


@pytest.mark.integration
def test_cli_export_bad_weights_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "colorizer.export_onnx", "--weights", str(tmp_path / "nope"),
                           "--out", str(tmp_path / "m.onnx")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr


# -- OnnxGenerator -----------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["random", "const", "none"])
def test_onnx_generator_matches_torch_for_every_noise_mode(mode):
    g = _tiny()
    og = OnnxGenerator(g)
    sketch, palette, _ = _inputs(g, 1, 37, 50)  # not a multiple of the size multiple: padded and cropped
    with torch.inference_mode():
        ref = g(sketch, palette, None, mode, torch.Generator().manual_seed(5), 0.7)
    y = og(sketch, palette, None, mode, torch.Generator().manual_seed(5), 0.7)
    assert y.roles is None and ref.roles is None
    _close(y.rgb, ref.rgb, 1e-4)


def test_onnx_generator_semantic_tiny_with_hints():
    g = _tiny(hints=True, num_roles=11)
    og = OnnxGenerator(g)
    sketch, palette, hints = _inputs(g, 2, 29, 43)
    with torch.inference_mode():
        ref = g(sketch, palette, hints, "random", torch.Generator().manual_seed(5))
        ref0 = g(sketch, palette, None, "random", torch.Generator().manual_seed(5))
    y = og(sketch, palette, hints, "random", torch.Generator().manual_seed(5))
    _close(y.rgb, ref.rgb, 1e-4)
    _close(y.roles, ref.roles, 1e-4)
    assert y.roles.shape == (2, 11, 29, 43)
    y0 = og(sketch, palette, None, "random", torch.Generator().manual_seed(5))  # no hints = zero planes
    _close(y0.rgb, ref0.rgb, 1e-4)
    assert float((y0.rgb - y.rgb).abs().max()) > 1e-5  # and the hints did something
    with pytest.raises(ValueError, match="hint planes of shape"):
        og(sketch, palette, hints[:, :4])


def test_onnx_generator_with_hint_levels_matches_torch():
    """Hint planes at every encoder level (GeneratorConfig.hint_levels) export with the rest."""
    g = _tiny(hints=True, num_roles=11, hint_levels=True)
    torch.manual_seed(1)
    for conv in g.hint_enc:                      # zero at initialisation: give them something to do
        torch.nn.init.normal_(conv.weight, std=0.3)
    og = OnnxGenerator(g)
    sketch, palette, hints = _inputs(g, 1, 29, 43)
    with torch.inference_mode():
        ref = g(sketch, palette, hints, "random", torch.Generator().manual_seed(5))
    y = og(sketch, palette, hints, "random", torch.Generator().manual_seed(5))
    _close(y.rgb, ref.rgb, 1e-4)
    _close(y.roles, ref.roles, 1e-4)


def test_hints_given_to_a_model_without_hint_planes():
    g = _tiny()
    og = OnnxGenerator(g)
    sketch, palette, _ = _inputs(g, 1, 16, 16)
    with pytest.raises(ValueError, match="no hint planes"):
        og(sketch, palette, torch.ones(1, 9, 16, 16))
    y = og(sketch, palette, torch.zeros(1, 9, 16, 16), "none")  # all-zero planes: nothing pinned, accepted
    with torch.inference_mode():
        _close(y.rgb, g(sketch, palette, None, "none").rgb, 1e-4)


def test_export_is_cached_by_weights_and_redone_after_an_in_place_change(monkeypatch):
    g = _tiny()
    calls = []
    real = onnx_backend.export_onnx
    monkeypatch.setattr(onnx_backend, "export_onnx", lambda *a, **k: calls.append(1) or real(*a, **k))
    sketch, palette, _ = _inputs(g, 1, 16, 16)
    OnnxGenerator(g)(sketch, palette, noise_mode="none")
    OnnxGenerator(g)(sketch, palette, noise_mode="none")  # a second session, same weights: the cached file
    assert len(calls) == 1
    og = OnnxGenerator(g)
    og(sketch, palette, noise_mode="none")
    with torch.no_grad():
        g.head[2].bias.add_(0.5)
    y = og(sketch, palette, noise_mode="none")
    with torch.inference_mode():
        ref = g(sketch, palette, noise_mode="none")
    assert len(calls) == 2
    _close(y.rgb, ref.rgb, 1e-4)


# -- the shipped configurations ------------------------------------------------------------

@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def default_model() -> Generator:
    """``preset("default")`` (what new training runs produce) with random weights and
    non-zero noise scales, so the noise inputs matter."""
    torch.manual_seed(0)
    g = Generator(preset("default")).eval()
    with torch.no_grad():
        for b in g.decoder:
            b.noise.weight.normal_(0.0, 0.2)
    return g


@pytest.fixture(scope="module")
def shipped_model() -> Generator:
    if not (SHIPPED / "model.safetensors").is_file():
        pytest.skip("weights/ is not in this checkout")
    return load_generator(SHIPPED)


def test_default_preset_parity_rgb_and_roles_with_hints(default_model, onnx_cache):
    g = default_model
    assert g.cfg.hints and g.cfg.num_roles == 11
    og = OnnxGenerator(g, cache_dir=onnx_cache)
    sketch, palette, hints = _inputs(g, 2, 70, 45)  # 70 x 45: not multiples of 16
    for mode, strength in (("random", 0.8), ("const", 1.0)):
        with torch.inference_mode():
            ref = g(sketch, palette, hints, mode, torch.Generator().manual_seed(9), strength)
        y = og(sketch, palette, hints, mode, torch.Generator().manual_seed(9), strength)
        assert y.rgb.shape == (2, 3, 70, 45) and y.roles.shape == (2, 11, 70, 45)
        _close(y.rgb, ref.rgb, 2e-4)
        _close(y.roles, ref.roles, 2e-3)   # logits, not squashed by a tanh
        assert torch.equal(y.roles.argmax(1), ref.roles.argmax(1)) or \
            float((y.roles.argmax(1) == ref.roles.argmax(1)).float().mean()) > 0.999


def test_shipped_weights_parity(shipped_model, onnx_cache):
    g = shipped_model
    og = OnnxGenerator(g, cache_dir=onnx_cache)
    sketch, palette, hints = _inputs(g, 1, 53, 77)
    with torch.inference_mode():
        ref = g(sketch, palette, hints, "random", torch.Generator().manual_seed(4))
    y = og(sketch, palette, hints, "random", torch.Generator().manual_seed(4))
    assert (y.roles is None) == (ref.roles is None)
    _close(y.rgb, ref.rgb, 2e-4)
    if ref.roles is not None:
        _close(y.roles, ref.roles, 2e-3)


def _figure() -> Image.Image:
    im = Image.new("RGB", (100, 84), "white")
    d = ImageDraw.Draw(im)
    d.ellipse((30, 4, 70, 44), outline="black", width=2)
    d.rectangle((24, 46, 76, 82), outline="black", width=2)
    d.line((76, 50, 98, 66), fill="black", width=2)
    return im


def test_colorizer_backends_agree_on_the_default_preset_with_hints(default_model, onnx_cache, monkeypatch):
    monkeypatch.setenv("COLORIZER_CACHE", str(onnx_cache.parent / "colorizer-cache"))
    ct = Colorizer(default_model, device="cpu", backend="torch")
    monkeypatch.setattr(onnx_backend, "default_cache_dir", lambda: onnx_cache)  # the export made above
    co = Colorizer(default_model, device="cpu", backend="onnx")
    assert ct.semantic and co.active_backend == "onnx"
    hints = [(50, 24, 2), (50, 64, 4)]
    a = ct(_figure(), hints=hints, seed=3, size=80)
    b = co(_figure(), hints=hints, seed=3, size=80)
    assert co.onnx_error is None and co.active_backend == "onnx"
    assert a.slots is not None and a.slots[24, 50] == 2 and a.slots[64, 50] == 4   # the pins hold
    assert float((a.slots == b.slots).mean()) > 0.99
    d = np.abs(np.asarray(a.image, np.int16) - np.asarray(b.image, np.int16))
    assert float((d > 2).mean()) < 0.01


@pytest.mark.integration
@pytest.mark.parametrize("name", ["default", "shipped"])
def test_cli_check_new_and_old_configurations(name, tmp_path):
    """``python -m colorizer.export_onnx --check`` on the new preset and on today's weights/."""
    if name == "shipped" and not (SHIPPED / "model.safetensors").is_file():
        pytest.skip("weights/ is not in this checkout")
    src = ["--random-weights", "default"] if name == "default" else ["--weights", str(SHIPPED)]
    out = tmp_path / f"{name}.onnx"
    proc = subprocess.run([sys.executable, "-m", "colorizer.export_onnx", *src, "--out", str(out), "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "max |onnxruntime - pytorch|" in proc.stdout
    meta = json.loads(out.with_suffix(".json").read_text())
    if name == "default":
        assert list(meta["inputs"])[:3] == ["sketch", "palette", "hints"]
        assert list(meta["outputs"]) == ["rgb", "roles"]
    else:
        g = load_generator(SHIPPED)
        assert ("hints" in meta["inputs"]) == g.cfg.hints
        assert list(meta["outputs"]) == (["rgb", "roles"] if g.cfg.num_roles else ["rgb"])
        assert meta["weights_sha256_16"] == weights_hash(g)


# -- the Colorizer backends ----------------------------------------------------------------

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
    _close(ya.rgb, yb.rgb, 1e-4)


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
    assert co.backend == "onnx"  # what was chosen at load time stays on record
    a = ct(sketch_image, palette="#ff8800", seed=4, size=64)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))


def test_backend_is_chosen_once_at_load_time(monkeypatch):
    assert Colorizer.from_random(preset("tiny"), device="cpu").active_backend == "torch"  # toy model
    big = Colorizer.from_random(preset("default"), device="cpu")
    assert big.backend == big.active_backend == "onnx"
    # the environment is read when the Colorizer is made, not on every call
    monkeypatch.setenv("COLORIZER_BACKEND", "torch")
    assert big.active_backend == "onnx"
    assert Colorizer.from_random(preset("default"), device="cpu").active_backend == "torch"
    monkeypatch.setenv("COLORIZER_BACKEND", "onnx")
    assert Colorizer.from_random(preset("tiny"), device="cpu").active_backend == "onnx"
    # an explicit backend is not overridden by the environment
    assert Colorizer.from_random(preset("default"), device="cpu", backend="torch").active_backend == "torch"
    monkeypatch.setenv("COLORIZER_BACKEND", "nonsense")  # ignored: "auto"
    assert Colorizer.from_random(preset("tiny"), device="cpu").active_backend == "torch"
    with pytest.raises(ValueError):
        Colorizer.from_random(preset("tiny"), backend="tensorrt")


def test_a_later_dtype_change_keeps_the_backend_and_still_colours(sketch_image):
    c = Colorizer.from_random(preset("default"), device="cpu", backend="auto")
    assert c.active_backend == "onnx"
    c.model.to(torch.bfloat16)
    assert c.active_backend == "onnx"   # chosen at load time; the export runs in fp32
    r = c(sketch_image, size=64, seed=0)
    assert r.image.size == sketch_image.size and c.onnx_error is None
    t = Colorizer.from_random(preset("tiny"), device="cpu", backend="torch")
    t.model.to(torch.bfloat16)          # the PyTorch path feeds the model its own dtype
    assert t(sketch_image, size=64, seed=0, flat=False).image.size == sketch_image.size


@pytest.mark.parametrize("name", ["default", "paper", "v1"])
def test_planeless_stem_equals_the_stem_on_the_built_planes(name):
    from colorizer.generator import Generator
    from colorizer.onnx_backend import planeless_stem

    torch.manual_seed(0)
    g = Generator(preset(name)).eval()
    cfg = g.cfg
    sk, pal = torch.rand(2, 3, 32, 48) * 2 - 1, torch.rand(2, 3 * cfg.palette_size) * 2 - 1
    hints = (torch.rand(2, cfg.palette_size, 32, 48) > 0.9).float() if cfg.hints else None
    with torch.no_grad():
        want = g.stem(g.build_input(sk, pal, hints))
        got = planeless_stem(g.stem, cfg.sketch_channels, cfg.palette_size, sk, pal, hints)
    assert torch.allclose(got, want, atol=1e-5), float((got - want).abs().max())
    # the border pixels are where the zero padding matters: change the palette, they must follow
    with torch.no_grad():
        assert not torch.allclose(planeless_stem(g.stem, cfg.sketch_channels, cfg.palette_size, sk, -pal, hints), got)


def test_a_damaged_cached_graph_is_made_again_not_given_up(tmp_path, sketch_image, monkeypatch):
    """A truncated graph in the cache fails its hash check and is exported again: the ONNX
    backend stays on, and the cache is repaired."""
    monkeypatch.setattr(onnx_backend, "default_cache_dir", lambda: tmp_path)
    g = _tiny()
    sketch, palette, _ = _inputs(g, 1, 16, 16)
    first = OnnxGenerator(g)
    first(sketch, palette, noise_mode="none")
    path = first.path
    assert onnx_backend.cache_intact(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])   # truncated
    assert not onnx_backend.cache_intact(path)
    again = OnnxGenerator(g)
    y = again(sketch, palette, noise_mode="none")
    with torch.inference_mode():
        _close(y.rgb, g(sketch, palette, noise_mode="none").rgb, 1e-4)
    assert onnx_backend.cache_intact(path)
    c = Colorizer(g, device="cpu", backend="onnx")
    path.write_bytes(b"garbage")
    c(sketch_image, seed=1, size=64)
    assert c.onnx_error is None and c.active_backend == "onnx" and onnx_backend.cache_intact(path)
