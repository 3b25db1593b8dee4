"""The face: its outline and ears, the eyes and brows, nose, mouth and blush, and glasses."""

from __future__ import annotations

import numpy as np

from train.data.anime.context import Ctx
from train.data.anime.geom import Pen, cubic, ellipse, quad, ribbon, taper

__all__ = ["ears", "face_pts", "face", "face_outline", "eyes", "brow", "nose_mouth", "glasses"]


def ears(ctx: Ctx) -> None:
    fw, H, P = ctx.fw, ctx.H, ctx.P
    for side in (-1, 1):
        e = Pen(side * (fw - 3), -4).c(side * (fw + 7), -10, side * (fw + 9), 14, side * (fw - 1), 19).pts()
        e = np.concatenate([e, [(side * (fw - 5), 8)]])
        ctx.sc.fill(H(e), P["skin"], outline=ctx.lw * 0.9)
        ctx.sc.line(H(quad((side * (fw + 1), -1), (side * (fw + 5), 6), (side * (fw + 1), 13), 6)), ctx.lw * 0.5)


def face_pts(ctx: Ctx) -> np.ndarray:
    fw, k = ctx.fw, ctx.spec.chin
    cy = 50.0 + 3 * k
    jy, jx = 34.0, fw * 0.62
    p = (Pen(-fw, -45).to(-fw, -2)
         .c(-fw, 14, -fw * 0.96, 22, -jx * 1.06, jy, 8)
         .c(-jx * 0.62, jy + (cy - jy) * 0.55, -2 - 6 * (1 - k), cy - 0.5, 0, cy, 8)
         .c(2 + 6 * (1 - k), cy - 0.5, jx * 0.62, jy + (cy - jy) * 0.55, jx * 1.06, jy, 8)
         .c(fw * 0.96, 22, fw, 14, fw, -2, 8)
         .to(fw, -45)
         .c(fw, -78, -fw, -78, -fw, -45, 8))
    return p.pts()[:-1]


def face(ctx: Ctx) -> np.ndarray:
    P, H = ctx.P, ctx.H
    pts = face_pts(ctx)
    cp = H(pts)
    ctx.sc.fill(cp, P["skin"], outline=ctx.lw)
    return cp


def face_outline(ctx: Ctx) -> np.ndarray:
    return ctx.H(face_pts(ctx))


def _eye_geom(ctx: Ctx, side: int):
    sp = ctx.spec
    ew = 24.0 * sp.eye_size
    eh = 22.0 * sp.eye_size * sp.eye_height
    ex = side * (ctx.fw * 0.47 + 0.5)
    tilt = sp.eye_tilt * eh
    return ew, eh, ex, tilt


def eyes(ctx: Ctx) -> None:
    sp, pose = ctx.spec, ctx.pose
    expr = pose.expression
    ctx.brows = []
    for side in (-1, 1):
        ew, eh, ex, tilt = _eye_geom(ctx, side)

        def E(p, side=side, ex=ex):  # eye-local (x towards the outer corner) -> head space
            p = np.asarray(p, float)
            return ctx.H(np.stack([ex + side * p[:, 0], p[:, 1]], axis=1))

        closed = (expr in ("laugh", "content")) or (expr == "wink" and side == sp.light)
        lash = ctx.feat(0.15 * ew * (1.0 if ctx.girl else 0.72), 1.4 if ctx.girl else 1.1)
        if closed:
            _closed_eye(ctx, E, ew, eh, tilt, lash, happy=(expr != "content"))
        else:
            _open_eye(ctx, E, side, ew, eh, tilt, lash)
        ctx.brows.append((E, ew, eh, tilt, lash))


def _closed_eye(ctx: Ctx, E, ew, eh, tilt, lash, happy: bool) -> None:
    if happy:
        arc = quad((-0.45 * ew, 0.12 * eh), (0.0, -0.55 * eh), (0.48 * ew, 0.06 * eh - tilt), 12)
    else:
        arc = quad((-0.45 * ew, -0.05 * eh), (0.0, 0.32 * eh), (0.5 * ew, -0.12 * eh - tilt), 12)
    ctx.sc.line(E(arc), lash * 0.85, 0.25, 0.25, 0.15)
    if ctx.girl and not happy:
        for k in range(ctx.spec.lashes):
            a = arc[-1 - 2 * k]
            ctx.sc.line(E(np.array([a, a + (0.1 * ew, 0.12 * eh + 0.06 * k * eh)])), lash * 0.45, 0.0, 1.0)


