"""The body model behind MidBack's illustrations: segments, joint angles, limits and landmarks.

Plain Python, no Django. Lengths are centimetres, angles degrees. World axes: x toward the
figure's left, y up, z forward (the way a level pelvis faces). The figure is drawn in 2D by
projecting these points with a `View`; most exercises use the side (sagittal) view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Literal

Vec3 = tuple[float, float, float]
Mat3 = tuple[Vec3, Vec3, Vec3]
Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

# Segment lengths of a 170 cm adult; the drawing and the camera-coach test data share them.
SEGMENT_LENGTHS: dict[str, float] = {
    "lower_spine": 20.0,  # hip centre to waist: pelvis and lumbar spine
    "upper_spine": 29.0,  # waist to the base of the neck: thoracic spine
    "neck": 10.0,
    "head": math.hypot(9.0, 1.5),  # base of the skull to the centre of the head
    "upper_arm": 29.0,
    "forearm": 25.0,
    "hand": 9.0,  # wrist to the index knuckles
    "thigh": 42.0,
    "shin": 42.0,
    "foot": math.hypot(3.6, 16.5),  # ankle to the toes (the toe point sits inside the foot)
}
# Half-thickness of each body part as drawn; grounding checks use it so skin, not bone, touches.
RADII: dict[str, float] = {
    "torso": 11.0,
    "neck": 4.5,
    "head": 11.0,
    "upper_arm": 4.5,
    "forearm": 3.8,
    "hand": 3.0,
    "thigh": 7.0,
    "shin": 5.2,
    "foot": 3.4,
}
HEAD_RADIUS = RADII["head"]
SHOULDER_HALF_WIDTH = 17.0
HIP_HALF_WIDTH = 9.0
ANKLE_HEIGHT = 7.0  # ankle joint above the floor when the foot is flat
_HEAD_CENTRE: Vec3 = (0.0, 9.0, 1.5)  # in the head frame, from the top of the neck
# Foot points in the foot frame (which matches the shin frame at a neutral ankle); they lie one
# foot-radius above the sole, so a flat foot's drawn outline just meets the floor.
_TOE: Vec3 = (0.0, -(ANKLE_HEIGHT - RADII["foot"]), 16.5)
_HEEL: Vec3 = (0.0, -(ANKLE_HEIGHT - RADII["foot"]), -4.5)

# The 33 BlazePose landmark names, in BlazePose's own order, so the camera coach can compare.
BLAZEPOSE_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

# Pairs of points whose distance must equal a segment length, whatever the pose.
SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("hip_centre", "waist", "lower_spine"),
    ("waist", "neck_base", "upper_spine"),
    ("neck_base", "head_base", "neck"),
    ("head_base", "head_centre", "head"),
    *(
        (f"{side}_{a}", f"{side}_{b}", segment)
        for side in SIDES
        for a, b, segment in (
            ("shoulder", "elbow", "upper_arm"),
            ("elbow", "wrist", "forearm"),
            ("wrist", "index", "hand"),
            ("hip", "knee", "thigh"),
            ("knee", "ankle", "shin"),
            ("ankle", "foot_index", "foot"),
        )
    ),
)


@dataclass(frozen=True)
class Limbs:
    """One side's arm and leg angles. Zero is anatomical standing: arms down, legs straight."""

    shoulder_elevation: float = 0.0  # arm raised: 90 level, 180 overhead, < 0 behind the body
    shoulder_plane: float = 0.0  # plane it is raised in: 0 forward, 90 out to the side
    shoulder_rotation: float = 0.0  # internal (+) rotation turns a bent forearm across the body
    elbow: float = 0.0  # flexion
    wrist: float = 0.0  # + bends the hand toward the palm side of a forward-bent forearm
    hip_flexion: float = 0.0  # thigh forward of the pelvis (includes the lumbo-pelvic share)
    hip_abduction: float = 0.0  # knee out to the side
    knee: float = 0.0  # flexion
    ankle: float = 0.0  # + dorsiflexion (toes up), - plantarflexion (toes pointed)


