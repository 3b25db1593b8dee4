"""Semantic slots: role head, hint planes, hints, region rendering by role, slot palettes,
batches and colouring options - on tiny models and hand-made pictures with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from colorizer import Colorizer, ColorizerError, InputImageError, Palette, preset
from colorizer.generator import Generator
from colorizer.hints import MAX_HINTS, HintError, hint_planes_np, parse_hints, scale_hints
from colorizer.options import ColorizeOptions
from colorizer.render import render_roles, role_to_slot_matrix, slot_probabilities
from colorizer.roles import DEFAULT_SLOT_COLORS, NUM_ROLES, NUM_SLOTS, ROLE_INDEX, SLOT_INDEX
from colorizer.semantic import assign_slots, default_slot_palette
from colorizer.settings import RenderSettings

PALETTE = np.array([[255, 255, 255], [246, 215, 195], [200, 60, 50], [40, 90, 200], [240, 240, 230],
                    [50, 60, 100], [30, 160, 80], [230, 150, 180], [250, 250, 250]], np.uint8)


def semantic_tiny(seed: int = 0, noise: float = 0.2) -> Generator:
    torch.manual_seed(seed)
    g = Generator(preset("tiny", hints=True, num_roles=NUM_ROLES)).eval()
    with torch.no_grad():
        for b in g.decoder:
            b.noise.weight.fill_(noise)
    return g


@pytest.fixture(scope="module")
def sem() -> Colorizer:
    return Colorizer(semantic_tiny(), device="cpu", backend="torch", weights_id="semantic tiny")


def _io(n=2, h=23, w=37, seed=1):
    torch.manual_seed(seed)
    return torch.rand(n, 3, h, w) * 2 - 1, torch.rand(n, 27) * 2 - 1


def figure(w: int = 96, h: int = 80) -> Image.Image:
    """Two closed boxes (head, body) and the paper around them."""
    im = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(im)
    d.rectangle((20, 6, 60, 36), outline="black", width=2)
    d.rectangle((14, 40, 70, 76), outline="black", width=2)
    return im


# -- the generator ---------------------------------------------------------------------------

def test_role_head_output_shapes():
    g = semantic_tiny()
    assert g.cfg.in_channels == 3 + 27 + 9
    sketch, palette = _io(2, 23, 37)
    out = g(sketch, palette)
    assert out.rgb.shape == (2, 3, 23, 37) and out.roles.shape == (2, NUM_ROLES, 23, 37)
    assert torch.isfinite(out.roles).all()
    plain = Generator(preset("tiny")).eval()
    assert plain(sketch, palette).roles is None
    roles_only = Generator(preset("tiny", num_roles=4)).eval()   # a head without hint planes
    assert roles_only.cfg.in_channels == 30 and roles_only(sketch, palette).roles.shape == (2, 4, 23, 37)
    with pytest.raises(ValueError, match="num_roles"):
        preset("tiny", num_roles=-1)


def test_hint_planes_change_the_output_and_none_means_zero_planes():
    g = semantic_tiny()
    sketch, palette = _io(2, 32, 32)
    zeros = torch.zeros(2, 9, 32, 32)
    hints = zeros.clone()
    hints[:, 2, 10:14, 10:14] = 1.0
    with torch.inference_mode():
        a = g(sketch, palette, None, "none")
        z = g(sketch, palette, zeros, "none")
        h = g(sketch, palette, hints, "none")
    assert torch.equal(a.rgb, z.rgb) and torch.equal(a.roles, z.roles)
    assert float((h.rgb - a.rgb).abs().max()) > 1e-4
    assert float((h.roles - a.roles).abs().max()) > 1e-4
    assert torch.equal(g.build_input(sketch, palette)[:, 30:], zeros)


def test_hint_levels_start_as_the_same_function_and_reach_far():
    """hint_levels adds zero-initialised 1x1 convs: at first the output is the stem-only model's; once
    they are non-zero, a click moves the role logits far from it more than the stem's planes alone do."""
    with pytest.raises(ValueError, match="hint_levels needs hints"):
        preset("tiny", hint_levels=True)
    base = semantic_tiny()
    g = Generator(preset("tiny", hints=True, num_roles=NUM_ROLES, hint_levels=True)).eval()
    missing, unexpected = g.load_state_dict(base.state_dict(), strict=False)
    assert unexpected == [] and all(k.startswith("hint_enc.") for k in missing) and missing
    sketch, palette = _io(1, 64, 64)
    hints = torch.zeros(1, 9, 64, 64)
    hints[:, 2, 40:44, 40:44] = 1.0
    with torch.inference_mode():
        assert torch.equal(g(sketch, palette, hints, "none").roles, base(sketch, palette, hints, "none").roles)
        for conv in g.hint_enc:
            conv.weight.normal_(0, 0.5)
        near, far = g(sketch, palette, hints, "none").roles, g(sketch, palette, None, "none").roles
        stem_only_far = (base(sketch, palette, hints, "none").roles - base(sketch, palette, None, "none").roles)
    assert float((near - far)[..., :8, :8].abs().max()) > 1.5 * float(stem_only_far[..., :8, :8].abs().max()) + 1e-6


