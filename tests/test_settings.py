"""RenderSettings reach the renderer as arguments, and the renderer is chosen once per model generation."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, MedianRenderer, RenderSettings, SlotRenderer, preset
from colorizer.regions import flat_neck, flat_seal, flat_size
from colorizer.roles import SLOTS


def _parts(render: RenderSettings | None = None) -> Colorizer:
    return Colorizer.from_random(preset("tiny", hints=True, num_roles=11), device="cpu", backend="torch",
                                 render=render)


def _figure() -> Image.Image:
    im = Image.new("L", (96, 80), 255)
    d = ImageDraw.Draw(im)
    d.ellipse((10, 8, 60, 58), outline=0, width=2)
    d.rectangle((50, 30, 90, 76), outline=0, width=2)
    return im


def test_the_renderer_is_chosen_once_by_the_weights():
    parts = _parts()
    plain = Colorizer.from_random(preset("tiny"), device="cpu", backend="torch")
    assert isinstance(parts.renderer, SlotRenderer) and parts.part_names == SLOTS and parts.semantic
    assert isinstance(plain.renderer, MedianRenderer) and plain.part_names is None and not plain.semantic
    with pytest.raises(ColorizerError, match="no role head"):
        plain.segment(Image.new("RGB", (32, 32), "red"))
    with pytest.raises(ColorizerError, match="cannot take hints"):
        plain(_figure(), hints=[(20, 20, 1)], size=64)


def test_defaults_are_the_shipped_numbers():
    s = RenderSettings()
    assert (s.seal(512, 512), s.neck(512, 512), s.flat_size(2048, 1024)) == (2, 8, (1024, 512))
    assert (flat_seal(512, 512), flat_neck(512, 512), flat_size(2048, 1024)) == (2, 8, (1024, 512))
    assert s.shadow_drop == 14.0 and s.segment_size == 256 and s.reference_views == ("xdog", "outline")
    assert RenderSettings(neck_step=0).neck(512, 512) == 0 and RenderSettings(seal_step=128).seal(512, 512) == 4


@pytest.mark.parametrize("bad, msg", [
    (dict(shadow_drop=-1), "shadow_drop must be a number in 0..255"), (dict(segment_size=10), "segment_size"),
    (dict(reference_views=("xdog", "photo")), "reference_views"), (dict(reference_views=()), "reference_views"),
    (dict(mirror="left"), "mirror must be one of"), (dict(shadow_ratio=(0.9, 0.5)), "shadow_ratio"),
    (dict(seal_step=float("nan")), "seal_step"), (dict(flat_max_side=True), "flat_max_side"),
])
def test_bad_settings_name_the_field(bad, msg):
    with pytest.raises(ColorizerError, match=msg):
        RenderSettings(**bad)


def test_settings_change_the_render_and_the_defaults_do_not():
    sketch = _figure()
    a = _parts()(sketch, size=64, seed=1)
    b = _parts(RenderSettings())(sketch, size=64, seed=1)
    assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
    no_shadow = _parts(RenderSettings(shadow_drop=255.0))(sketch, size=64, seed=1)
    assert no_shadow.shadow.max() == 0.0
    assert np.array_equal(np.asarray(no_shadow.base), np.asarray(a.base))   # same parts, no second tone
    coarse = _parts(RenderSettings(flat_max_side=32))(sketch, size=64, seed=1)
    assert coarse.image.size == sketch.size and coarse.slots.shape == (80, 96)


def test_segment_size_views_and_mirroring_reach_the_network(monkeypatch):
    ref = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(ref).ellipse((20, 10, 180, 90), fill=(200, 60, 60), outline=(0, 0, 0), width=3)
    c = _parts(RenderSettings(segment_size=128, reference_views=("colour",), mirror="reference"))
    runs = []
    real = c.network.run
    monkeypatch.setattr(c.network, "run", lambda x, *a, **k: runs.append(tuple(x.shape[-2:])) or real(x, *a, **k))
    probs = c.segment(ref)
    assert probs.shape[1:] == (64, 128) and runs == [(64, 128), (64, 128)]   # one view, and its mirror
    runs.clear()
    pal = c.extract_palette(ref)
    assert len(pal) == 9 and pal.defaults is not None and len(runs) == 2
    regions = _parts(RenderSettings(reference_regions=True))
    assert len(regions.extract_palette(ref)) == 9


def test_clear_caches_runs_the_network_again(monkeypatch):
    c = _parts()
    runs = []
    real = c.network.run
    monkeypatch.setattr(c.network, "run", lambda *a, **k: runs.append(1) or real(*a, **k))
    c(_figure(), size=64, seed=0)
    c(_figure(), size=64, seed=0, palette=",".join(["#123456"] * 9))   # a swatch edit: from the cache
    assert len(runs) == 1
    c.clear_caches()
    c(_figure(), size=64, seed=0)
    assert len(runs) == 2