def _open_eye(ctx: Ctx, E, side, ew, eh, tilt, lash) -> None:
    sp, pose, P, sc = ctx.spec, ctx.pose, ctx.P, ctx.sc
    expr = pose.expression
    I = np.array([-0.48 * ew, 0.14 * eh])
    O = np.array([0.5 * ew, -0.04 * eh - tilt])
    lid = 0.24 * eh if expr == "sleepy" else 0.0
    up = cubic(I, (-0.36 * ew, -0.56 * eh + lid), (0.24 * ew, -0.66 * eh + lid), O, 24)
    lo = cubic(I, (-0.24 * ew, 0.56 * eh), (0.3 * ew, 0.56 * eh), O + (0, 0.03 * eh), 24)
    xs = np.linspace(I[0], O[0], 25)
    yu = np.interp(xs, up[:, 0], up[:, 1])
    yl = np.interp(xs, lo[:, 0], lo[:, 1])
    yl = np.maximum(yl, yu)

    def region(top, bot, x=xs):
        ok = bot - top > 1e-3
        if ok.sum() < 2:
            return None
        idx = np.flatnonzero(ok)
        x, top, bot = x[idx[0]: idx[-1] + 1], top[idx[0]: idx[-1] + 1], bot[idx[0]: idx[-1] + 1]
        bot = np.maximum(bot, top)
        return np.concatenate([np.stack([x, top], 1), np.stack([x, bot], 1)[::-1]])

    sclera = region(yu, yl)
    sc.fill(E(sclera), P["eye_white"])
    wshadow = region(yu, np.minimum(yu + 0.2 * eh, yl))
    if wshadow is not None:
        sc.patch(E(wshadow), P["eye_white"].shadow)

    # iris: a tall ellipse cut by the lids
    small = expr == "surprised"
    rx = 0.5 * ew * sp.iris_size * (0.78 if small else 1.0)
    ry = rx * 1.22
    gx = side * pose.gaze * 0.1 * ew
    gy = 0.06 * eh
    xi = np.linspace(max(I[0], gx - rx), min(O[0], gx + rx), 21)
    yu_i = np.interp(xi, xs, yu)
    yl_i = np.interp(xi, xs, yl)

    def ell(cx, cy, ax, ay, x):
        h = ay * np.sqrt(np.clip(1 - ((x - cx) / ax) ** 2, 0, 1))
        return cy - h, cy + h

    et, eb = ell(gx, gy, rx, ry, xi)
    top, bot = np.maximum(yu_i, et), np.minimum(yl_i, eb)
    iris = region(top, bot, xi)
    if iris is None:
        return
    ec = P["eye"]
    sc.fill(E(iris), ec)
    band_bot = np.minimum(bot, gy - 0.12 * ry + 0.35 * ry * (1 - ((xi - gx) / rx) ** 2))
    band = region(top, band_bot, xi)
    if band is not None:
        sc.patch(E(band), ec.shadow)
    low = region(np.maximum(top, gy + 0.3 * ry + 0.28 * ry * ((xi - gx) / rx) ** 2), bot, xi)
    if low is not None:
        sc.patch(E(low), ec.highlight)
    # pupil
    prx, pry = rx * (0.42 if not small else 0.3), ry * (0.5 if not small else 0.36)
    xp = np.linspace(gx - prx, gx + prx, 13)
    pt, pb = ell(gx, gy - 0.05 * ry, prx, pry, xp)
    pupil = region(np.maximum(pt, np.interp(xp, xi, top)), np.minimum(pb, np.interp(xp, xi, bot)), xp)
    if pupil is not None:
        sc.patch(E(pupil), ec.extra[0])
    # sparkles: inside the iris and the lids
    hl = ctx.spec.light * side  # eye-local x sign of the lit side
    for (ox, oy, rr) in ((hl * 0.38 * rx, -0.38 * ry, 0.3 * rx), (-hl * 0.32 * rx, 0.38 * ry, 0.14 * rx)):
        cx, cy = gx + ox, gy + oy
        xh = np.linspace(cx - rr, cx + rr, 11)
        ht, hb = ell(cx, cy, rr, rr, xh)
        t_ = np.maximum(ht, np.interp(xh, xi, top, left=np.inf, right=np.inf))
        b_ = np.minimum(hb, np.interp(xh, xi, bot, left=-np.inf, right=-np.inf))
        spark = region(t_, b_, xh)
        if spark is not None:
            sc.patch(E(spark), ec.extra[1])
    sc.stroke(E(iris), np.full(len(iris), ctx.feat(0.018 * ew, 0.45)), closed=True)

    # lash line: thick upper lid with a wing at the outer corner and a hook at the inner one,
    # the lower lid thin (thicker towards the outer corner)
    wing = quad(O, O + (0.13 * ew, -0.02 * eh), O + (0.2 * ew, 0.1 * eh), 5)[1:]
    hook = np.array([I + (0.02 * ew, 0.1 * eh), I + (0.0, 0.03 * eh)])
    upper = np.concatenate([hook, np.stack([xs, yu], 1)[1:], wing])
    n = len(upper)
    t = np.linspace(0, 1, n)
    wu = lash * (0.22 + 0.78 * np.clip((t - 0.05) / 0.5, 0, 1) ** 0.7)
    wu[-5:] *= np.array([1.0, 0.85, 0.65, 0.4, 0.1])
    wu[:2] = lash * np.array([0.08, 0.18])
    sc.stroke(E(upper), wu)
    lower = np.stack([xs, yl], 1)
    tl = np.linspace(0, 1, len(lower))
    wl = lash * (0.12 + 0.22 * np.clip((tl - 0.35) / 0.4, 0, 1)) * np.clip((1 - tl) / 0.06 + 0.3, 0, 1)
    sc.stroke(E(lower), wl)
    if ctx.girl:
        for k in range(sp.lashes):
            a = O - np.array([0.05 * ew * k, -0.02 * eh * k])
            tip = a + np.array([0.14 * ew, -(0.1 + 0.07 * k) * eh])
            sc.line(E(quad(a, a + (0.1 * ew, -0.02 * eh), tip, 5)), lash * 0.5, 0.0, 1.0)
        if (sp.shape_seed >> 3) % 2:
            crease = quad((0.0, -0.74 * eh + lid), (0.32 * ew, -0.8 * eh + lid), (0.52 * ew, -0.42 * eh - tilt), 8)
            sc.line(E(crease), lash * 0.22, 0.5, 0.3)


