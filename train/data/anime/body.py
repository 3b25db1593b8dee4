"""The body: neck, legs and shoes, and the arms with hands and sleeves."""

from __future__ import annotations

import math
import random

import numpy as np

from train.data.anime.context import Ctx
from train.data.anime.geom import Pen, quad, tube
from train.data.anime.face import face_pts
from train.data.anime.spec import PartColors

__all__ = ["neck", "legs", "arm_layout", "arm"]


def neck(ctx: Ctx) -> None:
    P, B, sc = ctx.P, ctx.B, ctx.sc
    nw = 11.5 if ctx.girl else 13.5
    pts = (Pen(-nw, 20).to(-nw, 66).c(-nw, 80, -24, 88, -34, 94).to(-30, 150).to(30, 150).to(34, 94)
           .c(24, 88, nw, 80, nw, 66).to(nw, 20).pts())
    cp = B(pts)
    sc.fill(cp, P["skin"], outline=ctx.lw)
    # shadow under the chin: the jaw line pushed down
    jaw = face_pts(ctx)
    jaw = jaw[(jaw[:, 1] > 20)]
    jaw = jaw[np.argsort(jaw[:, 0])]
    jaw_c = ctx.H(jaw + np.array([0.0, 0.0]))
    shifted = jaw_c + np.array([0.0, 7.5 * ctx.s])
    sh = np.concatenate([shifted, [shifted[-1] + (30 * ctx.s, -60 * ctx.s), shifted[0] + (-30 * ctx.s, -60 * ctx.s)]])
    sc.shade(cp, [(sh, P["skin"].shadow)])


def legs(ctx: Ctx) -> None:
    sp, P, B, sc = ctx.spec, ctx.P, ctx.B, ctx.sc
    if ctx.pose.framing == "bust":
        return
    hw = ctx.hw
    for side in (-1, 1):
        st, kn = ctx.pose.stance, ctx.pose.knees
        centre = np.array([(side * hw * 0.48, 300), (side * (hw * 0.42 + st * 0.25 - kn * 0.6), 400),
                           (side * (hw * 0.38 + st * 0.5 - kn), 500), (side * (hw * 0.36 + st * 0.75 - kn * 0.4), 600),
                           (side * (hw * 0.34 + st), 672)])
        widths = np.array([50, 41, 28, 25, 16.5]) * (1.0 if ctx.girl else 1.1)
        cl = B(tube(centre, widths, cap_start=False))
        sc.fill(cl, P["skin"], outline=ctx.lw)
        sc.shade(cl, [(B(np.concatenate([centre + (-sp.light * 6, 0), centre[::-1] + (-sp.light * 40, 0)])), P["skin"].shadow)])
        kx = centre[2][0]
        sc.line(B(np.array([(kx - 4, 500), (kx + 3, 506)])), ctx.lw * 0.5)
        lw_kind = sp.legwear
        if lw_kind != "none" and "legwear" in P:
            top_y = {"socks": 630, "knee": 470, "thigh": 390, "tights": 300}[lw_kind]
            ys = np.linspace(top_y, 672, 6)
            cx = np.interp(ys, centre[:, 1], centre[:, 0])
            ws = np.interp(ys, centre[:, 1], widths) + 1.5
            cs = B(tube(np.stack([cx, ys], 1), ws, cap_start=False))
            sc.fill(cs, P["legwear"], outline=ctx.lw)
            sc.shade(cs, [(B(np.concatenate([np.stack([cx - sp.light * 5, ys], 1), np.stack([cx - sp.light * 40, ys], 1)[::-1]])), P["legwear"].shadow)])
        ax = centre[-1][0]
        shoe = (Pen(ax - 10, 664).c(ax - 14, 690, ax - 12, 708, ax + side * 3, 709)
                .c(ax + side * 19, 709, ax + 14, 690, ax + 10, 664).pts())
        cs = B(shoe)
        sc.fill(cs, P["shoes"], outline=ctx.lw)
        sc.shade(cs, [(B(np.array([(side * hw * 0.34 - 20, 690), (side * hw * 0.34 + 20, 690), (side * hw * 0.34 + 20, 720), (side * hw * 0.34 - 20, 720)])), P["shoes"].shadow)])


def arm_layout(ctx: Ctx) -> dict:
    pose = ctx.pose
    r = random.Random(f"arms-{ctx.spec.seed}-{pose.arms}-{pose.framing}")
    sw, ww = ctx.sw, ctx.ww
    out = {}
    active = 1 if r.random() < 0.5 else -1
    for side in (-1, 1):
        S = np.array([side * (sw - 9), 108.0])
        kind = pose.arms
        if kind in ("wave", "cheek") and side != active:
            kind = "down"
        if kind == "down":
            a_u, a_f = r.uniform(0.08, 0.2), r.uniform(0.0, 0.22)
            E = S + 84 * np.array([side * math.sin(a_u), math.cos(a_u)])
            W = E + 74 * np.array([side * math.sin(a_f), math.cos(a_f)])
        elif kind == "wave":
            a_u = r.uniform(0.7, 1.0)
            E = S + 80 * np.array([side * math.sin(a_u), math.cos(a_u)])
            W = E + 70 * np.array([side * 0.25, -1.0]) / math.hypot(0.25, 1.0)
        elif kind == "hip":
            a_u = r.uniform(0.45, 0.6)
            E = S + 82 * np.array([side * math.sin(a_u), math.cos(a_u)])
            W = np.array([side * (ww + 8), 228.0])
        elif kind == "clasp":
            E = S + 90 * np.array([side * math.sin(0.12), math.cos(0.12)])
            W = np.array([side * 9.0, 262.0])
        elif kind == "behind":
            E = S + 90 * np.array([side * math.sin(0.1), math.cos(0.1)])
            W = np.array([side * (ww - 6), 262.0])
        else:  # cheek: hand raised to the face
            E = S + np.array([side * 16.0, 86.0])
            W = np.array([side * (ctx.fw * 0.85), 44.0])
        out[side] = {"S": S, "E": E, "W": W, "behind": kind == "behind", "over_face": kind == "cheek",
                     "open": kind in ("wave", "cheek")}
    return out