def test_build_input_rejects_bad_shapes():
    g = semantic_tiny()
    sketch, palette = _io(2, 16, 16)
    with pytest.raises(ValueError, match=r"sketch of shape \(N, 3, H, W\)"):
        g.build_input(sketch[:, :1], palette)
    with pytest.raises(ValueError, match=r"sketch of shape"):
        g.build_input(sketch[0], palette)
    with pytest.raises(ValueError, match=r"palette of shape \(2, 27\)"):
        g.build_input(sketch, palette[:1])
    with pytest.raises(ValueError, match=r"palette of shape"):
        g.build_input(sketch, palette.view(2, 9, 3))
    with pytest.raises(ValueError, match=r"hint planes of shape \(2, 9, 16, 16\)"):
        g.build_input(sketch, palette, torch.zeros(2, 9, 8, 8))
    with pytest.raises(ValueError, match="hint planes"):
        g.build_input(sketch, palette, torch.zeros(2, 3, 16, 16))
    plain = Generator(preset("tiny"))
    with pytest.raises(ValueError, match="no hint planes"):
        plain.build_input(sketch, palette, torch.ones(2, 9, 16, 16))
    assert plain.build_input(sketch, palette, torch.zeros(2, 9, 16, 16)).shape == (2, 30, 16, 16)


# -- hints -----------------------------------------------------------------------------------

@pytest.mark.parametrize("hints,message", [
    ([(100, 5, 1)], r"hint 0: point \(100, 5\) is outside the 96x80 picture"),
    ([(5, 5, 1), (-1, 5, 1)], r"hint 1: x and y .* cannot be negative; got \(-1, 5\)"),
    ([(5, 80, 1)], r"outside the 96x80"),
    ([(5, 5, 9)], r"hint 0: slot 9 is out of range 0..8"),
    ([(5, 5, -1)], r"slot -1 is out of range"),
    ([(5, 5, 1.5)], r"slot 1.5 is out of range"),
    ("5,5,1", r"the hint list is not valid JSON"),
    (7, r"hints must be a list of \(x, y, slot\) triples, got a number"),
    ([(5, 5)], r"hint 0 must be \(x, y, slot\)"),
    ([[1, 2, 3, 4]], r"hint 0 must be \(x, y, slot\)"),
    (["abc"], r"hint 0 must be \(x, y, slot\)"),
    ([(5, "five", 1)], r"hint 0 must hold three numbers"),
    ([(5, None, 1)], r"hint 0 must hold three numbers"),
    ([{"x": 5, "y": 5}], r"hint 0 must hold three numbers"),
    ([(float("nan"), 5, 1)], r"hint 0 has a number that is not finite"),
    ([(5, float("inf"), 1)], r"not finite"),
    ([(1, 1, 1)] * (MAX_HINTS + 1), rf"at most {MAX_HINTS} hints"),
])
def test_parse_hints_errors_are_clear(hints, message, sem):
    with pytest.raises(HintError, match=message) as e:
        parse_hints(hints, 96, 80, 9)
    assert isinstance(e.value, ColorizerError)
    # the library call raises the same error, before running the network
    with pytest.raises(HintError, match=message):
        sem(figure(), hints=hints, size=64)