@dataclass(frozen=True)
class Pose:
    """Joint angles of the whole figure; `lower_spine` orients the pelvis in the world."""

    lower_spine: float = 0.0  # pelvis and lumbar segment leaning forward (+) from vertical
    upper_spine: float = 0.0  # thoracic flexion (+, rounding) or extension (-, arching)
    trunk_rotation: float = 0.0  # thoracic turn toward the figure's left (+)
    neck: float = 0.0  # flexion (+, chin down) or extension (-)
    neck_rotation: float = 0.0  # head turned toward the figure's left (+)
    head: float = 0.0  # nod at the top of the neck: + tucks the chin
    left: Limbs = field(default_factory=Limbs)
    right: Limbs = field(default_factory=Limbs)

    def limbs(self, side: Side) -> Limbs:
        return self.left if side == "left" else self.right


# Anatomically plausible ranges (degrees) for adults doing gentle exercise; `lower_spine` is the
# pelvis's orientation in the world, so its range is wide (from leaning back to folded forward).
JOINT_LIMITS: dict[str, tuple[float, float]] = {
    "lower_spine": (-40.0, 135.0),
    "upper_spine": (-40.0, 60.0),
    "trunk_rotation": (-50.0, 50.0),
    "neck": (-50.0, 60.0),
    "neck_rotation": (-70.0, 70.0),
    "head": (-30.0, 30.0),
    "shoulder_elevation": (-60.0, 180.0),  # negative: arm behind the body
    "shoulder_plane": (-40.0, 135.0),
    "shoulder_rotation": (-90.0, 90.0),
    "elbow": (0.0, 150.0),
    "wrist": (-80.0, 95.0),  # all fours puts the wrist in about 90° extension
    "hip_flexion": (-20.0, 150.0),
    "hip_abduction": (-15.0, 50.0),
    "knee": (0.0, 160.0),  # sitting on the heels
    "ankle": (-65.0, 30.0),
}


def joint_angles(pose: Pose) -> dict[str, float]:
    """Every angle of `pose`, keyed like `spine` fields and `left.elbow` for limbs."""
    angles = {f.name: getattr(pose, f.name) for f in fields(Pose) if f.name not in SIDES}
    for side in SIDES:
        limbs = pose.limbs(side)
        angles.update({f"{side}.{f.name}": getattr(limbs, f.name) for f in fields(Limbs)})
    return angles


def joint_violations(pose: Pose) -> list[str]:
    """Each angle outside `JOINT_LIMITS`, as a readable message; empty when the pose is valid."""
    problems = []
    for name, value in joint_angles(pose).items():
        low, high = JOINT_LIMITS[name.split(".")[-1]]
        if not low <= value <= high:
            problems.append(f"{name} = {value:.1f}° is outside {low:.0f}..{high:.0f}°")
    return problems


def mirror_limbs(pose: Pose, **changes: float) -> Pose:
    """`pose` with the same limb changes applied to both sides (symmetric positions)."""
    return replace(pose, left=replace(pose.left, **changes), right=replace(pose.right, **changes))


def interpolate(a: Pose, b: Pose, t: float) -> Pose:
    """The pose a fraction `t` of the way from `a` to `b`, angle by angle."""

    def mix(x: float, y: float) -> float:
        return x + (y - x) * t

    def mix_limbs(p: Limbs, q: Limbs) -> Limbs:
        return Limbs(**{f.name: mix(getattr(p, f.name), getattr(q, f.name)) for f in fields(Limbs)})

    spine = {
        f.name: mix(getattr(a, f.name), getattr(b, f.name))
        for f in fields(Pose)
        if f.name not in SIDES
    }
    return Pose(**spine, left=mix_limbs(a.left, b.left), right=mix_limbs(a.right, b.right))


# --- small 3D helpers -------------------------------------------------------------------------


