"""Exercise illustrations drawn by MidBack itself: a jointed body model, keyframes, SVG output."""

from midback.content.illustration.body import (
    BLAZEPOSE_LANDMARKS,
    JOINT_LIMITS,
    Limbs,
    Pose,
    View,
    forward_kinematics,
    joint_violations,
    landmarks,
)
from midback.content.illustration.poses import ILLUSTRATED_SLUGS, UnknownIllustration
from midback.content.illustration.render import render_svg

__all__ = [
    "BLAZEPOSE_LANDMARKS",
    "ILLUSTRATED_SLUGS",
    "JOINT_LIMITS",
    "Limbs",
    "Pose",
    "UnknownIllustration",
    "View",
    "forward_kinematics",
    "joint_violations",
    "landmarks",
    "render_svg",
]