def test_parse_hints_accepts_good_forms():
    assert parse_hints(None, 10, 10, 9) == []
    assert parse_hints([], 10, 10, 9) == []
    assert parse_hints([(1, 2, 3), [4.7, 5.2, 8.0], {"x": 0, "y": 9, "slot": 0}], 10, 10, 9) == \
        [(1, 2, 3), (4, 5, 8), (0, 9, 0)]
    assert parse_hints(((1, 2, 3) for _ in range(2)), 10, 10, 9) == [(1, 2, 3)] * 2
    assert scale_hints([(0, 0, 1), (9, 9, 2)], (10, 10), (20, 40)) == [(1, 2, 1), (19, 38, 2)]
    planes = hint_planes_np([(5, 5, 2)], 20, 10, 9, radius=1.0)
    assert planes.shape == (9, 10, 20) and planes[2].sum() == 5 and planes[2, 5, 5] == 1
    assert planes[[0, 1, 3, 4, 5, 6, 7, 8]].sum() == 0


def test_hints_on_weights_without_a_role_head_are_refused():
    c = Colorizer.from_random(preset("tiny"), device="cpu", backend="torch")
    with pytest.raises(HintError, match="no role head"):
        c(figure(), hints=[(40, 20, 2)], size=64)
    assert c(figure(), hints=[], size=64).image.size == (96, 80)  # an empty list is no hint


def test_a_hint_pins_its_region_through_the_pipeline(sem):
    pal = ",".join("#%02x%02x%02x" % tuple(c) for c in PALETTE)
    free = sem(figure(), palette=pal, size=64, seed=0)
    assert free.slots is not None and free.slots.shape == (80, 96)
    pinned_slot = 3 if free.slots[20, 40] != 3 else 5
    r = sem(figure(), palette=pal, size=64, seed=0, hints=[(40, 20, pinned_slot)])
    head = (slice(9, 34), slice(23, 58))           # inside the head box, off its outline
    assert (r.slots[head] == pinned_slot).all()
    assert (np.asarray(r.base)[head] == PALETTE[pinned_slot]).all()   # the slot colour, exactly
    assert r.hints == [(40, 20, pinned_slot)]
    # the hints are in the sketch's pixels, also when the result is capped
    big = figure().resize((192, 160), Image.NEAREST)
    rb = sem(big, palette=pal, size=64, seed=0, hints=[(80, 40, pinned_slot)], output_size=96)
    assert rb.image.size == (96, 80) and rb.hints == [(40, 20, pinned_slot)]
    assert (rb.slots[head] == pinned_slot).all()


# -- rendering by role -----------------------------------------------------------------------

def boxes(size: int = 64):
    """Ink (H, W) of two side-by-side boxes and the masks of their insides."""
    ink = np.zeros((size, size), np.float32)
    ink[8, 8:56] = ink[55, 8:56] = 1
    ink[8:56, 8] = ink[8:56, 55] = 1
    ink[8:56, 31:33] = 1
    left = np.zeros((size, size), bool)
    left[10:54, 10:30] = True
    right = np.zeros((size, size), bool)
    right[10:54, 34:54] = True
    return ink, left, right


def probs_everywhere(slot: int, size: int = 64) -> np.ndarray:
    p = np.full((NUM_SLOTS, size, size), 0.02, np.float32)
    p[slot] = 0.84
    return p