def _rot(axis: str, degrees: float) -> Mat3:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == "x":  # + tips "up" toward "forward": flexion
        return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))
    if axis == "y":  # + turns "forward" toward the figure's left
        return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))  # z: + swings "down" toward the left


def _mul(a: Mat3, b: Mat3) -> Mat3:
    def row(i: int) -> Vec3:
        r = a[i]
        return (
            r[0] * b[0][0] + r[1] * b[1][0] + r[2] * b[2][0],
            r[0] * b[0][1] + r[1] * b[1][1] + r[2] * b[2][1],
            r[0] * b[0][2] + r[1] * b[1][2] + r[2] * b[2][2],
        )

    return (row(0), row(1), row(2))


def _chain(*mats: Mat3) -> Mat3:
    out = mats[0]
    for m in mats[1:]:
        out = _mul(out, m)
    return out


def apply(m: Mat3, v: Vec3) -> Vec3:
    """The vector `v` rotated by the matrix `m`."""
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def add(a: Vec3, b: Vec3) -> Vec3:
    """The sum of two vectors."""
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def scale(v: Vec3, k: float) -> Vec3:
    """The vector `v` multiplied by `k`."""
    return (v[0] * k, v[1] * k, v[2] * k)


def _along(origin: Vec3, frame: Mat3, local: Vec3) -> Vec3:
    return add(origin, apply(frame, local))


@dataclass(frozen=True)
class Skeleton:
    """A posed figure in world coordinates: named points plus the frames the drawing needs."""

    points: dict[str, Vec3]
    pelvis: Mat3  # columns are the pelvis's left, up and forward axes
    chest: Mat3
    head: Mat3

    def moved(self, offset: Vec3) -> Skeleton:
        """The same skeleton translated by `offset`."""
        return replace(self, points={k: add(p, offset) for k, p in self.points.items()})


def forward_kinematics(pose: Pose, root: Vec3 = (0.0, 0.0, 0.0)) -> Skeleton:
    """Place every joint, walking out from the hip centre at `root`."""
    L = SEGMENT_LENGTHS
    pts: dict[str, Vec3] = {"hip_centre": root}
    pelvis = _rot("x", pose.lower_spine)
    pts["waist"] = _along(root, pelvis, (0.0, L["lower_spine"], 0.0))
    # Turn first, then bend: a twist-and-bend carries the chest toward the side it turned to.
    chest = _chain(pelvis, _rot("y", pose.trunk_rotation), _rot("x", pose.upper_spine))
    pts["neck_base"] = _along(pts["waist"], chest, (0.0, L["upper_spine"], 0.0))
    neck = _chain(chest, _rot("x", pose.neck), _rot("y", pose.neck_rotation))
    pts["head_base"] = _along(pts["neck_base"], neck, (0.0, L["neck"], 0.0))
    head = _mul(neck, _rot("x", pose.head))
    # The head's centre sits a little forward of the top of the neck.
    pts["head_centre"] = _along(pts["head_base"], head, _HEAD_CENTRE)
    _face(pts, head)

    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0
        limbs = pose.limbs(side)
        shoulder = _along(pts["neck_base"], chest, (sign * SHOULDER_HALF_WIDTH, -3.0, -1.0))
        # Elevation happens in a plane swung about the vertical, then the arm turns on its axis.
        arm = _chain(
            chest,
            _rot("y", sign * limbs.shoulder_plane),
            _rot("x", -limbs.shoulder_elevation),
            _rot("y", -sign * limbs.shoulder_rotation),
        )
        elbow = _along(shoulder, arm, (0.0, -L["upper_arm"], 0.0))
        forearm = _mul(arm, _rot("x", -limbs.elbow))
        wrist = _along(elbow, forearm, (0.0, -L["forearm"], 0.0))
        hand = _mul(forearm, _rot("x", -limbs.wrist))
        pts[f"{side}_shoulder"] = shoulder
        # Shoulder blades: drawn in back views; they glide in and down as the arm goes back.
        squeeze = min(max((limbs.shoulder_plane - 80.0) / 40.0, 0.0), 1.0)
        if limbs.shoulder_elevation < 30.0:
            squeeze = 0.0
        blade = (sign * (10.0 - 4.0 * squeeze), -12.0 - 2.5 * squeeze, -9.0)
        pts[f"{side}_scapula"] = _along(pts["neck_base"], chest, blade)
        pts[f"{side}_elbow"] = elbow
        pts[f"{side}_wrist"] = wrist
        pts[f"{side}_index"] = _along(wrist, hand, (0.0, -L["hand"], 0.0))
        pts[f"{side}_pinky"] = _along(wrist, hand, (sign * 2.5, -L["hand"] * 0.85, 0.0))
        pts[f"{side}_thumb"] = _along(wrist, hand, (-sign * 2.5, -L["hand"] * 0.55, 0.0))

        hip = _along(root, pelvis, (sign * HIP_HALF_WIDTH, 0.0, 0.0))
        # Flex, then open sideways: "knees wide" then means the same whether sitting or kneeling.
        thigh = _chain(pelvis, _rot("x", -limbs.hip_flexion), _rot("z", sign * limbs.hip_abduction))
        knee = _along(hip, thigh, (0.0, -L["thigh"], 0.0))
        shin = _mul(thigh, _rot("x", limbs.knee))
        ankle = _along(knee, shin, (0.0, -L["shin"], 0.0))
        foot = _mul(shin, _rot("x", -limbs.ankle))
        pts[f"{side}_hip"] = hip
        pts[f"{side}_knee"] = knee
        pts[f"{side}_ankle"] = ankle
        pts[f"{side}_heel"] = _along(ankle, foot, _HEEL)
        pts[f"{side}_foot_index"] = _along(ankle, foot, _TOE)
    return Skeleton(points=pts, pelvis=pelvis, chest=chest, head=head)


