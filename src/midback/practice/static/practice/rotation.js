// The weekly phone rotation check. The phone lies flat on the breastbone, so turning the upper
// body turns the phone about the vertical: the angle is the change in the heading of the
// screen's normal, from the phone's full orientation (alpha, beta, gamma; W3C Z-X'-Y''), so it
// holds whether the phone is upright or tilted a little. Each side keeps the furthest turn seen.
const root = document.querySelector("[data-rotation]");
const $ = (selector) => root.querySelector(selector);
const RAD = Math.PI / 180;
const state = { phase: "idle", heading: null, centre: null, left: 0, right: 0, seen: false };

// Heading (degrees) of the screen's normal projected on the horizontal plane.
export function heading(alpha, beta, gamma) {
  const [a, b, g] = [alpha * RAD, beta * RAD, gamma * RAD];
  const x = Math.cos(a) * Math.sin(g) + Math.sin(a) * Math.sin(b) * Math.cos(g);
  const y = Math.sin(a) * Math.sin(g) - Math.cos(a) * Math.sin(b) * Math.cos(g);
  return Math.atan2(y, x) / RAD;
}

// The signed smallest difference of two headings, -180..180 (+ turns to the left).
export function turn(from, to) {
  return ((to - from + 540) % 360) - 180;
}

function show(text) {
  $("[data-step]").textContent = text;
}

function onOrientation(event) {
  if (event.alpha === null || event.beta === null || event.gamma === null) return;
  state.seen = true;
  state.heading = heading(event.alpha, event.beta, event.gamma);
  if (state.centre === null) return;
  const t = turn(state.centre, state.heading);
  const degrees = Math.round(Math.abs(t));
  if (state.phase === "left") state.left = Math.max(state.left, Math.min(90, degrees));
  if (state.phase === "right") state.right = Math.max(state.right, Math.min(90, degrees));
  $("[data-angle]").textContent = state.phase === "left" || state.phase === "right" ? `${degrees}°` : "";
}

function noSensor() {
  $("[data-no-sensor]").hidden = false;
  for (const button of root.querySelectorAll("button")) button.hidden = true;
  window.removeEventListener("deviceorientation", onOrientation);
}

async function begin() {
  const Event = window.DeviceOrientationEvent;
  if (!Event) return noSensor();
  // iOS asks for permission, and only after a tap.
  if (typeof Event.requestPermission === "function") {
    try {
      if ((await Event.requestPermission()) !== "granted") {
        show("Motion sensor access was not allowed. You can allow it in the browser's settings.");
        return;
      }
    } catch {
      return noSensor();
    }
  }
  window.addEventListener("deviceorientation", onOrientation);
  const waited = await new Promise((resolve) => {
    const started = performance.now();
    const look = () => {
      if (state.heading !== null) resolve(true);
      else if (performance.now() - started > 2000) resolve(false);
      else setTimeout(look, 50);
    };
    look();
  });
  if (!waited) return noSensor();
  state.centre = state.heading;
  state.left = 0;
  state.right = 0;
  state.phase = "left";
  $("[data-action=begin]").hidden = true;
  $("[data-action=next]").hidden = false;
  show("Now turn to the left as far as is comfortable, then tap Done.");
}

function next() {
  if (state.phase === "left") {
    state.phase = "right";
    show("Come back to the middle, then turn to the right as far as is comfortable, and tap Done.");
    return;
  }
  state.phase = "done";
  window.removeEventListener("deviceorientation", onOrientation);
  $("[data-action=next]").hidden = true;
  $("[data-angle]").textContent = "";
  const form = $("[data-save]");
  form.elements.left_degrees.value = String(state.left);
  form.elements.right_degrees.value = String(state.right);
  $("[data-result]").textContent = `You turned ${state.left}° to the left and ${state.right}° to the right.`;
  show("");
  form.hidden = false;
  form.querySelector("[type=submit]").focus();
}

function again() {
  state.phase = "idle";
  state.centre = null;
  $("[data-save]").hidden = true;
  $("[data-action=begin]").hidden = false;
  show("Face forward and tap Start facing forward.");
}

if (root) {
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    ({ begin, next, again })[button.dataset.action]?.();
  });
}