def test_region_takes_its_slot_and_a_pin_overrides_it():
    ink, left, right = boxes()
    probs = probs_everywhere(SLOT_INDEX["skin"])
    probs[:, 9:55, 33:55] = 0.02
    probs[SLOT_INDEX["hair"], 9:55, 33:55] = 0.84            # the right box reads as hair
    color = np.full((64, 64, 3), 128, np.uint8)
    r = render_roles(color, ink, probs, PALETTE, cel_shading=False)
    assert (r.slots[left] == SLOT_INDEX["skin"]).all() and (r.slots[right] == SLOT_INDEX["hair"]).all()
    assert (r.image[right] == PALETTE[SLOT_INDEX["hair"]]).all()
    # a pin on the left box: that whole region takes the pinned slot's colour, exactly
    r2 = render_roles(color, ink, probs, PALETTE, pins=[(20, 30, SLOT_INDEX["top"])], cel_shading=False)
    assert (r2.slots[left] == SLOT_INDEX["top"]).all()
    assert (r2.image[left] == PALETTE[SLOT_INDEX["top"]]).all() and (r2.base[left] == r2.image[left]).all()
    assert (r2.slots[right] == SLOT_INDEX["hair"]).all()      # the other region is untouched
    # a pin on the ink pins the nearest region
    r3 = render_roles(color, ink, probs, PALETTE, pins=[(33, 30, SLOT_INDEX["eyes"])], cel_shading=False)
    assert (r3.slots[right] == SLOT_INDEX["eyes"]).all() and (r3.slots[left] == SLOT_INDEX["skin"]).all()
    with pytest.raises(ValueError, match="shapes disagree"):
        render_roles(color[:32], ink, probs, PALETTE)


def test_cel_shading_gives_two_tones_where_the_network_is_darker():
    ink, left, right = boxes()
    probs = probs_everywhere(SLOT_INDEX["skin"])
    color = np.full((64, 64, 3), 200, np.uint8)
    shade = np.zeros((64, 64), bool)
    shade[10:28, 10:30] = True                  # 40% of the left box, half as bright
    color[shade] = 100
    r = render_roles(color, ink, probs, PALETTE, cel_shading=True)
    base = PALETTE[SLOT_INDEX["skin"]].astype(int)
    tones = np.unique(r.image[left].reshape(-1, 3), axis=0)
    assert len(tones) == 2                      # exactly two tones in the region
    lit = left & ~shade
    assert (r.image[lit] == base).all() and (r.shadow[lit] == 0).all()
    inner = np.zeros_like(shade)
    inner[11:27, 11:29] = True                  # away from the tone boundary
    dark = r.image[inner].astype(int)
    assert (dark == dark[0]).all() and (r.shadow[inner] == 1).all()
    # the shadow tone is the base colour scaled by the network's shadow/body luma ratio
    # (100 / 200), kept within SHADOW_RATIO
    low = RenderSettings().shadow_ratio[0]
    assert r.shadow_ratio[inner] == pytest.approx(max(low, 0.5))
    assert np.abs(dark[0] - base * max(low, 0.5)).max() <= 1 and (dark[0] < base).all()
    # the evenly coloured right box keeps one tone; without cel shading the left one does too
    assert len(np.unique(r.image[right].reshape(-1, 3), axis=0)) == 1
    flat = render_roles(color, ink, probs, PALETTE, cel_shading=False)
    assert len(np.unique(flat.image[left].reshape(-1, 3), axis=0)) == 1
    # the same dark patch where the role head's own vote is another part (hair painted into a
    # face, with no line between them): the region stays skin and gets no shadow
    mixed = probs.copy()
    mixed[:, shade] = 0.0
    mixed[SLOT_INDEX["hair"], shade] = 1.0
    m = render_roles(color, ink, mixed, PALETTE, cel_shading=True)
    assert (m.slots[left] == SLOT_INDEX["skin"]).all() and (m.shadow[left] == 0).all()


