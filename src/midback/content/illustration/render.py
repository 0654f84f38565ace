"""Draw an exercise as a standalone SVG: a still for print, or a CSS flipbook for the screen.

The animation is a flipbook: every in-between pose is its own `<g>`, and a CSS animation with
`steps(1, end)` switches their opacity in turn. Chromium, Firefox and Safari all run CSS
animations inside SVG (inline or as `<img>`), and `prefers-reduced-motion: reduce` turns them
off so only the start pose shows. No scripts, no external references.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal
from xml.sax.saxutils import escape

from midback.content.illustration.body import (
    RADII,
    Mat3,
    Skeleton,
    Vec3,
    View,
    add,
    apply,
    scale,
)
from midback.content.illustration.poses import (
    Arrow,
    Illustration,
    TurnArrow,
    exercise_name,
    ground,
    illustration,
    path,
    timing,
)
from midback.content.illustration.props import Box

Frame = Literal["start", "end"]
Point = tuple[float, float]

SCALE = 2.0  # SVG units per centimetre: whole units are then fine enough
MARGIN = 10.0  # centimetres of air around the drawing
COLOURS = {
    "background": "#f6f9f9",
    "near": "#23737b",  # the figure: calm teal
    "torso": "#1f6470",
    "far": "#8fc4c4",  # limbs on the far side, lighter so the near side reads first
    "accent": "#e07b39",  # movement arrows
    "floor": "#dde3e8",
    "floor_line": "#c3ccd4",
    "mat": "#cfe0dd",
    "wood": "#b9c3cc",
    "seat": "#cdd5dc",
    "top": "#d6dce2",
    "wall": "#e7ebef",
}


def _fmt(v: float) -> str:
    return str(round(v * SCALE))


def _pt(p: Point) -> str:
    return f"{_fmt(p[0])} {_fmt(-p[1])}"


def _column(m: Mat3, i: int) -> Vec3:
    return (m[0][i], m[1][i], m[2][i])


class _Camera:
    """Projects world points for one view and remembers the extent of what was drawn."""

    def __init__(self, view: View) -> None:
        self.m = view.matrix()
        # Near or far is judged looking level, so a raised camera does not make legs "far".
        self.level = View(yaw=view.yaw).matrix()
        self.elevation = view.elevation
        self.xs: list[float] = []
        self.ys: list[float] = []

    def project(self, p: Vec3, pad: float = 0.0) -> tuple[float, float, float]:
        x, y, d = apply(self.m, p)
        self.xs += [x - pad, x + pad]
        self.ys += [y - pad, y + pad]
        return x, y, d

    def xy(self, p: Vec3, pad: float = 0.0) -> Point:
        x, y, _ = self.project(p, pad)
        return x, y

    def direction(self, v: Vec3) -> Point:
        x, y, _ = apply(self.m, v)
        return x, y


# --- the figure ---------------------------------------------------------------------------------


def _path_d(points: Sequence[Point], closed: bool = False) -> str:
    d = "M" + "L".join(_pt(p) for p in points)
    return d + ("Z" if closed else "")


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _profile(t: float, table: Sequence[tuple[float, float]]) -> float:
    for (t0, v0), (t1, v1) in itertools.pairwise(table):
        if t <= t1:
            return _lerp(v0, v1, (t - t0) / (t1 - t0))
    return table[-1][1]


# Half-width (side to side) and half-depth (front to back) of the torso from hip to neck.
_WIDTH = ((0.0, 14.0), (0.35, 12.5), (0.75, 15.5), (1.0, 16.0))
_DEPTH = ((0.0, 10.5), (0.4, 9.0), (0.75, 10.5), (1.0, 7.5))
_ROUNDING = 3.0  # centimetres of round stroke added around the torso outline


def _torso_outline(cam: _Camera, sk: Skeleton) -> list[Point]:
    """Silhouette of the torso: a tube along a curve through hip centre, waist and neck base."""
    h, w, c = sk.points["hip_centre"], sk.points["waist"], sk.points["neck_base"]
    ctrl = [2 * w[k] - (h[k] + c[k]) / 2 for k in range(3)]
    n = 8  # enough for a smooth back at print size, few enough to keep animations small
    centres: list[Point] = []
    for i in range(n + 1):
        t = i / n
        q = [(1 - t) ** 2 * h[k] + 2 * (1 - t) * t * ctrl[k] + t**2 * c[k] for k in range(3)]
        centres.append(cam.xy((q[0], q[1], q[2]), 12.0))
    left: list[Point] = []
    right: list[Point] = []
    ends: list[tuple[Point, Point, float]] = []
    for i, (cx, cy) in enumerate(centres):
        t = i / n
        px, py = centres[max(i - 1, 0)]
        qx, qy = centres[min(i + 1, n)]
        length = math.hypot(qx - px, qy - py) or 1.0
        tx, ty = (qx - px) / length, (qy - py) / length
        nx, ny = -ty, tx
        # Project the body's side-to-side and front-to-back half-axes, blended hip to chest.
        lateral = [_lerp(_column(sk.pelvis, 0)[k], _column(sk.chest, 0)[k], t) for k in range(3)]
        forward = [_lerp(_column(sk.pelvis, 2)[k], _column(sk.chest, 2)[k], t) for k in range(3)]
        ax, ay = cam.direction((lateral[0], lateral[1], lateral[2]))
        bx, by = cam.direction((forward[0], forward[1], forward[2]))
        wide = _profile(t, _WIDTH) - _ROUNDING / 2
        deep = _profile(t, _DEPTH) - _ROUNDING / 2
        e = math.hypot((ax * nx + ay * ny) * wide, (bx * nx + by * ny) * deep)
        left.append((cx + nx * e, cy + ny * e))
        right.append((cx - nx * e, cy - ny * e))
        if i in (0, n):
            ends.append(((tx, ty), (nx, ny), e))
    outline = left + _cap(centres[-1], *ends[1], 0.45, 1.0) + right[::-1]
    return outline + _cap(centres[0], *ends[0], 0.8, -1.0)


def _cap(
    centre: Point, tangent: Point, normal: Point, extent: float, depth: float, sign: float
) -> list[Point]:
    """Half an ellipse closing one end of the torso tube (sign 1 at the top, -1 at the bottom)."""
    pts = []
    for k in range(1, 6):
        a = math.pi * k / 6
        along = sign * extent * depth * math.sin(a)
        across = sign * extent * math.cos(a)
        pts.append(
            (
                centre[0] + normal[0] * across + tangent[0] * along,
                centre[1] + normal[1] * across + tangent[1] * along,
            )
        )
    return pts


# Styles go through short class names ("s" stroke or "f" filled, a colour letter, a width), so the
# dozens of animation frames stay small; `_css` writes the rules for the names a document uses.
_ROLE_LETTER = {"near": "n", "far": "r", "background": "h", "torso": "t", "accent": "a"}
_LETTER_ROLE = {v: k for k, v in _ROLE_LETTER.items()}


def _cls(role: str, radius: float, *, filled: bool = False) -> str:
    return f"{'f' if filled else 's'}{_ROLE_LETTER[role]}{_fmt(radius * 2)}"


def _css(body: str) -> str:
    rules = []
    for kind, letter, width in sorted(set(re.findall(r'class="([sf])([a-z])(\d+)"', body))):
        colour = COLOURS[_LETTER_ROLE[letter]]
        fill = f"fill:{colour};" if kind == "f" else ""
        rules.append(f".{kind}{letter}{width}{{{fill}stroke:{colour};stroke-width:{width}}}")
    return "".join(rules)


def _stroke(points: Sequence[Point], radius: float, role: str) -> str:
    return f'<path class="{_cls(role, radius)}" d="{_path_d(points)}"/>'


def _figure(cam: _Camera, sk: Skeleton, *, ghost: bool = False) -> str:
    """One posed figure; parts are drawn back to front so near limbs overlap far ones."""
    p = sk.points
    items: list[tuple[float, str]] = []
    depth = {k: cam.project(v, 6.0)[2] for k, v in p.items()}
    torso_depth = (depth["hip_centre"] + depth["neck_base"]) / 2
    level = {k: apply(cam.level, v)[2] for k, v in p.items()}
    torso_level = (level["hip_centre"] + level["neck_base"]) / 2

    def colour_for(names: Sequence[str]) -> str:
        far = sum(level[n] for n in names) / len(names) < torso_level - 4.0
        return "far" if far else "near"

    def chain(names: Sequence[str], radii: Sequence[float]) -> tuple[float, str]:
        pts = [cam.xy(p[n], 7.0) for n in names]
        d = sum(depth[n] for n in names) / len(names)
        colour = colour_for(names)
        halo = "".join(
            _stroke(pts[i : i + 2], radii[i] + 1.2, "background") for i in range(len(radii))
        )
        body = "".join(_stroke(pts[i : i + 2], radii[i], colour) for i in range(len(radii)))
        return d, halo + body

    for side in ("left", "right"):
        items.append(
            chain(
                [f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist", f"{side}_index"],
                [RADII["upper_arm"], RADII["forearm"], RADII["hand"]],
            )
        )
        leg_d, leg = chain(
            [f"{side}_hip", f"{side}_knee", f"{side}_ankle"], [RADII["thigh"], RADII["shin"]]
        )
        foot = [cam.xy(p[f"{side}_{n}"], 4.0) for n in ("ankle", "heel", "foot_index")]
        r = RADII["foot"]
        foot_colour = colour_for([f"{side}_hip", f"{side}_knee", f"{side}_ankle"])
        foot_d = _path_d(foot, True)
        foot_svg = f'<path class="{_cls(foot_colour, r, filled=True)}" d="{foot_d}"/>'
        halo = f'<path class="{_cls("background", r + 1.2, filled=True)}" d="{foot_d}"/>'
        items.append((leg_d, halo + foot_svg + leg))

    outline = _path_d(_torso_outline(cam, sk), True)
    rounding = _ROUNDING / 2
    torso = (
        f'<path class="{_cls("background", rounding + 1.2, filled=True)}" d="{outline}"/>'
        f'<path class="{_cls("torso", rounding, filled=True)}" d="{outline}"/>'
    )
    # Shoulder blades show only when the back faces the viewer (the W squeeze is seen from behind).
    facing = apply(cam.m, _column(sk.chest, 2))[2]
    if facing < -0.3:
        blades = ""
        for side in ("left", "right"):
            up = _column(sk.chest, 1)
            top = add(p[f"{side}_scapula"], scale(up, 5.0))
            low = add(p[f"{side}_scapula"], scale(up, -5.0))
            blades += _stroke([cam.xy(top), cam.xy(low)], 1.6, "far")
        torso += blades
    neck = [cam.xy(p["neck_base"]), cam.xy(p["head_base"])]
    items.append((torso_depth - 0.01, _stroke(neck, RADII["neck"], "torso")))
    items.append((torso_depth, torso))

    hx, hy = cam.xy(p["head_centre"], RADII["head"] + 1)
    head_d = depth["head_centre"]
    r = RADII["head"]
    head = (
        f'<circle cx="{_fmt(hx)}" cy="{_fmt(-hy)}" r="{_fmt(r + 1.2)}" fill="{COLOURS["background"]}"/>'
        f'<circle cx="{_fmt(hx)}" cy="{_fmt(-hy)}" r="{_fmt(r)}" fill="{COLOURS["near"]}"/>'
    )
    # Nose and ears are small bumps: they show which way the head faces in every view.
    behind, front = "", ""
    for name, size in (("nose", 2.6), ("left_ear", 2.4), ("right_ear", 2.4)):
        x, y = cam.xy(p[name])
        dot = f'<circle cx="{_fmt(x)}" cy="{_fmt(-y)}" r="{_fmt(size)}" fill="{COLOURS["near"]}"/>'
        if depth[name] < head_d - 2.0:
            behind += dot
        elif name == "nose":
            front += dot
    items.append((head_d + 0.5, behind + head + front))

    items.sort(key=lambda item: item[0])
    body = "".join(svg for _, svg in items)
    if ghost:
        return f'<g opacity=".16">{body}</g>'
    return body


# --- props, floor and arrows --------------------------------------------------------------------

_FACES = (  # corner indices (bit 0: x, bit 1: y, bit 2: z) and the outward normal
    ((0, 2, 6, 4), (-1.0, 0.0, 0.0)),
    ((1, 5, 7, 3), (1.0, 0.0, 0.0)),
    ((0, 4, 5, 1), (0.0, -1.0, 0.0)),
    ((2, 3, 7, 6), (0.0, 1.0, 0.0)),
    ((0, 1, 3, 2), (0.0, 0.0, -1.0)),
    ((4, 6, 7, 5), (0.0, 0.0, 1.0)),
)


def _shade(hex_colour: str, factor: float) -> str:
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    out = [
        round(min(255, max(0, c * factor if factor < 1 else c + (255 - c) * (factor - 1))))
        for c in rgb
    ]
    return "#" + "".join(f"{c:02x}" for c in out)


def _boxes(cam: _Camera, boxes: Iterable[Box]) -> str:
    """Visible faces of each box, farthest box first; tops are lighter, like soft daylight."""
    drawn = []
    for box in boxes:
        corners = [
            (
                box.hi[0] if i & 1 else box.lo[0],
                box.hi[1] if i & 2 else box.lo[1],
                box.hi[2] if i & 4 else box.lo[2],
            )
            for i in range(8)
        ]
        centre = tuple((box.lo[k] + box.hi[k]) / 2 for k in range(3))
        depth = cam.project((centre[0], centre[1], centre[2]))[2]
        svg = []
        for idx, normal in _FACES:
            facing = apply(cam.m, normal)[2]
            if facing <= 1e-6:
                continue
            pts = [cam.xy(corners[i]) for i in idx]
            tone = COLOURS[box.tone]
            fill = _shade(tone, 1.25 if normal[1] > 0 else (0.93 if normal[0] else 1.0))
            svg.append(f'<path d="{_path_d(pts, True)}" fill="{fill}"/>')
        drawn.append((depth, "".join(svg)))
    drawn.sort(key=lambda item: item[0])
    return "".join(svg for _, svg in drawn)


def _floor(cam: _Camera, x0: float, x1: float) -> str:
    """A soft floor band; with a raised camera the floor plane shows as a strip below the feet."""
    y = 0.0
    drop = 8.0 + 40.0 * math.sin(math.radians(cam.elevation))
    return (
        f'<rect x="{_fmt(x0)}" y="{_fmt(-y)}" width="{_fmt(x1 - x0)}" height="{_fmt(drop)}" '
        f'fill="{COLOURS["floor"]}"/>'
        f'<path d="M{_fmt(x0)} {_fmt(-y)}H{_fmt(x1)}" stroke="{COLOURS["floor_line"]}" '
        f'stroke-width="2"/>'
    )


def _arrow_head(tip: Point, towards: Point, size: float = 4.2) -> str:
    dx, dy = tip[0] - towards[0], tip[1] - towards[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    base = (tip[0] - ux * size * 1.3, tip[1] - uy * size * 1.3)
    left = (base[0] - uy * size, base[1] + ux * size)
    right = (base[0] + uy * size, base[1] - ux * size)
    tip_out = (tip[0] + ux * 0.8, tip[1] + uy * 0.8)
    return f'<path d="{_path_d([tip_out, left, right], True)}" fill="{COLOURS["accent"]}"/>'


def _arrow_line(points: Sequence[Point]) -> str:
    return _stroke(points, 2.6, "background") + _stroke(points, 1.3, "accent")


def _arrow(cam: _Camera, arrow: Arrow | TurnArrow, first: Skeleton, last: Skeleton) -> str:
    if isinstance(arrow, TurnArrow):
        cx, cy, cz = first.points[arrow.point]
        pts = []
        for k in range(25):
            a = math.radians(_lerp(arrow.start, arrow.end, k / 24))
            pts.append(
                cam.xy(
                    (
                        cx + arrow.radius * math.sin(a),
                        cy + arrow.lift,
                        cz + arrow.radius * math.cos(a),
                    )
                )
            )
        return _arrow_line(pts[:-1]) + _arrow_head(pts[-1], pts[-3])
    ox, oy = arrow.offset
    sx, sy = cam.xy(first.points[arrow.point])
    ex, ey = cam.xy(last.points[arrow.point])
    start, end = (sx + ox, sy + oy), (ex + ox, ey + oy)
    length = math.dist(start, end)
    if length < 0.5:
        return ""
    if length < arrow.min_length:
        grow = (arrow.min_length - length) / 2 / length
        dx, dy = end[0] - start[0], end[1] - start[1]
        start = (start[0] - dx * grow, start[1] - dy * grow)
        end = (end[0] + dx * grow, end[1] + dy * grow)
        length = arrow.min_length
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    nx, ny = -(end[1] - start[1]) / length, (end[0] - start[0]) / length
    ctrl = (mid[0] + nx * arrow.bend * length, mid[1] + ny * arrow.bend * length)
    curve = []
    for k in range(17):
        t = k / 16
        curve.append(
            (
                (1 - t) ** 2 * start[0] + 2 * (1 - t) * t * ctrl[0] + t**2 * end[0],
                (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * ctrl[1] + t**2 * end[1],
            )
        )
    keep = [
        q for q in curve if math.dist(q, start) >= arrow.trim and math.dist(q, end) >= arrow.trim
    ]
    if len(keep) < 3:
        keep = curve
    for q in keep:
        cam.xs.append(q[0])
        cam.ys.append(q[1])
    return _arrow_line(keep[:-1]) + _arrow_head(keep[-1], keep[-3])


# Top views, looking straight down: for turns the figure faces the bottom of the badge; for the
# wide knees it faces right, as in the side view beside it.
_TOP = {"turn": View(yaw=0.0, elevation=90.0), "knees": View(yaw=90.0, elevation=90.0)}
_INSET_ORIGIN = {"turn": "neck_base", "knees": "waist"}
_INSET_SCALE = {"turn": 0.6, "knees": 0.42}
_INSET_RADIUS = 24.0


def _inset_centre(cam: _Camera, first: Skeleton) -> Point:
    """Where the top-view badge goes: level with the head, clear of the figure on the right."""
    xs = [cam.xy(p)[0] for p in first.points.values()]
    ys = [cam.xy(p)[1] for p in first.points.values()]
    centre = (max(xs) + _INSET_RADIUS + 14.0, max(ys) - _INSET_RADIUS + 8.0)
    cam.xs += [centre[0] - _INSET_RADIUS - 2, centre[0] + _INSET_RADIUS + 2]
    cam.ys += [centre[1] - _INSET_RADIUS - 2, centre[1] + _INSET_RADIUS + 2]
    return centre


def _inset_badge(centre: Point) -> str:
    cx, cy = centre
    return (
        f'<circle cx="{_fmt(cx)}" cy="{_fmt(-cy)}" r="{_fmt(_INSET_RADIUS)}" fill="#fff" '
        f'stroke="{COLOURS["floor_line"]}" stroke-width="2"/>'
    )


def _inset_mapper(kind: str, centre: Point, sk: Skeleton) -> Callable[[str], Point]:
    view, scale = _TOP[kind], _INSET_SCALE[kind]
    ox, oy, _ = view.project(sk.points[_INSET_ORIGIN[kind]])

    def at(name: str) -> Point:
        x, y, _ = view.project(sk.points[name])
        return centre[0] + (x - ox) * scale, centre[1] + (y - oy) * scale

    return at


def _inset_figure(kind: str, centre: Point, sk: Skeleton) -> str:
    """The body seen from above: shoulders turning, or knees apart with the chest between."""
    at = _inset_mapper(kind, centre, sk)
    scale = _INSET_SCALE[kind]
    hx, hy = at("head_centre")
    nx, ny = at("nose")
    head = (
        f'<circle cx="{_fmt(hx)}" cy="{_fmt(-hy)}" r="{_fmt(RADII["head"] * scale)}" '
        f'fill="{COLOURS["torso"]}"/>'
        f'<circle cx="{_fmt(nx)}" cy="{_fmt(-ny)}" r="{_fmt(1.8)}" fill="{COLOURS["torso"]}"/>'
    )
    if kind == "turn":
        hips = _stroke([at("left_hip"), at("right_hip")], 4.0, "far")
        shoulders = _stroke([at("left_shoulder"), at("right_shoulder")], 3.2, "near")
        return hips + shoulders + head
    legs = "".join(
        _stroke([at(f"{side}_hip"), at(f"{side}_knee"), at(f"{side}_ankle")], 3.0, role)
        for side, role in (("left", "far"), ("right", "near"))
    )
    torso = _stroke([at("hip_centre"), at("waist"), at("neck_base")], 5.0, "torso")
    return legs + torso + head


def _inset_arrow(kind: str, centre: Point, first: Skeleton, last: Skeleton) -> str:
    """Turns: an arc around the front of the badge. Knees: the chest moving between them."""
    if kind == "knees":
        a = _inset_mapper(kind, centre, first)("neck_base")
        b = _inset_mapper(kind, centre, last)("neck_base")
        a, b = (a[0] + 2.0, a[1] + 9.0), (b[0] + 8.0, b[1] + 9.0)
        return _arrow_line([a, b]) + _arrow_head(b, a, 3.0)

    view = _TOP[kind]

    def heading(sk: Skeleton) -> float:
        lx, ly, _ = view.project(sk.points["left_shoulder"])
        rx, ry, _ = view.project(sk.points["right_shoulder"])
        return math.atan2(ly - ry, lx - rx)

    # The arc runs around the front of the badge, where the nose points; it starts a little
    # early so even a modest turn gets an arrow long enough to read.
    a0 = heading(first) - math.pi / 2 - math.radians(20)
    a1 = heading(last) - math.pi / 2
    r = _INSET_RADIUS - 4.0
    pts = [
        (
            centre[0] + r * math.cos(_lerp(a0, a1, k / 16)),
            centre[1] + r * math.sin(_lerp(a0, a1, k / 16)),
        )
        for k in range(17)
    ]
    return _arrow_line(pts[:-1]) + _arrow_head(pts[-1], pts[-3], 3.0)


# --- documents ----------------------------------------------------------------------------------


def _document(
    ill: Illustration, cam: _Camera, title: str, style: str, layers: Sequence[str]
) -> str:
    """Wrap drawn layers in an SVG sized to what was drawn (the camera tracked the extent)."""
    x0, x1 = min(cam.xs) - MARGIN, max(cam.xs) + MARGIN
    y0, y1 = min(cam.ys) - MARGIN, max(cam.ys) + MARGIN
    y0 = min(y0, -14.0)
    floor = _floor(cam, x0, x1)
    body = "".join(layers)
    width, height = (x1 - x0) * SCALE, (y1 - y0) * SCALE
    view_box = f"{_fmt(x0)} {_fmt(-y1)} {round(width)} {round(height)}"
    bg = (
        f'<rect x="{_fmt(x0)}" y="{_fmt(-y1)}" width="{round(width)}" height="{round(height)}" '
        f'rx="24" fill="{COLOURS["background"]}"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" role="img" '
        f'aria-labelledby="{ill.slug}-title">'
        f'<title id="{ill.slug}-title">{escape(title)}</title>'
        f"<style>{style}{_css(body)}</style>"
        f"{bg}{floor}{body}</svg>"
    )


# `:where` keeps the default at zero specificity, so the fill classes win over it.
_BASE_STYLE = "path{stroke-linecap:round;stroke-linejoin:round}:where(path:not([fill])){fill:none}"


def _prefix(slug: str) -> str:
    # Class and keyframe names are global when several SVGs are inlined in one page.
    return "i" + hashlib.sha1(slug.encode()).hexdigest()[:5]


def render_svg(slug: str, frame: Frame | None = None) -> str:
    """The exercise as an SVG document: a still of its start or end, or animated (None)."""
    ill = illustration(slug)
    name = exercise_name(slug)
    cam = _Camera(ill.view)
    first_pose, last_pose = ill.keyframes[0].pose, ill.keyframes[-1].pose
    first, last = ground(first_pose, ill.support), ground(last_pose, ill.support)
    props = _boxes(cam, (box for prop in ill.props for box in prop.boxes()))
    arrows = "".join(_arrow(cam, a, first, last) for a in ill.arrows)
    inset: Point | None = None
    kind = ill.inset
    if kind is not None:
        inset = _inset_centre(cam, first)
        props += _inset_badge(inset)
        arrows += _inset_arrow(kind, inset, first, last)

    def figure(sk: Skeleton, *, ghost: bool = False) -> str:
        drawn = _figure(cam, sk, ghost=ghost)
        if kind is not None and inset is not None and not ghost:
            drawn += _inset_figure(kind, inset, sk)
        return drawn

    if frame == "start":
        title = f"{name}: start position ({ill.keyframes[0].name})"
        return _document(ill, cam, title, _BASE_STYLE, [props, figure(first)])
    if frame == "end":
        title = f"{name}: end position ({ill.keyframes[-1].name}), arrow shows the movement"
        layers = [props, figure(first, ghost=True), figure(last), arrows]
        return _document(ill, cam, title, _BASE_STYLE, layers)
    if frame is not None:
        raise ValueError(f"frame must be 'start', 'end' or None, not {frame!r}")
    return _animated(ill, cam, name, props, arrows, figure)


def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _animated(
    ill: Illustration,
    cam: _Camera,
    name: str,
    props: str,
    arrows: str,
    figure: Callable[[Skeleton], str],
) -> str:
    poses = path(ill)
    last = len(poses) - 1
    t = timing(ill.slug)
    # The show: pause on the start, move there, pause on the end, move back.
    slots = [(0, t.pause_start)]
    slots += [(i, t.forward / last) for i in range(1, last)]
    slots += [(last, t.pause_end + t.forward / last)]
    slots += [(i, t.back / last) for i in range(last - 1, 0, -1)]
    slots[0] = (0, t.pause_start + t.back / last)
    total = sum(d for _, d in slots)
    windows: dict[int, list[tuple[float, float]]] = {i: [] for i in range(last + 1)}
    clock = 0.0
    for index, duration in slots:
        windows[index].append((clock / total * 100, (clock + duration) / total * 100))
        clock += duration

    p = _prefix(ill.slug)
    css = [
        _BASE_STYLE,
        f".{p}{{opacity:0;animation:{total:.2f}s steps(1,end) infinite}}",
        f".{p}0{{opacity:1}}",
    ]
    groups = []
    for index, pose in enumerate(poses):
        stops = []
        # Outside its windows a frame falls back to its base opacity (0, or 1 for the start).
        for start, end in windows[index]:
            stops.append(f"{_pct(start)}{{opacity:1}}")
            if end < 99.995:
                stops.append(f"{_pct(end)}{{opacity:0}}")
        css.append(f"@keyframes {p}k{index}{{{''.join(stops)}}}")
        css.append(f".{p}{index}{{animation-name:{p}k{index}}}")
        drawn = figure(ground(pose, ill.support))
        groups.append(f'<g class="{p} {p}{index}">{drawn}</g>')
    css.append(
        f"@media (prefers-reduced-motion:reduce){{.{p}{{animation:none;opacity:0}}.{p}0{{opacity:1}}}}"
    )
    title = f"{name}: animation from {ill.keyframes[0].name} to {ill.keyframes[-1].name} and back"
    return _document(ill, cam, title, "".join(css), [props, *groups, arrows])
