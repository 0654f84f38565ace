"""The camera coach's numbers, taken from the body model: what each exercise measures, its
start and end values (the keyframes, as the drawing uses them), and landmark sequences with
known truth for testing and benchmarking the coach.

Plain Python, no Django. The measures here are written the same way as the coach's own
(`practice/static/practice/coach/measures.js`); the targets file is checked against this module
by a test, and the JS tests check the JS measures against the numbers this module writes.

Landmarks are in BlazePose's "world" form: metres, origin between the hips, x to the right of
the image, y down, z away from the camera, one `[x, y, z, score]` per BlazePose landmark.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from midback.content.illustration.body import (
    BLAZEPOSE_LANDMARKS,
    Pose,
    Vec3,
    _rot,
    apply,
    forward_kinematics,
    interpolate,
    joint_angles,
)
from midback.content.illustration.poses import ILLUSTRATIONS, _mix_plants, plant_hands
from midback.content.loader import LIBRARY_DIR, load_file

Measure = Literal["hip_angle", "back_curve", "arm_elevation", "trunk_turn", "arm_plane"]
INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}

# What the coach measures for each exercise, and in plain words what that is.
MEASURES: dict[str, Measure] = {
    "cat-camel": "back_curve",
    "seated-cat-camel": "back_curve",
    "thoracic-extension": "hip_angle",
    "thoracic-extension-arms-crossed": "hip_angle",
    "seated-twist": "trunk_turn",
    "seated-rotation-upright": "trunk_turn",
    "wall-angel": "arm_elevation",
    "wall-slide-low": "arm_elevation",
    "childs-pose": "hip_angle",
    "childs-pose-wide-knee": "hip_angle",
    "childs-pose-arms-back": "hip_angle",
    "w-squeeze": "arm_plane",
    "table-forward-reach": "hip_angle",
    "seated-chest-opener": "arm_elevation",
}
MEASURE_WORDS: dict[Measure, str] = {
    "hip_angle": "angle between the trunk and the thighs (shoulders-hips-knees)",
    "back_curve": "curve from the hips through the shoulders to the head (hips-shoulders-nose)",
    "arm_elevation": "angle of the upper arms from the sides of the trunk",
    "trunk_turn": "turn of the shoulder line against the hip line",
    "arm_plane": "how far the elbows go back from straight ahead",
}
# Where to put the phone or laptop for each exercise.
PLACEMENT: dict[str, str] = {
    "hip_angle": "side",
    "back_curve": "side",
    "arm_elevation": "front",
    "trunk_turn": "front",
    "arm_plane": "front",
}


# --- geometry (mirrored in measures.js) -------------------------------------------------------


def _sub(a: Vec3, b: Vec3) -> Vec3:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _mid(a: Vec3, b: Vec3) -> Vec3:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


def _dot(a: Vec3, b: Vec3) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec3, b: Vec3) -> Vec3:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _norm(a: Vec3) -> Vec3:
    n = math.sqrt(_dot(a, a)) or 1.0
    return (a[0] / n, a[1] / n, a[2] / n)


def _angle(a: Vec3, b: Vec3) -> float:
    c = _dot(_norm(a), _norm(b))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def _flat(v: Vec3, axis: Vec3) -> Vec3:
    """`v` without its component along the unit vector `axis`."""
    d = _dot(v, axis)
    return (v[0] - axis[0] * d, v[1] - axis[1] * d, v[2] - axis[2] * d)


def measure(name: Measure, p: dict[str, Vec3]) -> float:
    """One measure, in degrees, from named 3D points (any right-handed frame, any units)."""
    hips = _mid(p["left_hip"], p["right_hip"])
    shoulders = _mid(p["left_shoulder"], p["right_shoulder"])
    if name == "hip_angle":
        knees = _mid(p["left_knee"], p["right_knee"])
        return _angle(_sub(shoulders, hips), _sub(knees, hips))
    if name == "back_curve":
        return _angle(_sub(hips, shoulders), _sub(p["nose"], shoulders))
    if name == "arm_elevation":
        return (
            sum(
                _angle(_sub(p[f"{s}_elbow"], p[f"{s}_shoulder"]), _sub(hips, shoulders))
                for s in ("left", "right")
            )
            / 2
        )
    up = _norm(_sub(shoulders, hips))
    if name == "trunk_turn":
        h = _flat(_sub(p["left_hip"], p["right_hip"]), up)
        s = _flat(_sub(p["left_shoulder"], p["right_shoulder"]), up)
        return math.degrees(math.atan2(_dot(_cross(h, s), up), _dot(h, s)))
    # arm_plane: 0 straight ahead, 90 out to the side, more than 90 behind the shoulder line.
    across = _sub(p["left_shoulder"], p["right_shoulder"])
    forward = _norm(_cross(across, up))
    total = 0.0
    for side, sign in (("left", 1.0), ("right", -1.0)):
        arm = _flat(_sub(p[f"{side}_elbow"], p[f"{side}_shoulder"]), up)
        lateral = _dot(arm, _norm(across)) * sign
        total += math.degrees(math.atan2(lateral, _dot(arm, forward)))
    return total / 2


# --- from the body model to BlazePose's world frame -----------------------------------------


def world_points(pose: Pose, yaw: float = 0.0, pitch: float = 0.0) -> dict[str, Vec3]:
    """BlazePose-named points in metres, as a camera `yaw` degrees round from the figure's
    front and `pitch` degrees above it sees them (x right, y down, z away from the camera)."""
    skeleton = forward_kinematics(pose)
    hips = _mid(skeleton.points["left_hip"], skeleton.points["right_hip"])
    turn = _rot("y", -yaw)
    tilt = _rot("x", pitch)
    out = {}
    for name in BLAZEPOSE_LANDMARKS:
        v = apply(tilt, apply(turn, _sub(skeleton.points[name], hips)))
        # Facing the camera, the figure's left is the image's right; up is -y; forward is -z.
        out[name] = (v[0] / 100.0, -v[1] / 100.0, -v[2] / 100.0)
    return out


def exercise_kind(slug: str) -> tuple[Literal["reps", "hold"], bool]:
    """Whether the exercise is counted in reps or timed as a hold, and whether it has sides."""
    spec = load_file(LIBRARY_DIR / f"{slug}.toml")
    kind: Literal["reps", "hold"] = "hold" if spec.dose.hold_seconds else "reps"
    return kind, bool(spec.dose.per_side)


@cache
def targets() -> dict[str, Any]:
    """Every illustrated exercise's measure with its start and end values, from the keyframes."""
    exercises = {}
    for slug, ill in ILLUSTRATIONS.items():
        name = MEASURES[slug]
        keys = [
            {
                "name": k.name,
                "joint_angles": {a: round(v, 2) for a, v in joint_angles(k.pose).items()},
                "value": round(measure(name, world_points(k.pose)), 2),
            }
            for k in ill.keyframes
        ]
        kind, sides = exercise_kind(slug)
        exercises[slug] = {
            "measure": name,
            "measure_words": MEASURE_WORDS[name],
            "placement": PLACEMENT[name],
            "kind": kind,
            "sides": sides,
            "start": keys[0]["value"],
            "end": keys[-1]["value"],
            "keyframes": keys,
        }
    return {
        "about": "Made by `midback coachtargets` from the body model's keyframes; do not edit.",
        "landmarks": list(BLAZEPOSE_LANDMARKS),
        "exercises": exercises,
    }