def test_slot_probabilities_sum_roles_into_slots():
    m = role_to_slot_matrix()
    assert m.shape == (NUM_SLOTS, NUM_ROLES)
    assert m[:, ROLE_INDEX["line"]].sum() == 0 and (m.sum(axis=0)[:ROLE_INDEX["line"]] == 1).all()
    assert m[SLOT_INDEX["details"], ROLE_INDEX["eye_white"]] == m[SLOT_INDEX["details"], ROLE_INDEX["mouth"]] == 1
    logits = np.full((NUM_ROLES, 2, 2), -10.0, np.float32)
    logits[ROLE_INDEX["mouth"], 0, 0] = 10
    logits[ROLE_INDEX["line"], 1, 1] = 10
    p = slot_probabilities(logits)
    assert p.shape == (NUM_SLOTS, 2, 2)
    assert p[SLOT_INDEX["details"], 0, 0] > 0.99 and p[:, 1, 1].sum() < 0.01   # ink feeds no slot


# -- slot palettes of a reference ------------------------------------------------------------

def test_assign_slots_on_a_hand_made_picture():
    km = Palette(np.array([[255, 255, 255], [240, 200, 180], [150, 40, 40], [30, 30, 160], [20, 20, 20]]
                          + [[255, 255, 255]] * 4, np.uint8), np.full(9, 1 / 9))
    px, sl = [], []

    def add(rgb, slot, n):
        px.extend([rgb] * n)
        sl.extend([slot] * n)

    add((250, 252, 255), SLOT_INDEX["background"], 500)     # near white
    add((238, 203, 178), SLOT_INDEX["skin"], 200)
    add((150, 42, 38), SLOT_INDEX["hair"], 120)
    add((32, 28, 150), SLOT_INDEX["hair"], 40)                # a minority colour in the hair
    add((30, 30, 160), SLOT_INDEX["top"], 100)
    add((150, 40, 40), SLOT_INDEX["eyes"], 1)                 # 1 of ~1000 pixels: below MIN_SLOT_SHARE
    add((20, 20, 20), 255, 300)                               # ink / unknown: not counted
    pal = assign_slots(np.array(px, np.uint8), np.array(sl, np.uint8), km)
    assert tuple(pal.colors[SLOT_INDEX["background"]]) == (255, 255, 255)
    assert tuple(pal.colors[SLOT_INDEX["skin"]]) == (240, 200, 180)
    assert tuple(pal.colors[SLOT_INDEX["hair"]]) == (150, 40, 40)       # the majority colour
    assert tuple(pal.colors[SLOT_INDEX["top"]]) == (30, 30, 160)
    present = {SLOT_INDEX[s] for s in ("background", "skin", "hair", "top")}
    default = default_slot_palette()
    for s in range(NUM_SLOTS):
        assert bool(pal.defaults[s]) == (s not in present), s
        if s not in present:
            assert (pal.colors[s] == default.colors[s]).all()
    assert pal.shares[SLOT_INDEX["skin"]] == pytest.approx(200 / 961)
    assert pal.shares[SLOT_INDEX["eyes"]] == 0