def _face(pts: dict[str, Vec3], head: Mat3) -> None:
    """Face landmarks on the surface of the round head (BlazePose names)."""
    r = HEAD_RADIUS
    centre = pts["head_centre"]

    def on_head(x: float, y: float, z: float) -> Vec3:
        n = math.sqrt(x * x + y * y + z * z)
        return _along(centre, head, (r * x / n, r * y / n, r * z / n))

    pts["nose"] = on_head(0.0, -0.1, 1.0)
    for side in SIDES:
        s = 1.0 if side == "left" else -1.0
        pts[f"{side}_eye_inner"] = on_head(0.15 * s, 0.25, 0.95)
        pts[f"{side}_eye"] = on_head(0.3 * s, 0.25, 0.9)
        pts[f"{side}_eye_outer"] = on_head(0.45 * s, 0.25, 0.8)
        pts[f"{side}_ear"] = on_head(1.0 * s, 0.05, -0.1)
        pts[f"mouth_{side}"] = on_head(0.25 * s, -0.45, 0.85)


@dataclass(frozen=True)
class View:
    """An orthographic camera: `yaw` 0 looks at the figure's front, 90 at its right side."""

    yaw: float = 90.0
    elevation: float = 0.0  # looking down from above by this many degrees

    def matrix(self) -> Mat3:
        return _mul(_rot("x", self.elevation), _rot("y", self.yaw))

    def project(self, p: Vec3) -> tuple[float, float, float]:
        """Screen x (right), screen y (up) and depth (toward the viewer) of world point `p`."""
        return apply(self.matrix(), p)


SIDE_VIEW = View(yaw=90.0, elevation=0.0)


def landmarks(
    pose: Pose, view: View = SIDE_VIEW, root: Vec3 = (0.0, 0.0, 0.0)
) -> dict[str, tuple[float, float]]:
    """BlazePose-named 2D points (cm, y up) of `pose` as `view` sees it; flip y for image space."""
    skeleton = forward_kinematics(pose, root)
    m = view.matrix()
    out = {}
    for name in BLAZEPOSE_LANDMARKS:
        x, y, _ = apply(m, skeleton.points[name])
        out[name] = (x, y)
    return out
