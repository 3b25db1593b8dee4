import pytest
import torch

from colorizer.config import GeneratorConfig, preset
from colorizer.generator import Generator
from colorizer.layers import AttentionGate, NoiseInjection, ResBlock, WSConv2d


def test_ws_weights_have_zero_mean_unit_std_per_output_channel():
    torch.manual_seed(0)
    conv = WSConv2d(5, 7, 3, padding=1)
    with torch.no_grad():
        conv.weight.mul_(13.0).add_(4.0)  # far from standardised on purpose
    w = conv.standardized_weight()
    assert torch.allclose(w.mean(dim=(1, 2, 3)), torch.zeros(7), atol=1e-5)
    assert torch.allclose(w.std(dim=(1, 2, 3), unbiased=False), torch.ones(7), atol=1e-3)


def test_ws_is_fp32_under_bf16_autocast():
    torch.manual_seed(0)
    conv = WSConv2d(4, 4, 3, padding=1)
    x = torch.randn(1, 4, 8, 8)
    ref = conv(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = conv(x)
    assert y.dtype == torch.bfloat16
    assert (y.float() - ref).abs().max() < 0.1


def test_ws_inference_cache_follows_weight_updates():
    conv = WSConv2d(2, 2, 1).eval()
    x = torch.ones(1, 2, 1, 1)
    with torch.inference_mode():
        a = conv(x).clone()
    with torch.no_grad():
        conv.weight.mul_(-1)
    with torch.inference_mode():
        b = conv(x)
    assert torch.allclose(a, -b + 2 * conv.bias.view(1, -1, 1, 1), atol=1e-5)


@pytest.mark.parametrize("sample,size", [("down", 4), ("up", 16), ("none", 8)])
def test_resblock_sampling(sample, size):
    blk = ResBlock(4, 6, sample, groups=2)
    assert blk(torch.randn(2, 4, 8, 8)).shape == (2, 6, size, size)


def test_attention_coefficients_in_unit_interval_with_skip_shape():
    gate = AttentionGate(skip_ch=6, gate_ch=10)
    x, g = torch.randn(2, 6, 16, 12), torch.randn(2, 10, 8, 6)
    alpha = gate.coefficients(x, g)
    assert alpha.shape == (2, 1, 16, 12)
    assert alpha.min() > 0 and alpha.max() < 1
    assert torch.allclose(gate(x, g), x * alpha)


def test_noise_modes():
    noise = NoiseInjection(3)
    with torch.no_grad():
        noise.weight.fill_(0.5)
    x = torch.zeros(1, 3, 4, 4)
    assert torch.equal(noise(x, "none"), x)
    assert torch.equal(noise(x, "const"), noise(x, "const"))
    g1, g2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    assert torch.equal(noise(x, "random", g1), noise(x, "random", g2))
    assert not torch.equal(noise(x, "random"), noise(x, "random"))
    with pytest.raises(ValueError):
        noise(x, "loud")


def test_noise_scale_is_trainable_and_starts_at_zero():
    n = NoiseInjection(5)
    assert n.weight.requires_grad and float(n.weight.detach().abs().sum()) == 0.0


def _inputs(n: int, h: int, w: int, k: int = 9, seed: int = 0):
    """A random sketch (N, 3, H, W) and palette (N, 3K) in [-1, 1]."""
    torch.manual_seed(seed)
    return torch.rand(n, 3, h, w) * 2 - 1, torch.rand(n, 3 * k) * 2 - 1


@pytest.mark.parametrize("h,w", [(37, 53), (64, 64), (17, 90)])
def test_generator_any_size(h, w):
    g = Generator(preset("tiny")).eval()
    out = g(*_inputs(1, h, w))
    assert out.rgb.shape == (1, 3, h, w) and out.roles is None
    assert out.rgb.min() >= -1 and out.rgb.max() <= 1


def test_generator_every_decoder_block_has_gate_and_noise():
    cfg = preset("tiny")
    g = Generator(cfg)
    assert len(g.attention_gates()) == cfg.num_levels - 1
    assert all(b.noise is not None for b in g.decoder)


def test_generator_rejects_wrong_shapes():
    g = Generator(preset("tiny"))
    sketch, palette = _inputs(1, 16, 16)
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        g(torch.zeros(1, 1, 16, 16), palette)
    with pytest.raises(ValueError, match="palette of shape"):
        g(sketch, palette[:, :24])
    with pytest.raises(ValueError, match="30"):  # a prebuilt input of the wrong width
        g.forward_input(torch.zeros(1, 3, 16, 16))


def test_noise_none_is_deterministic_and_seed_repeats():
    torch.manual_seed(0)
    g = Generator(preset("tiny")).eval()
    for b in g.decoder:
        torch.nn.init.constant_(b.noise.weight, 0.3)
    x = _inputs(1, 24, 24)
    assert torch.equal(g(*x, noise_mode="none").rgb, g(*x, noise_mode="none").rgb)
    a = g(*x, noise_mode="random", generator=torch.Generator().manual_seed(3)).rgb
    b = g(*x, noise_mode="random", generator=torch.Generator().manual_seed(3)).rgb
    c = g(*x, noise_mode="random", generator=torch.Generator().manual_seed(4)).rgb
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_changed_palette_changes_output():
    torch.manual_seed(0)
    g = Generator(preset("tiny")).eval()
    sketch, palette = _inputs(1, 16, 16)
    p2 = palette.clone()
    p2[:, 0:3] = -p2[:, 0:3]
    assert (g(sketch, palette, noise_mode="none").rgb - g(sketch, p2, noise_mode="none").rgb).abs().max() > 1e-4


def test_presets_and_paper_size():
    paper = Generator(preset("paper"))
    n = sum(p.numel() for p in paper.parameters())
    assert 55e6 < n < 70e6  # the public implementation of the paper has about 63.5M
    assert preset("paper").channels() == [64, 128, 256, 512, 512, 512, 512]
    with pytest.raises(ValueError):
        preset("nope")
    with pytest.raises(ValueError):
        GeneratorConfig(upsample_mode="cubic").validate()


def test_film_conditioning_builds_and_runs():
    cfg = preset("tiny", palette_conditioning="film")
    y = Generator(cfg)(torch.zeros(2, 3, 20, 20), torch.zeros(2, 27)).rgb
    assert y.shape == (2, 3, 20, 20)


def test_forward_is_build_input_then_forward_input():
    torch.manual_seed(0)
    g = Generator(preset("tiny", hints=True, num_roles=11)).eval()
    for b in g.decoder:
        torch.nn.init.constant_(b.noise.weight, 0.3)
    sketch, palette = _inputs(2, 20, 28)
    hints = (torch.rand(2, 9, 20, 28) > 0.98).float()
    x = g.build_input(sketch, palette, hints)
    assert x.shape == (2, g.cfg.in_channels, 20, 28) == (2, 39, 20, 28)
    assert torch.equal(x[:, :3], sketch) and torch.equal(x[:, 30:], hints)
    assert torch.equal(x[:, 3:30], palette[:, :, None, None].expand(-1, -1, 20, 28))  # constant planes
    a = g(sketch, palette, hints, "random", torch.Generator().manual_seed(1))
    b = g.forward_input(x, "random", torch.Generator().manual_seed(1))
    assert torch.equal(a.rgb, b.rgb) and torch.equal(a.roles, b.roles)