def test_reference_palette_marks_missing_roles_as_defaults(monkeypatch):
    c = Colorizer(semantic_tiny(), device="cpu", backend="torch")
    assert c.semantic
    ref = np.full((64, 64, 3), 255, np.uint8)
    ref[8:56, 4:30] = (240, 190, 170)     # skin on the left
    ref[8:56, 34:60] = (60, 40, 120)      # hair on the right
    calls = []

    def segment(image):                   # a hand-made segmentation of the reference
        calls.append(1)
        w, h = Image.fromarray(np.asarray(image)).size if not isinstance(image, Image.Image) else image.size
        p = np.full((NUM_SLOTS, 64, 64), 0.0, np.float32)
        p[SLOT_INDEX["background"]] = 1.0
        p[:, 8:56, 4:30] = 0
        p[SLOT_INDEX["skin"], 8:56, 4:30] = 1.0
        p[:, 8:56, 34:60] = 0
        p[SLOT_INDEX["hair"], 8:56, 34:60] = 1.0
        return p

    monkeypatch.setattr(c.renderer, "segment", segment)
    pal = c.extract_palette(Image.fromarray(ref))
    assert len(pal) == NUM_SLOTS and pal.defaults is not None
    assert np.abs(pal.colors[SLOT_INDEX["skin"]].astype(int) - (240, 190, 170)).max() <= 2
    assert np.abs(pal.colors[SLOT_INDEX["hair"]].astype(int) - (60, 40, 120)).max() <= 2
    assert np.abs(pal.colors[SLOT_INDEX["background"]].astype(int) - 255).max() <= 2
    present = {SLOT_INDEX["background"], SLOT_INDEX["skin"], SLOT_INDEX["hair"]}
    assert [bool(d) for d in pal.defaults] == [s not in present for s in range(NUM_SLOTS)]
    for s in set(range(NUM_SLOTS)) - present:
        assert pal.to_hex()[s] == DEFAULT_SLOT_COLORS[s]
    # the same reference again: the cached palette, no second segmentation
    assert c.extract_palette(Image.fromarray(ref)).to_hex() == pal.to_hex() and len(calls) == 1
    # non-semantic weights: the K-means palette by share, no default marks
    km = Colorizer.from_random(preset("tiny"), backend="torch").extract_palette(Image.fromarray(ref))
    assert km.defaults is None and tuple(km.colors[0]) == (255, 255, 255)


def test_reference_segmentation_runs_the_real_role_head(sem):
    ref = Image.new("RGB", (90, 70), (240, 190, 170))
    probs = sem.segment(ref)
    assert probs.shape[0] == NUM_SLOTS and max(probs.shape[1:]) <= 256
    assert np.all(probs >= 0) and np.all(probs.sum(axis=0) <= 1 + 1e-5)
    pal = sem.extract_palette(ref)
    assert len(pal) == NUM_SLOTS and pal.defaults is not None and not pal.defaults.all()


# -- batches ---------------------------------------------------------------------------------

def test_batch_equals_single_calls(sem):
    a, b = figure(), figure().transpose(Image.FLIP_LEFT_RIGHT)
    pals = ["#ff8800,#0044cc", "#22aa44"]
    hints = [[(40, 20, 2)], []]
    out = sem.batch([a, b], palettes=pals, hints=hints, size=64, seed=5)
    assert len(out) == 2
    for res, sk, p, h in zip(out, (a, b), pals, hints):
        one = sem(sk, palette=p, hints=h, size=64, seed=5)
        assert np.array_equal(np.asarray(res.image), np.asarray(one.image))
        assert np.array_equal(res.slots, one.slots) and res.hints == one.hints
    # one palette and one hint list for every sketch
    same = sem.batch([a, b], palettes="#ff8800", hints=[(40, 20, 2)], size=64, seed=5, cel_shading=False)
    for res, sk in zip(same, (a, b)):
        one = sem(sk, palette="#ff8800", hints=[(40, 20, 2)], size=64, seed=5, cel_shading=False)
        assert np.array_equal(np.asarray(res.image), np.asarray(one.image))
    ref = Image.fromarray(np.tile(PALETTE[None], (8, 1, 1)))
    by_ref = sem.batch([a], references=ref, size=64, seed=1)
    assert by_ref[0].palette.to_hex() == sem.extract_palette(ref).to_hex()
    with pytest.raises(ColorizerError, match="palettes: 1 entries for 2 sketches"):
        sem.batch([a, b], palettes=["#ff0000"], size=64)
    with pytest.raises(HintError, match="outside"):
        sem.batch([a, b], hints=[[(400, 20, 2)], []], size=64)
    assert sem.batch([], size=64) == []


# -- options ---------------------------------------------------------------------------------