def arm(ctx: Ctx, side: int, a: dict, sleeve: PartColors | None = None, glove: PartColors | None = None,
        cuff: PartColors | None = None, folds: bool = False) -> None:
    """Arm ``side`` laid out by :func:`arm_layout`: the bare arm, the hand (in ``glove`` if given),
    the sleeve (the outfit's, or part ``sleeve``) with, for long sleeves, a ``cuff`` of another
    layer showing at the wrist and ``folds`` at the elbow."""
    sp, P, B, sc = ctx.spec, ctx.P, ctx.B, ctx.sc
    S, E, W = a["S"], a["E"], a["W"]
    centre = np.concatenate([[S], quad(S + (E - S) * 0.6, E, E + (W - E) * 0.4, 5), [W]])
    n = len(centre)
    widths = np.interp(np.linspace(0, 1, n), [0, 0.5, 1], [22, 16, 12.5]) * (1.0 if ctx.girl else 1.12)
    # hand first (the cuff covers the wrist)
    d = W - E
    d = d / max(np.linalg.norm(d), 1e-6)
    nrm = np.array([-d[1], d[0]])
    def hand_pts(local):  # hand space: u along the forearm, v across
        local = np.asarray(local, float)
        return W + local[:, :1] * d + local[:, 1:2] * nrm

    k_ = 1.0 if ctx.girl else 1.12
    palm = hand_pts(Pen(-1, 6.5).c(8, 8, 15, 8.8, 21, 5.5).c(25.5, 3, 26, -3, 21.5, -5.8)
                    .c(15, -8.2, 8, -7.6, -1, -6.5).pts() * k_)
    thumb_side = -side if not a["open"] else side
    thumb = hand_pts(Pen(3, thumb_side * 5).c(7, thumb_side * 12.5, 12, thumb_side * 13.5, 15, thumb_side * 10)
                     .c(13, thumb_side * 7.5, 10, thumb_side * 6, 8, thumb_side * 3).pts() * k_)
    fingers = [hand_pts(np.array([(12.5, 2.2), (21.5, 1.8)]) * k_), hand_pts(np.array([(12, -2.0), (20.5, -2.6)]) * k_)]
    # arm, then hand, then the sleeve over the arm
    ca = B(tube(centre, widths))
    sc.fill(ca, P["skin"], outline=ctx.lw)
    hand_pc = glove or P["skin"]
    sc.fill(B(thumb), hand_pc, outline=ctx.lw * 0.85)
    ch = B(palm)
    sc.fill(ch, hand_pc, outline=ctx.lw * 0.9)
    for f in fingers:
        sc.line(B(f), ctx.lw * 0.5, 0.2, 0.5)
    o = sp.outfit
    if sleeve is None:
        sleeve = P["jacket"] if ("jacket" in P and o in ("blazer", "shirt")) else P["top"]
    sleeve_pc = sleeve
    long_ = sp.sleeves == "long"
    t_end = 0.93 if long_ else 0.34
    k = int(round(t_end * (n - 1)))
    if cuff is not None and long_:  # the inner layer's cuff shows between the sleeve and the hand
        cc = B(tube(centre[k - 2:], widths[k - 2:] * 1.2 + 2.5, cap_start=False, cap_end=False))
        sc.fill(cc, cuff, outline=ctx.lw * 0.9)
        k -= 1
    sc_centre = np.concatenate([[S + (0, -6)], centre[1:k + 1]]) if k >= 1 else np.array([S + (0, -6), centre[1]])
    if not long_:
        sc_centre = np.array([S + (0, -6), S + (E - S) * 0.5])
    sw_ = (widths[: len(sc_centre)] * 1.25 + 4)
    if o == "dress" and not long_:
        sw_ = sw_ * np.array([1.5, 1.55][: len(sw_)] + [1.2] * max(0, len(sw_) - 2))
    cs = B(tube(sc_centre, sw_, cap_start=True, cap_end=False))
    sc.fill(cs, sleeve_pc, outline=ctx.lw)
    shadow_side = -sp.light
    band = np.concatenate([sc_centre + (shadow_side * 3, 0), sc_centre[::-1] + (shadow_side * 30, 0)])
    sc.shade(cs, [(B(band), sleeve_pc.shadow)])
    if folds and long_ and len(sc_centre) > 3:  # creases across the inside of the elbow
        m = len(sc_centre) // 2
        for j, f in enumerate((-0.3, 0.15)):
            p0 = sc_centre[m + j - 1] + nrm * sw_[m] * f
            sc.line(B(np.array([p0 - nrm * sw_[m] * 0.32, p0 + (0, 3), p0 + nrm * sw_[m] * 0.3])), ctx.lw * 0.45, 0.3, 0.4)
    if long_:
        cuff_c = sc_centre[-1] - (sc_centre[-1] - sc_centre[-2]) * 0.25
        sc.line(B(np.array([cuff_c - nrm * sw_[-1] * 0.5, cuff_c + nrm * sw_[-1] * 0.5])), ctx.lw * 0.5, 0.05, 0.05, 0.5)
