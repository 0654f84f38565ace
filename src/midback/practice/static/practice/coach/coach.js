// The camera coach in the player: camera on, pose model in a worker, landmarks into a tracker,
// events back to the player. Loaded only when the person presses "Use camera". Video stays in
// this browser: frames go to the worker and are dropped once read; nothing is recorded or sent.
import { NAMES } from "./measures.js";
import { createTracker } from "./tracker.js";
import { createCuer, cueFor } from "./cues.js";

// Pairs of landmarks joined in the skeleton overlay.
const BONES = [
  ["left_shoulder", "right_shoulder"], ["left_hip", "right_hip"],
  ["left_shoulder", "left_hip"], ["right_shoulder", "right_hip"],
  ["left_shoulder", "left_elbow"], ["left_elbow", "left_wrist"],
  ["right_shoulder", "right_elbow"], ["right_elbow", "right_wrist"],
  ["left_hip", "left_knee"], ["left_knee", "left_ankle"],
  ["right_hip", "right_knee"], ["right_knee", "right_ankle"],
  ["left_ear", "left_shoulder"], ["right_ear", "right_shoulder"],
].map(([a, b]) => [NAMES.indexOf(a), NAMES.indexOf(b)]);
const MIN_SCORE = 0.5;

export async function startCoach({ video, canvas, urls, model = "lite", onEvent, onStatus, say }) {
  onStatus("loading", "Starting the camera…");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
  } catch (error) {
    onStatus("error", error && error.name === "NotAllowedError"
      ? "The camera was not allowed. The session carries on without it."
      : "No camera could be used. The session carries on without it.");
    return null;
  }
  video.srcObject = stream;
  await video.play().catch(() => {});
  onStatus("loading", "Loading the movement coach on this device…");
  const targets = await (await fetch(urls.targets)).json();
  const worker = new Worker(urls.worker);
  const ctx = canvas.getContext("2d");
  const cue = createCuer(say);
  const coach = {
    tracker: null,
    slug: null,
    side: null,
    stopped: false,
    busy: false,
    frames: 0,
    lastPoseAt: performance.now(),
    lastRepAt: null,
    fps: 0,
    stop() {
      coach.stopped = true;
      worker.terminate();
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
    // Follow the player: a new tracker for each exercise and side.
    follow(slug, side) {
      const spec = slug && targets.exercises[slug];
      if (slug === coach.slug && side === coach.side) return spec || null;
      coach.slug = slug;
      coach.side = side;
      coach.tracker = spec ? createTracker(spec, { side, minScore: MIN_SCORE }) : null;
      coach.lastRepAt = null;
      return spec || null;
    },
    get state() {
      return coach.tracker ? coach.tracker.state : null;
    },
    spec() {
      return coach.slug ? targets.exercises[coach.slug] || null : null;
    },
  };

  const ready = new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      const message = event.data;
      if (message.type === "ready") resolve(message);
      else if (message.type === "error") reject(new Error(message.message));
      else if (message.type === "pose") onPose(message);
    };
    worker.onerror = (event) => reject(new Error(event.message || "the coach could not start"));
  });
  worker.postMessage({ type: "init", urls, model });
  try {
    const info = await ready;
    coach.loadMs = info.ms;
    coach.backend = info.backend;
  } catch (error) {
    coach.stop();
    onStatus("error", "The movement coach could not start on this device. The session carries on without it.");
    return null;
  }
  onStatus("looking", "Looking for you…");

  function draw(message) {
    const { width, height, keypoints } = message;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    ctx.clearRect(0, 0, width, height);
    if (!keypoints) return;
    ctx.lineWidth = Math.max(3, width / 120);
    ctx.strokeStyle = "#35e0a1";
    ctx.fillStyle = "#ffffff";
    for (const [a, b] of BONES) {
      const p = keypoints[a];
      const q = keypoints[b];
      if (p[2] < MIN_SCORE || q[2] < MIN_SCORE) continue;
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(q[0], q[1]);
      ctx.stroke();
    }
    for (const p of keypoints) {
      if (p[2] < MIN_SCORE) continue;
      ctx.beginPath();
      ctx.arc(p[0], p[1], ctx.lineWidth, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function onPose(message) {
    coach.busy = false;
    if (coach.stopped) return;
    coach.frames += 1;
    const now = performance.now();
    coach.fps = 0.9 * coach.fps + 0.1 * (1000 / Math.max(1, now - coach.lastPoseAt));
    coach.lastPoseAt = now;
    draw(message);
    let frame = null;
    if (message.keypoints3D) {
      // Scores stay high for points outside the picture: those count as not seen.
      frame = message.keypoints3D.map((p, i) => {
        const [x, y] = message.keypoints[i];
        const inside = x >= 0 && y >= 0 && x <= message.width && y <= message.height;
        return [p[0], p[1], p[2], inside ? p[3] : 0];
      });
    }
    coach.lastFrame = frame;
    // For tests and the benchmark: what the model found in this frame (stays on the page).
    canvas.dispatchEvent(new CustomEvent("coach-pose", {
      detail: { keypoints: message.keypoints, width: message.width, height: message.height, ms: message.ms },
    }));
    const t = message.t / 1000;
    if (!coach.tracker) return;
    const spec = coach.spec();
    const events = coach.tracker.update(frame, t);
    events.push({ type: "frame" });
    for (const event of events) {
      let repSeconds = null;
      if (event.type === "rep") {
        repSeconds = coach.lastRepAt === null ? null : t - coach.lastRepAt;
        coach.lastRepAt = t;
      }
      cue(cueFor(coach.slug, spec, event, frame, repSeconds), t);
      if (event.type !== "frame") onEvent(event, coach.tracker.state);
    }
    onEvent({ type: "update" }, coach.tracker.state);
  }

  async function pump() {
    if (coach.stopped) return;
    if (!coach.busy && video.readyState >= 2 && video.videoWidth) {
      coach.busy = true;
      try {
        const bitmap = await createImageBitmap(video);
        worker.postMessage({ type: "frame", bitmap, t: performance.now() }, [bitmap]);
      } catch {
        coach.busy = false;
      }
    }
    // Without a frame for a while, the tracker hears about it (the person is "not seen").
    if (coach.tracker && performance.now() - coach.lastPoseAt > 1500) {
      for (const event of coach.tracker.update(null, performance.now() / 1000)) onEvent(event, coach.tracker.state);
    }
    if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(pump);
    else requestAnimationFrame(pump);
  }
  pump();
  return coach;
}