def test_options_validation():
    o = ColorizeOptions()
    assert (o.flat, o.keep_lines, o.cel_shading, o.noise, o.seed) == (True, True, True, "random", 0)
    assert o.replace(seed="12").seed == 12
    with pytest.raises(ColorizerError, match="noise must be one of random, const, none"):
        o.replace(noise="loud")
    with pytest.raises(ColorizerError, match="seed must be a whole number"):
        o.replace(seed="abc")
    with pytest.raises(TypeError, match="unknown colouring option.*flatness"):
        o.replace(flatness=1)
    with pytest.raises(ColorizerError, match="must be a JSON object"):
        ColorizeOptions.from_dict(["flat"])
    for bad, msg in [({"noise_strength": float("nan")}, "noise_strength must be a number from 0 to 4"),
                     ({"noise_strength": -1}, "noise_strength must be a number from 0 to 4, got -1"),
                     ({"noise_strength": 5}, "noise_strength must be a number from 0 to 4, got 5"),
                     ({"seed": -1}, "seed must be a whole number from 0 to 9223372036854775807, got -1"),
                     ({"seed": 2**64}, "seed must be a whole number from 0 to 9223372036854775807"),
                     ({"seed": 10**5000}, "seed must be .* got a number of about 5001 digits"),
                     ({"seed": float("inf")}, "seed must be a whole number"),
                     ({"noise_strength": "a"}, "noise_strength must be"),
                     ({"size": "abc"}, "size must be a whole number"), ({"size": 100.5}, "size must be a whole"),
                     ({"output_size": [1]}, "output_size must be a whole number"),
                     ({"seed": 1.5}, "seed must be a whole number"), ({"seed": True}, "seed must be a whole"),
                     ({"flat": "no"}, "flat must be true or false"), ({"keep_lines": 2}, "keep_lines must be true")]:
        with pytest.raises(ColorizerError, match=msg):
            o.replace(**bad)
    # what forms and JSON send is normalised
    n = o.replace(size=128.0, seed="7", output_size=np.int64(96), flat=np.bool_(False), keep_lines=0)
    assert (n.size, n.seed, n.output_size, n.flat, n.keep_lines) == (128, 7, 96, False, False)
    assert type(n.size) is int and type(n.flat) is bool and n.noise_strength == 1.0
    d = ColorizeOptions.from_dict({"flat": False, "size": 128})
    assert d == ColorizeOptions(flat=False, size=128) and ColorizeOptions.from_dict(d.to_dict()) == d


def test_bad_options_in_a_call_are_clear_errors(sem):
    with pytest.raises(ColorizerError, match="size must be a whole number from 64 to 1024"):
        sem(figure(), size=20000)
    with pytest.raises(ColorizerError, match="output_size must be a whole number from 64 to 16384, got 8"):
        sem(figure(), size=64, output_size=8)
    with pytest.raises(ColorizerError, match="seed must be a whole number from 0 to"):
        sem(figure(), size=64, seed=2**64)    # once: ValueError "Overflow when unpacking long long"
    with pytest.raises(ColorizerError, match="noise must be one of"):
        sem(figure(), size=64, noise="loud")
    with pytest.raises(ColorizerError, match="noise_strength"):
        sem(figure(), size=64, noise_strength=float("nan"))   # would colour the picture black
    assert sem(figure(), size=None).options.size == sem.default_options.size   # None: the weights' size
    r = sem(figure(), size=64, seed=None)
    assert isinstance(r.seed, int) and r.options.seed is None
    assert sem(figure(), size=64, noise="none").seed is None
    assert math.isfinite(float(np.asarray(r.image).mean()))


