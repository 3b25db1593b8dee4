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


@pytest.mark.parametrize("h,w", [(37, 53), (64, 64), (17, 90)])
def test_generator_any_size(h, w):
    g = Generator(preset("tiny")).eval()
    y = g(torch.rand(1, 30, h, w) * 2 - 1)
    assert y.shape == (1, 3, h, w)
    assert y.min() >= -1 and y.max() <= 1


def test_generator_every_decoder_block_has_gate_and_noise():
    cfg = preset("tiny")
    g = Generator(cfg)
    assert len(g.attention_gates()) == cfg.num_levels - 1
    assert all(b.noise is not None for b in g.decoder)


def test_generator_rejects_wrong_channels():
    with pytest.raises(ValueError, match="30"):
        Generator(preset("tiny"))(torch.zeros(1, 3, 16, 16))


def test_noise_none_is_deterministic_and_seed_repeats():
    torch.manual_seed(0)
    g = Generator(preset("tiny")).eval()
    for b in g.decoder:
        torch.nn.init.constant_(b.noise.weight, 0.3)
    x = torch.rand(1, 30, 24, 24)
    assert torch.equal(g(x, "none"), g(x, "none"))
    a = g(x, "random", torch.Generator().manual_seed(3))
    b = g(x, "random", torch.Generator().manual_seed(3))
    c = g(x, "random", torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_changed_palette_changes_output():
    torch.manual_seed(0)
    g = Generator(preset("tiny")).eval()
    x = torch.rand(1, 30, 16, 16)
    x2 = x.clone()
    x2[:, 3:6] = -x2[:, 3:6]
    assert (g(x, "none") - g(x2, "none")).abs().max() > 1e-4


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
    y = Generator(cfg)(torch.zeros(2, 30, 20, 20))
    assert y.shape == (2, 3, 20, 20)
