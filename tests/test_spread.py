"""Corrections that spread to the regions the network sees alike (colorizer.spread)."""

import numpy as np

from colorizer.spread import SpreadSettings, apply_corrections, region_features, spread_regions


def scene():
    """Six 10x10 regions in a row. The network calls 1-3 "skin" but 1 and 2 have much hair in them
    (hair locks it got wrong); 3 is sure skin; 4 is hair; 5 is like 1 but far away; 6 is top."""
    labels = np.zeros((10, 60), np.int32)
    for r in range(6):
        labels[:, r * 10:(r + 1) * 10] = r + 1
    probs = np.zeros((9, 10, 60), np.float32)
    mix = {1: {1: 0.55, 2: 0.45}, 2: {1: 0.58, 2: 0.42}, 3: {1: 0.97, 2: 0.03}, 4: {2: 1.0}, 5: {1: 0.55, 2: 0.45},
           6: {4: 1.0}}
    for r, d in mix.items():
        for s, p in d.items():
            probs[s][labels == r] = p
    return labels, probs


def test_a_click_moves_the_alike_regions_and_nothing_sure():
    labels, probs = scene()
    f = region_features(labels, 6, probs)
    slots = f.probs.argmax(1)
    moved = spread_regions(f, slots, 1, 2, SpreadSettings(reach=1.0))
    assert moved[0] == 1 and 2 in moved and 5 in moved
    assert 3 not in moved and 4 not in moved and 6 not in moved
    near = spread_regions(f, slots, 1, 2)                 # region 5 is farther than the default reach
    assert 5 not in near and 2 in near


def test_disabled_spread_and_exact_clicks():
    labels, probs = scene()
    f = region_features(labels, 6, probs)
    slots = f.probs.argmax(1)
    assert list(spread_regions(f, slots, 1, 2, SpreadSettings(enabled=False))) == [1]
    # a click on sure skin moves only itself: nothing else looks like it and is unsure
    out, moved = apply_corrections(f, slots, [(3, 7)])
    assert out[3] == 7 and (np.delete(out, 3) == np.delete(slots, 3)).all()
    # two clicks: each clicked region keeps exactly its own correction
    out, _ = apply_corrections(f, slots, [(1, 2), (2, 6)], SpreadSettings(reach=1.0))
    assert out[1] == 2 and out[2] == 6 and out[5] == 2 and out[3] == 1


def test_correct_regions_pins_and_matches():
    from colorizer.spread import correct_regions

    labels, probs = scene()
    labels[:, 29] = 0                                   # a line between regions 3 and 4
    nearest = np.arange(labels.size)
    nearest.reshape(10, 60)[:, 29] = np.arange(10) * 60 + 28
    plain = correct_regions(labels, nearest, 6, probs)
    assert plain.region_colors is None and list(plain.region_slots[1:]) == [1, 1, 1, 2, 1, 4]
    wide = SpreadSettings(reach=1.0)
    c = correct_regions(labels, nearest, 6, probs, matches=[(5, 5, 2, (200, 30, 120))], settings=wide)
    assert c.region_slots[1] == 2 and c.region_slots[5] == 2 and c.region_slots[3] == 1
    assert tuple(c.region_colors[1]) == (200, 30, 120) and c.own_color[5] and not c.own_color[3]
    # a match on an ink point of the reference: the colour only, the region keeps its part
    c = correct_regions(labels, nearest, 6, probs, matches=[(29, 5, None, (1, 2, 3))], settings=wide)
    assert c.region_slots[3] == 1 and c.own_color.sum() == 1 and c.own_color[3]
    # a pin with spread off moves its own region only
    c = correct_regions(labels, nearest, 6, probs, pins=[(5, 5, 2)], settings=SpreadSettings(enabled=False))
    assert list(c.region_slots[1:]) == [2, 1, 1, 2, 1, 4]