def test_reference_views_are_averaged_and_checked(sem):
    ref = Image.new("RGB", (96, 80), (250, 250, 250))
    d = ImageDraw.Draw(ref)
    d.ellipse((20, 10, 76, 66), fill=(240, 190, 170), outline=(40, 30, 30), width=2)
    d.rectangle((10, 60, 86, 79), fill=(60, 90, 200))
    a = sem.segment(ref, views=("xdog",))
    b = sem.segment(ref, views=("outline",))
    np.testing.assert_allclose(sem.segment(ref, views=("xdog", "outline")), (a + b) / 2, atol=1e-6)
    assert not np.allclose(sem.segment(ref, views=("colour",)), a)  # the colour picture is another view
    with pytest.raises(ValueError, match="unknown line method"):
        sem.segment(ref, views=("crayon",))
    with pytest.raises(ValueError, match="at least one view"):
        sem.segment(ref, views=())


def test_render_helpers_match_numpy_and_scipy():
    """The fast cel-shading helpers give exactly what NumPy's argmax and SciPy's opening give."""
    from scipy import ndimage

    from colorizer.render import _argmax0, _open_cross

    rng = np.random.default_rng(3)
    for _ in range(20):
        h, w = (int(v) for v in rng.integers(1, 70, 2))
        m = rng.random((h, w)) < rng.random()
        assert (_open_cross(m) == ndimage.binary_opening(m, iterations=1)).all()
        p = rng.integers(0, 3, (int(rng.integers(1, 9)), h * w)).astype(np.float32)  # many ties
        assert (_argmax0(p) == p.argmax(axis=0)).all()


def test_render_roles_with_a_precomputed_region_map():
    from colorizer.render import region_map

    ink, left, right = boxes()
    ink = ink.astype(np.float32)
    probs = probs_everywhere(SLOT_INDEX["skin"])
    probs[:, 9:55, 33:55] = 0.02
    probs[SLOT_INDEX["hair"], 9:55, 33:55] = 0.84
    color = np.full((64, 64, 3), 200, np.uint8)
    color[10:28, 10:30] = 100                   # a shadow for the cel shading
    r1 = render_roles(color, ink, probs, PALETTE, pins=[(20, 30, SLOT_INDEX["top"])], seal=1, neck=2)
    rm = region_map(ink, seal=1, neck=2)
    r2 = render_roles(color, ink, probs, PALETTE, pins=[(20, 30, SLOT_INDEX["top"])], seal=1, neck=2, regions=rm)
    for a, b in ((r1.image, r2.image), (r1.slots, r2.slots), (r1.shadow, r2.shadow), (r1.regions, r2.regions)):
        assert (a == b).all()
    assert rm.n == int(rm.labels.max()) and rm.has_ink
    with pytest.raises(ValueError, match="region map"):
        render_roles(color[:32, :32], ink[:32, :32], probs[:, :32, :32], PALETTE, regions=rm)


def test_regions_found_beside_the_network_and_kept_for_swatch_edits(sem, monkeypatch):
    """Flat colours: the sketch's regions are computed in the worker thread while the network
    runs, once per sketch: a swatch edit re-renders from the cache without either."""
    import threading

    from colorizer import renderers as P
    from colorizer.pipeline import DEFAULT_PALETTE

    sem.clear_caches()
    sketch = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(sketch).ellipse([8, 8, 56, 56], outline=0, width=2)
    threads, runs = [], []
    real_map, real_run = P.region_map, sem.network.run
    monkeypatch.setattr(P, "region_map", lambda *a, **k: threads.append(threading.current_thread().name)
                        or real_map(*a, **k))
    monkeypatch.setattr(sem.network, "run", lambda *a, **k: runs.append(1) or real_run(*a, **k))
    a = sem(sketch, palette=DEFAULT_PALETTE, flat=True, seed=0)
    used = int(np.bincount(a.slots.ravel()).argmax())
    b = sem(sketch, palette=Palette.from_hex(DEFAULT_PALETTE).replace(used, "#00ff00"), flat=True, seed=0)
    assert len(threads) == 1 and threads[0].startswith("colorizer") and len(runs) == 1
    assert (a.slots == b.slots).all() and a.image.tobytes() != b.image.tobytes()