def brow(ctx: Ctx, E, ew, eh, tilt, lash) -> None:
    expr = ctx.pose.expression
    inner_dy = {"angry": 0.34, "sad": -0.26, "surprised": -0.22, "shy": -0.15}.get(expr, 0.0) * eh
    outer_dy = {"sad": 0.12, "surprised": -0.2, "angry": -0.05}.get(expr, 0.0) * eh
    b = quad((-0.42 * ew, -0.98 * eh + inner_dy), (0.08 * ew, -1.2 * eh + (inner_dy + outer_dy) / 2),
             (0.55 * ew, -0.94 * eh - tilt * 0.5 + outer_dy), 10)
    ctx.sc.line(E(b), lash * 0.42, 0.1, 0.55, 0.1)


def nose_mouth(ctx: Ctx) -> None:
    sp, pose, P, H, sc = ctx.spec, ctx.pose, ctx.P, ctx.H, ctx.sc
    L = sp.light
    nose = quad((L * 0.5, 14.5), (L * 1.8, 18), (-L * 1.2, 20.5), 5)
    sc.line(H(nose), ctx.feat(1.0, 0.7), 0.2, 0.6)
    if pose.blush:
        for side in (-1, 1):
            e = ellipse(side * 23, 19, 8, 3.6, 16)
            sc.shade(face_outline(ctx), [(H(e), P["skin"].extra[0])])
            for k in range(3):
                x = side * 23 + (k - 1) * 3.6
                sc.line(H(np.array([(x + 1.4, 17.2), (x - 1.0, 20.8)])), ctx.feat(0.55, 0.4), 0.2, 0.6)
    expr = pose.expression
    my = 33.0 + 2 * sp.chin
    mw = 10.0 if ctx.girl else 11.0
    lw = ctx.feat(1.0, 0.8)
    if expr in ("happy", "laugh", "surprised") or (expr == "angry" and pose.mouth_open > 0.8) or (
            expr == "wink" and pose.mouth_open > 0.75):
        _open_mouth(ctx, my, mw, expr)
    elif expr in ("smile", "content", "wink", "shy"):
        w = mw * (0.75 if expr == "shy" else 1.0)
        sc.line(H(quad((-w / 2, my - 1.2), (0, my + 3.2), (w / 2, my - 1.2), 9)), lw, 0.3, 0.3)
    elif expr in ("sad", "angry"):
        w = mw * 0.7
        sc.line(H(quad((-w / 2, my + 1.2), (0, my - 1.8), (w / 2, my + 1.2), 8)), lw, 0.3, 0.3)
    elif expr == "sleepy":
        sc.line(H(quad((-mw * 0.3, my), (0, my + 0.8), (mw * 0.3, my - 0.3), 6)), lw * 0.9, 0.3, 0.3)
    else:
        sc.line(H(quad((-mw * 0.35, my), (0, my + 1.0), (mw * 0.35, my), 7)), lw, 0.3, 0.3)


