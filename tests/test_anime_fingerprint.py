"""The anime generator's pictures are pinned: a change to the drawing code that alters any of these
samples (and so the training corpus and the generator check set) fails here and must be deliberate.

v1: two fingerprints per sample, the SVG text (the geometry, independent of the rasteriser) and the
rendered colour, sketch and label arrays (with resvg-py as pinned in requirements-train.txt).
v2: the colour, sketch, label and parts arrays (the anime_v2 corpus is built from these).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from train.data.anime import generate, render_svgs
from train.data.anime.v2 import generate_v2

# (seed, variant, headwear, cape): SVG sha256, sha256 of colour + sketch + labels at 96 px
PINNED = {
    (0, 0, "none", False): ("828662993875e8ce94c65b596b6d23f93552ae8939143006b950c3bbcceeb64b",
                            "5172208e53530ff6fea502d4405232618136f1731f86aa399a42c2c00af17fab"),
    (5, 1, "none", False): ("48c79b852acac7581c3caadd42c2591370a0d2d3842d5d000c72114c9c48aae5",
                            "21432bb9e859dac5a39e628a9659d8fe77d34888d0a91b64a7986c7ce780e706"),
    (17, 2, "helmet", True): ("c03b0245d2484cc0cb8c8f50fbc12ef69d6db3f1ed3c0db91259ef42a49deb16",
                              "40302e98e23622bba660fa5006d7783474e45137d1ae3b43103d99511c2c470b"),
    (40, 1, "hood_mask", False): ("6540856fb6d1203416762024a6dfb1fad5615f897c6f8c1249b75adb66ccaeb3",
                                  "9823f45d6e158bc8322f2c68879f161c438cd8d02318b5589acb8b7ec69982d2"),
    (1000003, 0, "none", False): ("b8ba6ea3f98db73926ccfe3fcc716f4f1db4076cc580a226c3768faa0a4cd304",
                                  "f94de09d48085a40bdb561908d276569db65123e57fba35236cdb375ae8aa5e8"),
}


# (character, pose, outfit): sha256 of colour + sketch + labels + parts at 96 px (v2's own styles)
PINNED_V2 = {
    (0, 0, 0): "3d8db36416ab9176c0305ce5bfa11cf6ac9b04f1ff8b8f5845f596f8f38eaa01",
    (4, 1, 1): "9ab7f500fcfb0fa8750eb8b55c69530ad040035cc16a1145570b538d8cf352e9",
    (163, 2, 0): "d1ad2340f9a74fbdd3c97367a5a873b8e9f0d52e4fcc14552cfae8971627ff79",
    (1000007, 0, 0): "ca147e7783be3c444adcae483be3183c976de56ed976d623c9bc9cbffd15443e",
}


def _pixels_sha(s, halves=("color", "sketch", "labels")) -> str:
    return hashlib.sha256(b"".join(np.asarray(getattr(s, h)).tobytes() for h in halves)).hexdigest()


@pytest.mark.parametrize("case", list(PINNED), ids=lambda c: "-".join(map(str, c)))
def test_v1_pictures_are_pinned(case):
    svg_sha, px_sha = PINNED[case]
    assert hashlib.sha256("\n".join(render_svgs(*case)).encode()).hexdigest() == svg_sha
    seed, variant, headwear, cape = case
    assert _pixels_sha(generate(seed, 96, variant, headwear, cape)) == px_sha


@pytest.mark.parametrize("case", list(PINNED_V2), ids=lambda c: "-".join(map(str, c)))
def test_v2_pictures_are_pinned(case):
    assert _pixels_sha(generate_v2(*case, size=96), ("color", "sketch", "labels", "parts")) == PINNED_V2[case]


def test_fingerprint_sees_a_one_pixel_change():
    s = generate(0, 96)
    lab = np.asarray(s.labels).copy()
    lab[40, 40] ^= 1
    from PIL import Image

    s.labels = Image.fromarray(lab, "L")
    assert _pixels_sha(s) != PINNED[(0, 0, "none", False)][1]