# --- landmark sequences with known truth ----------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """How a generated sequence is spoiled: all zero gives the clean body model."""

    noise_m: float = 0.0  # standard deviation of every coordinate, metres (depth gets twice)
    jitter: float = 0.0  # share of frames where one landmark jumps away
    dropped: float = 0.0  # share of frames the model returns nothing for
    occlusions: int = 0  # short spells (0.4 s) where arms or legs score low
    yaw: float = 0.0
    pitch: float = 0.0
    size: float = 1.0  # body proportions: the whole figure scaled
    arm_ratio: float = 1.0  # arms longer or shorter against the trunk


def _pose_at(slug: str, t: float, side: str | None) -> Pose:
    """The pose a fraction `t` (0 start, 1 end) along the exercise's keyframes."""
    ill = ILLUSTRATIONS[slug]
    keys = ill.keyframes
    u = t * (len(keys) - 1)
    k = min(int(u), len(keys) - 2)
    a, b, f = keys[k], keys[k + 1], u - k
    pose = interpolate(a.pose, b.pose, f)
    if a.plants and len(a.plants) == len(b.plants):
        pose = plant_hands(pose, ill.support, _mix_plants(a.plants, b.plants, f))
    if side == "right":
        pose = Pose(
            **{**{n: getattr(pose, n) for n in ("lower_spine", "upper_spine", "neck", "head")}},
            trunk_rotation=-pose.trunk_rotation,
            neck_rotation=-pose.neck_rotation,
            left=pose.right,
            right=pose.left,
        )
    return pose


def _ease(x: float) -> float:
    return (1.0 - math.cos(math.pi * min(1.0, max(0.0, x)))) / 2.0


