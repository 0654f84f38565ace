// Joint and segment angles from BlazePose's 3D "world" landmarks (metres, origin between the
// hips, y down). Every measure is an angle between parts of the body, so it does not depend on
// where the camera stands. The same definitions, in Python, turn the body model's keyframes into
// the targets (content/illustration/coach.py); a test holds the two to the same numbers.

export const NAMES = [
  "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
  "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
  "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
  "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
  "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
  "left_foot_index", "right_foot_index",
];
export const INDEX = Object.fromEntries(NAMES.map((name, i) => [name, i]));

// The landmarks each measure needs to see.
export const NEEDS = {
  hip_angle: ["left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee", "right_knee"],
  back_curve: ["left_shoulder", "right_shoulder", "left_hip", "right_hip", "nose"],
  arm_elevation: ["left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_elbow", "right_elbow"],
  trunk_turn: ["left_shoulder", "right_shoulder", "left_hip", "right_hip"],
  arm_plane: ["left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_elbow", "right_elbow"],
};

const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const mid = (a, b) => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const DEG = 180 / Math.PI;

function norm(a) {
  const n = Math.sqrt(dot(a, a)) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
}

export function angle(a, b) {
  const c = dot(norm(a), norm(b));
  return Math.acos(Math.max(-1, Math.min(1, c))) * DEG;
}

function flat(v, axis) {
  const d = dot(v, axis);
  return [v[0] - axis[0] * d, v[1] - axis[1] * d, v[2] - axis[2] * d];
}

// A landmark as [x, y, z, score], whether it came as an array or as BlazePose's {x, y, z, score}.
export function point(frame, name) {
  const p = frame[INDEX[name]];
  return Array.isArray(p) ? p : [p.x, p.y, p.z, p.score ?? 1];
}

// Whether every landmark the measure needs was seen with at least `minScore`.
export function sees(frame, measureName, minScore = 0.5) {
  if (!frame) return false;
  return NEEDS[measureName].every((name) => (point(frame, name)[3] ?? 0) >= minScore);
}

export function measure(name, frame) {
  const p = (n) => point(frame, n);
  const hips = mid(p("left_hip"), p("right_hip"));
  const shoulders = mid(p("left_shoulder"), p("right_shoulder"));
  if (name === "hip_angle") {
    return angle(sub(shoulders, hips), sub(mid(p("left_knee"), p("right_knee")), hips));
  }
  if (name === "back_curve") return angle(sub(hips, shoulders), sub(p("nose"), shoulders));
  if (name === "arm_elevation") {
    const down = sub(hips, shoulders);
    return (angle(sub(p("left_elbow"), p("left_shoulder")), down)
      + angle(sub(p("right_elbow"), p("right_shoulder")), down)) / 2;
  }
  const up = norm(sub(shoulders, hips));
  if (name === "trunk_turn") {
    const h = flat(sub(p("left_hip"), p("right_hip")), up);
    const s = flat(sub(p("left_shoulder"), p("right_shoulder")), up);
    return Math.atan2(dot(cross(h, s), up), dot(h, s)) * DEG;
  }
  if (name === "arm_plane") {
    const across = sub(p("left_shoulder"), p("right_shoulder"));
    const forward = norm(cross(across, up));
    let total = 0;
    for (const [side, sign] of [["left", 1], ["right", -1]]) {
      const arm = flat(sub(p(`${side}_elbow`), p(`${side}_shoulder`)), up);
      total += Math.atan2(dot(arm, norm(across)) * sign, dot(arm, forward)) * DEG;
    }
    return total / 2;
  }
  throw new Error(`unknown measure: ${name}`);
}

// How far the elbows are in front of the shoulders (metres, + forward): wall angels lose the
// wall when this grows.
export function elbowsForward(frame) {
  const p = (n) => point(frame, n);
  const hips = mid(p("left_hip"), p("right_hip"));
  const shoulders = mid(p("left_shoulder"), p("right_shoulder"));
  const up = norm(sub(shoulders, hips));
  const forward = norm(cross(sub(p("left_shoulder"), p("right_shoulder")), up));
  return (dot(sub(p("left_elbow"), p("left_shoulder")), forward)
    + dot(sub(p("right_elbow"), p("right_shoulder")), forward)) / 2;
}

// Elbow bend, degrees (0 straight), both sides averaged.
export function elbowBend(frame) {
  const p = (n) => point(frame, n);
  const bend = (s) => 180 - angle(sub(p(`${s}_shoulder`), p(`${s}_elbow`)), sub(p(`${s}_wrist`), p(`${s}_elbow`)));
  return (bend("left") + bend("right")) / 2;
}