def _open_mouth(ctx: Ctx, my, mw, expr) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    o = ctx.pose.mouth_open
    if expr == "surprised":
        pts = ellipse(0, my + 1.5, mw * 0.22, mw * 0.3 * (0.7 + 0.5 * o), 14)
        sc.fill(H(pts), P["mouth"], outline=ctx.feat(0.8, 0.7), wobble=0.1)
        return
    w = mw * (0.62 if expr != "laugh" else 0.75)
    h = mw * (0.42 + 0.3 * o) * (1.15 if expr == "laugh" else 1.0)
    if expr == "angry":
        top = quad((-w / 2, my + 0.5), (0, my - 1.5), (w / 2, my + 0.5), 9)
    else:
        top = quad((-w / 2, my - 1.2), (0, my + 0.8), (w / 2, my - 1.2), 9)
    bot = cubic((w / 2, my - 1.2), (w * 0.4, my + h), (-w * 0.4, my + h), (-w / 2, my - 1.2), 11)[1:-1]
    pts = np.concatenate([top, bot])
    cp = H(pts)
    sc.fill(cp, P["mouth"])
    tongue = ellipse(0, my + h * 0.78, w * 0.32, h * 0.32, 14)
    sc.shade(cp, [(H(tongue), P["mouth"].highlight)])
    ww = np.concatenate([taper(len(top), ctx.feat(1.1, 0.8), 0.15, 0.15, 0.4), np.full(len(bot), ctx.feat(0.7, 0.6))])
    sc.stroke(cp, ww, closed=True)


def glasses(ctx: Ctx) -> None:
    P, H, sc = ctx.P, ctx.H, ctx.sc
    for side in (-1, 1):
        ew, eh, ex, tilt = _eye_geom(ctx, side)
        rim = ellipse(ex, -0.05 * eh, 0.72 * ew, 0.55 * eh, 26)
        cr = H(rim)
        ring = ribbon(cr, ctx.feat(1.6, 1.0), closed=True)
        sc.fill(ring, P["glasses"])
        inner = ribbon(H(ellipse(ex, -0.05 * eh, 0.72 * ew - 0.8, 0.55 * eh - 0.8, 26)), ctx.feat(0.5, 0.45), closed=True)
        outer = ribbon(H(ellipse(ex, -0.05 * eh, 0.72 * ew + 0.8, 0.55 * eh + 0.8, 26)), ctx.feat(0.5, 0.45), closed=True)
        sc.ink(inner)
        sc.ink(outer)
    ew, eh, ex, _ = _eye_geom(ctx, 1)
    bridge = quad((-ex + 0.72 * ew, -0.1 * eh), (0, -0.3 * eh), (ex - 0.72 * ew, -0.1 * eh), 6)
    sc.line(H(bridge), ctx.feat(1.4, 0.9), 0.0, 0.0, 1.0)