def sequence(
    slug: str,
    *,
    reps: int = 5,
    hold_seconds: float = 0.0,
    amplitudes: tuple[float, ...] = (1.0,),
    out_seconds: float = 0.0,
    side: str | None = None,
    conditions: Conditions = Conditions(),
    fps: float = 30.0,
    seed: int = 1,
) -> dict[str, Any]:
    """Frames of `reps` movements (or one hold) and the truth to compare the coach with.

    Each rep goes from the start to `amplitude` of the way to the end (cycling `amplitudes`) and
    back. A hold moves in, stays `hold_seconds` (sagging out of position for `out_seconds` in
    the middle) and comes back. Truth: reps, each rep's range (peak to trough of the clean
    measure), the best range, and the seconds spent held (measured from the clean values with
    the coach's own tolerance).
    """
    rng = random.Random(seed)
    name = MEASURES[slug]
    move, rest = 2.6, 0.8
    plan: list[tuple[float, float, float]] = []  # (duration, from t, to t)
    plan.append((1.0, 0.0, 0.0))
    if hold_seconds:
        plan.append((move, 0.0, amplitudes[0]))
        first = (hold_seconds - out_seconds) / 2
        plan.append((first, amplitudes[0], amplitudes[0]))
        if out_seconds:
            plan += [
                (0.8, amplitudes[0], 0.3),
                (out_seconds - 1.6, 0.3, 0.3),
                (0.8, 0.3, amplitudes[0]),
            ]
        plan.append((hold_seconds - out_seconds - first, amplitudes[0], amplitudes[0]))
        plan.append((move, amplitudes[0], 0.0))
    else:
        for r in range(reps):
            a = amplitudes[r % len(amplitudes)]
            plan += [
                (move * a + 0.4, 0.0, a),
                (0.4, a, a),
                (move * a + 0.4, a, 0.0),
                (rest, 0.0, 0.0),
            ]
    plan.append((1.0, 0.0, 0.0))

    frames: list[list[list[float]] | None] = []
    clean: list[float] = []
    dt = 1.0 / fps
    occluded: set[int] = set()
    total = sum(d for d, _, _ in plan)
    n_frames = int(total * fps)
    for _ in range(conditions.occlusions):
        start = rng.randrange(n_frames)
        occluded.update(range(start, start + int(0.4 * fps)))
    time = 0.0
    for duration, t0, t1 in plan:
        count = max(1, round(duration * fps))
        for i in range(count):
            t = t0 + (t1 - t0) * _ease((i + 1) / count)
            pose = _pose_at(slug, t, side)
            truth = world_points(pose)
            clean.append(measure(name, truth))
            pts = world_points(pose, conditions.yaw, conditions.pitch)
            frames.append(_spoil(pts, len(frames), conditions, occluded, rng))
            time += dt
    return {
        "slug": slug,
        "side": side,
        "fps": fps,
        "frames": frames,
        "clean": [round(v, 3) for v in clean],
        "truth": truth_of(slug, clean, fps, side),
    }


def _spoil(
    pts: dict[str, Vec3], i: int, c: Conditions, occluded: set[int], rng: random.Random
) -> list[list[float]] | None:
    if c.dropped and rng.random() < c.dropped:
        return None
    out = []
    jump = rng.randrange(len(BLAZEPOSE_LANDMARKS)) if c.jitter and rng.random() < c.jitter else -1
    hips = _mid(pts["left_hip"], pts["right_hip"])
    for j, name in enumerate(BLAZEPOSE_LANDMARKS):
        x, y, z = pts[name]
        # Proportions: the limbs scaled about their roots, the whole figure by `size`.
        if c.arm_ratio != 1.0 and ("elbow" in name or "wrist" in name):
            sx, sy, sz = pts[name.split("_")[0] + "_shoulder"]
            x, y, z = (
                sx + (x - sx) * c.arm_ratio,
                sy + (y - sy) * c.arm_ratio,
                sz + (z - sz) * c.arm_ratio,
            )
        x, y, z = (
            hips[0] + (x - hips[0]) * c.size,
            hips[1] + (y - hips[1]) * c.size,
            hips[2] + (z - hips[2]) * c.size,
        )
        if c.noise_m:
            x += rng.gauss(0, c.noise_m)
            y += rng.gauss(0, c.noise_m)
            z += rng.gauss(0, c.noise_m * 2)
        if j == jump:
            x += rng.choice((-1, 1)) * 0.12
            y += rng.choice((-1, 1)) * 0.12
        score = 0.95
        if i in occluded and any(part in name for part in ("wrist", "elbow", "knee", "ankle")):
            score = 0.2
        out.append([round(x, 4), round(y, 4), round(z, 4), score])
    return out


HI, LO, HOLD = 0.7, 0.3, 0.75  # the coach's hysteresis and hold tolerance (shares of the range)


def truth_of(slug: str, clean: list[float], fps: float, side: str | None) -> dict[str, Any]:
    """Reps, per-rep ranges and held seconds from clean values, with the coach's thresholds."""
    spec = targets()["exercises"][slug]
    start, end = spec["start"], spec["end"]
    if side == "right":
        start, end = -start, -end
    span = end - start
    reps, ranges, held = 0, [], 0.0
    high = False
    lo_v = hi_v = clean[0]
    for v in clean:
        p = (v - start) / span
        lo_v, hi_v = min(lo_v, v), max(hi_v, v)
        if p >= HOLD:
            held += 1.0 / fps
        if not high and p >= HI:
            high = True
        elif high and p <= LO:
            high = False
            reps += 1
            ranges.append(round(hi_v - lo_v, 2))
            lo_v = hi_v = v
    return {
        "reps": reps,
        "ranges": ranges,
        "best_range": max(ranges) if ranges else round(max(clean) - min(clean), 2),
        "held_seconds": round(held, 2),
    }
