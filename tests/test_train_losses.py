"""Known answers for every loss term, and the discriminator's spectral normalisation."""

import pytest
import torch

from train import losses
from train.discriminator import PatchDiscriminator


def test_tv_of_constant_image_is_zero():
    assert losses.total_variation(torch.full((2, 3, 8, 8), 0.3)).item() == 0.0


def test_tv_known_answer():
    # Vertical stripes 0,1,0,1: every horizontal neighbour differs by 1, vertical ones by 0.
    x = torch.zeros(1, 1, 4, 4)
    x[..., 1::2] = 1.0
    assert losses.total_variation(x).item() == pytest.approx(1.0)


def test_lsgan_known_answers():
    ones, zeros = torch.ones(3, 1, 2, 2), torch.zeros(3, 1, 2, 2)
    assert losses.lsgan_d(ones, zeros).item() == 0.0          # perfect discriminator
    assert losses.lsgan_d(zeros, ones).item() == pytest.approx(1.0)  # 0.5 * (1 + 1)
    assert losses.lsgan_g(ones).item() == 0.0
    assert losses.lsgan_g(torch.full((2, 1, 3, 3), 3.0)).item() == pytest.approx(4.0)


def test_l1_known_answer():
    a = torch.zeros(1, 3, 2, 2)
    b = torch.full((1, 3, 2, 2), -0.5)
    assert losses.mean_l1(a, b).item() == pytest.approx(0.5)


def test_feature_l2_known_answer():
    fa = [torch.zeros(1, 4, 2, 2), torch.ones(1, 2, 1, 1)]
    fb = [torch.full((1, 4, 2, 2), 2.0), torch.ones(1, 2, 1, 1)]
    assert losses.feature_l2(fa, fb).item() == pytest.approx(4.0)  # mean (0-2)^2 + 0


def test_every_discriminator_weight_is_spectrally_normalised():
    torch.manual_seed(0)
    d = PatchDiscriminator(6, 16, 3).train()
    convs = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 5
    for m in convs:
        assert torch.nn.utils.parametrize.is_parametrized(m, "weight")
    x = torch.randn(1, 3, 64, 64)
    for _ in range(30):  # power iterations run in training-mode forwards
        d(x, x)
    d.eval()
    for m in convs:
        sigma = torch.linalg.matrix_norm(m.weight.detach().flatten(1), ord=2).item()
        assert sigma == pytest.approx(1.0, abs=0.03)


def test_discriminator_has_no_sigmoid():
    d = PatchDiscriminator(6, 8, 2)
    assert not any(isinstance(m, torch.nn.Sigmoid) for m in d.modules())
    out = d(torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32))
    assert out.shape[:2] == (2, 1)


def test_weighted_role_cross_entropy_known_answer():
    # two labelled pixels (roles 0 and 2) and one unknown (255); role 2 weighs 3
    logits = torch.tensor([[[[2.0, 0.0, 1.0]], [[0.0, 0.0, 1.0]], [[0.0, 1.0, 1.0]]]])  # (1, 3, 1, 3)
    labels = torch.tensor([[[0, 2, 255]]])
    w = torch.tensor([1.0, 1.0, 3.0])
    lse = torch.logsumexp(logits[0, :, 0, :2], dim=0)
    ce0 = float(lse[0] - 2.0)
    ce1 = float(lse[1] - 1.0)
    got = float(losses.role_cross_entropy(logits, labels, weight=w))
    assert abs(got - (ce0 + 3 * ce1) / 4) < 1e-6
    assert abs(float(losses.role_cross_entropy(logits, labels)) - (ce0 + ce1) / 2) < 1e-6
