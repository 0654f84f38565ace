// The guided player: plays the session script the server compiled (timed steps with text, spoken
// cue, breath, rep and side). Time comes from performance.now(), a monotonic clock: each step ends
// when its seconds have passed since it began (minus pauses), however late a timer fires, so a
// busy or throttled tab never stretches a hold. Timers only decide when to look again.
import { enqueue, flush, get, refusalText, statusOf } from "./queue.js";
import { syncNow } from "./app.js";

const data = JSON.parse(document.getElementById("player-data").textContent);
const root = document.querySelector("[data-player]");
const $ = (selector) => root.querySelector(selector);
const steps = data.steps;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const BREATH = { in: "Breathe in", out: "Breathe out", easy: "Breathe easily", hold: "Breathe easily" };
const SECOND = 1000;
const offsets = [];
steps.reduce((sum, step, i) => { offsets[i] = sum; return sum + step.seconds; }, 0);

const state = {
  index: 0,
  stepStart: 0,
  paused: false,
  pausedAt: 0,
  timer: null,
  frame: null,
  playing: false,
  speech: localStorage.getItem("midback-speech") !== "off",
  painBefore: null,
  startedAt: null,
  done: {}, // exercise -> {sets: Set, reps: Set}
  stops: {}, // exercise -> reason code: what the person stopped, and why
  ended: null, // the reason that ended the session early, if one did
  completed: false,
  log: null,
  wakeLock: null,
  illustration: "",
  coach: null, // the camera coach, once the person turns it on (loaded on demand)
  range: {}, // exercise -> best range of the set the coach saw, degrees
};

function showPhase(name) {
  for (const phase of root.querySelectorAll("[data-phase]")) phase.hidden = phase.dataset.phase !== name;
}

function now() {
  return performance.now();
}

function elapsed() {
  return (state.paused ? state.pausedAt : now()) - state.stepStart;
}

function speak(text) {
  if (!state.speech || !text || !("speechSynthesis" in window)) return;
  window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang || "en";
  utterance.rate = 0.95;
  window.speechSynthesis.speak(utterance);
}

async function keepAwake() {
  try {
    if ("wakeLock" in navigator && !state.wakeLock) {
      state.wakeLock = await navigator.wakeLock.request("screen");
      state.wakeLock.addEventListener("release", () => { state.wakeLock = null; });
    }
  } catch {
    // Not allowed here (battery saver, old browser): the session still plays.
  }
}

function letSleep() {
  if (state.wakeLock) state.wakeLock.release().catch(() => {});
  state.wakeLock = null;
}

function currentExercise() {
  for (let i = state.index; i >= 0; i -= 1) if (steps[i].exercise) return steps[i].exercise;
  return steps.find((s) => s.exercise)?.exercise ?? null;
}

function note(step) {
  if (!step.exercise || !["move", "hold"].includes(step.kind)) return;
  const done = (state.done[step.exercise] ||= { sets: new Set(), reps: new Set() });
  done.sets.add(step.set ?? 1);
  if (step.rep != null) done.reps.add(`${step.set}-${step.side}-${step.rep}`);
}

function meta(step) {
  const parts = [];
  const name = step.exercise && data.exercises[step.exercise]?.name;
  if (name) parts.push(name);
  if (step.sets > 1 && step.set) parts.push(`Set ${step.set} of ${step.sets}`);
  if (step.side) parts.push(`${step.side[0].toUpperCase()}${step.side.slice(1)} side`);
  if (step.rep != null) parts.push(`Rep ${step.rep} of ${step.reps}`);
  return parts.join(" · ");
}

// The picture follows the script: each step names the keyframe it ends at, and the picture moves
// from the previous step's keyframe to it over the step's seconds (two still frames, blended).
const POSE = { start: 0, end: 1 };
const posed = new Set(steps.filter((s) => s.exercise && s.pose && s.kind !== "position").map((s) => s.exercise));

function poseAt(index) {
  for (let i = index; i >= 0; i -= 1) if (steps[i].pose) return steps[i].pose;
  return "start";
}

function drawPose() {
  const end = $("[data-illustration-end]");
  const slug = currentExercise();
  if (!posed.has(slug)) return;
  const to = POSE[poseAt(state.index)];
  const from = state.index > 0 ? POSE[poseAt(state.index - 1)] : to;
  const step = steps[state.index];
  const f = reducedMotion.matches ? 1 : Math.min(1, Math.max(0, elapsed() / (step.seconds * SECOND)));
  end.style.opacity = (from + (to - from) * f).toFixed(3);
}

function showIllustration(step) {
  const slug = currentExercise();
  const img = $("[data-illustration]");
  const end = $("[data-illustration-end]");
  if (!slug || !data.exercises[slug]) return;
  const base = data.exercises[slug].illustration;
  let src = base;
  if (posed.has(slug)) {
    src = `${base}?frame=start`;
    if (end.getAttribute("src") !== `${base}?frame=end`) end.src = `${base}?frame=end`;
    end.hidden = false;
  } else {
    end.hidden = true;
    // With reduced motion the picture stays still: the end position while holding, else the start.
    if (reducedMotion.matches) src += `?frame=${step.kind === "hold" ? "end" : "start"}`;
  }
  root.dataset.pose = posed.has(slug) ? poseAt(state.index) : "";
  if (src !== state.illustration) {
    state.illustration = src;
    img.src = src;
    img.alt = data.exercises[slug].name;
  }
  drawPose();
}

function render() {
  const step = steps[state.index];
  root.dataset.kind = step.kind;
  root.dataset.breath = step.breath || "easy";
  $("[data-cue]").textContent = step.text;
  $("[data-meta]").textContent = meta(step);
  // The pacer's words only for paced breathing; a hold's own text already says how to breathe.
  $("[data-breath]").textContent = step.breath === "in" || step.breath === "out" ? BREATH[step.breath] : "";
  showIllustration(step);
  updateClock();
}

function updateClock() {
  const step = steps[state.index];
  const left = Math.max(0, Math.ceil((step.seconds * SECOND - elapsed()) / SECOND));
  let shown = `${left} s`;
  if (waitingForRep()) shown = "At your pace";
  else if (holdPausedByCoach()) shown = `Hold paused · ${left} s`;
  $("[data-countdown]").textContent = state.paused ? `Paused · ${left} s` : shown;
  $("[data-overall]").value = Math.min(data.total_seconds, offsets[state.index] + elapsed() / SECOND);
}

function animatePacer() {
  cancelAnimationFrame(state.frame);
  const pacer = $("[data-pacer]");
  if (reducedMotion.matches) {
    pacer.style.transform = "";
    return;
  }
  const draw = () => {
    if (!state.playing) return;
    drawPose();
    const step = steps[state.index];
    const f = Math.min(1, Math.max(0, elapsed() / (step.seconds * SECOND)));
    const scale = step.breath === "in" ? 0.55 + 0.45 * f : step.breath === "out" ? 1 - 0.45 * f : 0.8;
    pacer.style.transform = `scale(${scale.toFixed(3)})`;
    state.frame = requestAnimationFrame(draw);
  };
  state.frame = requestAnimationFrame(draw);
}

function schedule() {
  clearTimeout(state.timer);
  const step = steps[state.index];
  const left = step.seconds * SECOND - elapsed();
  const toNextSecond = SECOND - (elapsed() % SECOND);
  state.timer = setTimeout(tick, Math.max(1, Math.min(left, toNextSecond)));
}

function begin(index, at = now()) {
  state.index = index;
  state.stepStart = at;
  note(steps[index]);
  followCoach();
  render();
  speak(steps[index].say);
  schedule();
}

function tick() {
  if (!state.playing || state.paused) return;
  const step = steps[state.index];
  if (elapsed() < step.seconds * SECOND || waitingForRep()) {
    updateClock();
    schedule();
    return;
  }
  // Carry the overshoot: the next step began when this one was due to end, not when we noticed.
  let start = state.stepStart + step.seconds * SECOND;
  let next = state.index + 1;
  while (next < steps.length && now() - start >= steps[next].seconds * SECOND) {
    note(steps[next]);
    start += steps[next].seconds * SECOND;
    next += 1;
  }
  if (next >= steps.length) finish(true);
  else begin(next, start);
}

function pause() {
  if (!state.playing || state.paused) return;
  state.paused = true;
  state.pausedAt = now();
  clearTimeout(state.timer);
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
  $("[data-action=pause]").textContent = "Resume";
  updateClock();
}

function resume() {
  if (!state.playing || !state.paused) return;
  state.stepStart += now() - state.pausedAt;
  state.paused = false;
  $("[data-action=pause]").textContent = "Pause";
  updateClock();
  schedule();
  animatePacer();
}

function go(index) {
  if (!state.playing) return;
  if (index >= steps.length) return finish(true);
  const wasPaused = state.paused;
  state.paused = false;
  begin(Math.max(0, index));
  if (wasPaused) pause();
}

function start(painBefore) {
  state.painBefore = painBefore;
  state.startedAt = new Date().toISOString();
  state.playing = true;
  showPhase("play");
  // Focus mode: the stage fills the screen, its controls docked at the bottom.
  root.querySelector("[data-phase=play]").scrollIntoView({ block: "start" });
  keepAwake();
  begin(0);
  animatePacer();
  $("[data-action=pause]").focus();
}

function finish(completed) {
  state.playing = false;
  stopCoach();
  state.completed = completed && !state.ended;
  clearTimeout(state.timer);
  cancelAnimationFrame(state.frame);
  letSleep();
  if ("speechSynthesis" in window && !completed) window.speechSynthesis.cancel();
  // The id is made once, here: saving twice (or a retry) can never make two logs.
  state.log = { id: crypto.randomUUID(), endedAt: new Date().toISOString() };
  showAdvice($("[data-stop-advice]"), state.ended);
  for (const exercise of Object.keys(state.stops)) {
    const box = root.querySelector(`[name=hurt][value="${exercise}"]`);
    if (box) box.checked = true;
  }
  showPhase("after");
  $("[data-after-heading]").focus();
}

// Today in the patient's zone, as YYYY-MM-DD (the page may be an offline copy from days ago).
function localToday() {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: data.time_zone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

// A session done before its day counts for the day it is done, as an extra session.
function logDay() {
  const today = localToday();
  return data.day > today ? { day: today, time: null } : { day: data.day, time: data.block_time };
}

const REASONS = Object.fromEntries(data.stop.reasons.map((r) => [r.code, r]));

// The advice for a stop reason, with a tap-to-call link when it is an emergency.
function showAdvice(box, code) {
  const reason = code && REASONS[code];
  box.hidden = !reason;
  if (!reason) return;
  box.classList.toggle("urgent", reason.seek_care);
  box.querySelector("[data-advice-heading]").textContent = reason.seek_care
    ? (reason.urgency === "emergency" ? "Get medical help now" : "See a doctor today")
    : "What to do now";
  box.querySelector("[data-advice-text]").textContent = reason.advice;
  const call = box.querySelector("[data-call]");
  call.hidden = reason.urgency !== "emergency" && reason.urgency !== "today";
  call.href = `tel:${data.stop.emergency_number}`;
  call.textContent = `Call ${data.stop.emergency_number} (emergency)`;
}

// Ordinary pain: skip the rest of this exercise and carry on with the next one.
function skipExercise(exercise) {
  let last = state.index;
  for (let i = state.index; i < steps.length; i += 1) if (steps[i].exercise === exercise) last = i;
  return last + 1;
}

function logBody(form) {
  const hurt = new Set(new FormData(form).getAll("hurt"));
  const slugs = new Set([...Object.keys(state.done), ...hurt]);
  for (const exercise of Object.keys(state.stops)) slugs.add(exercise);
  const painAfter = form.elements.pain_after.value;
  return {
    id: state.log.id,
    program_version: data.program_version,
    block_day: logDay().day,
    block_time: logDay().time,
    started_at: state.startedAt,
    ended_at: state.log.endedAt,
    pain_before: state.painBefore,
    pain_after: painAfter === "" ? null : Number(painAfter),
    difficulty: form.elements.difficulty.value || "",
    completed: state.completed,
    stopped: Object.keys(state.stops).length > 0,
    exercises: [...slugs].map((slug) => {
      const done = state.done[slug];
      const stopped = slug in state.stops;
      return {
        id: crypto.randomUUID(),
        exercise: slug,
        sets_done: done ? done.sets.size : 0,
        reps_done: done ? done.reps.size : 0,
        hurt: hurt.has(slug) || stopped,
        stopped,
        stop_reason: stopped ? state.stops[slug] : "",
        best_range: slug in state.range ? Math.round(state.range[slug]) : null,
      };
    }),
  };
}

async function save(form) {
  const button = form.querySelector("[data-action=save]");
  button.disabled = true;
  const body = state.log.body || (state.log.body = logBody(form));
  await enqueue(data.urls.sessions, body);
  // "Saved" only once the server has it; a send already under way may not include this log.
  let outcome = "waiting";
  for (let attempt = 0; attempt < 2 && outcome === "waiting"; attempt += 1) {
    try {
      await flush();
    } catch {
      break;
    }
    outcome = await statusOf(body.id);
  }
  syncNow();
  const heading = $("[data-saved-heading]");
  const detail = $("[data-saved-detail]");
  const saved = root.querySelector("[data-phase=saved]");
  saved.dataset.outcome = outcome;
  if (outcome === "sent") {
    heading.textContent = "Saved. Well done.";
    detail.textContent = "Your session is recorded.";
  } else if (outcome === "refused") {
    heading.textContent = "Not saved yet";
    detail.textContent = `The server did not accept this session: ${refusalText(await get(body.id))}. `
      + "It is kept on this device, and Today lists it until you remove it.";
  } else {
    heading.textContent = "Saved on this device";
    detail.textContent = "It will be sent when you are back online. You can close the app.";
  }
  summarise(body);
  showPhase("saved");
  heading.focus();
}

// A short summary: what was done, pain before and after, and this week's sessions so far.
async function summarise(body) {
  const names = body.exercises
    .filter((e) => e.sets_done > 0 && !e.stopped)
    .map((e) => data.exercises[e.exercise]?.name || e.exercise);
  const stopped = body.exercises.filter((e) => e.stopped).map((e) => data.exercises[e.exercise]?.name);
  $("[data-summary-done]").textContent = (names.length ? names.join(", ") : "Nothing yet")
    + (stopped.length ? `; stopped: ${stopped.join(", ")}` : "");
  $("[data-summary-pain]").textContent = body.pain_after == null
    ? `${body.pain_before} out of 10 before`
    : `${body.pain_before} out of 10 before, ${body.pain_after} after`;
  const week = $("[data-summary-week]");
  week.textContent = "";
  $("[data-summary]").hidden = false;
  try {
    const response = await fetch("/api/v1/me/sessions", { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const logs = await response.json();
    // The last 7 days in the patient's own calendar (today and the 6 before it).
    const today = new Date(`${localToday()}T12:00:00Z`);
    const since = new Date(today.getTime() - 6 * 86400 * SECOND).toISOString().slice(0, 10);
    const count = logs.filter((log) => log.block_day >= since).length;
    week.textContent = count === 1 ? "1 session in the last 7 days" : `${count} sessions in the last 7 days`;
  } catch {
    week.textContent = "Shown once this device is back online.";
  }
}

root.querySelector("[data-phase=before]").addEventListener("submit", (event) => {
  event.preventDefault();
  start(Number(event.target.elements.pain_before.value));
});

root.querySelector("[data-phase=after]").addEventListener("submit", (event) => {
  event.preventDefault();
  save(event.target);
});

root.querySelector("[data-phase=stop]").addEventListener("submit", (event) => {
  event.preventDefault();
  const exercise = currentExercise();
  const code = event.target.elements.stop_reason.value;
  if (exercise) state.stops[exercise] = code;
  event.target.reset();
  if (REASONS[code].ends_session || !exercise) {
    state.ended = code;
    finish(false);
    return;
  }
  // The session goes on without this exercise; the person may still end it.
  const name = data.exercises[exercise]?.name || "This exercise";
  const note = $("[data-skip-note]");
  note.hidden = false;
  note.querySelector("[data-skip-text]").textContent = `${name} skipped. ${REASONS[code].advice}`;
  showPhase("play");
  state.paused = false;
  $("[data-action=pause]").textContent = "Pause";
  const next = skipExercise(exercise);
  if (next >= steps.length) {
    finish(true);
    return;
  }
  begin(next);
  animatePacer();
  $("[data-action=pause]").focus();
});

// --- the camera coach ------------------------------------------------------------------------
// Loaded only when the person presses "Use camera" (coach/player-coach.js). With the person in
// view, a rep step waits for the rep (up to a limit) and a hold's clock runs only while held;
// out of view, everything runs by the clock, and every button works the same.
function waitingForRep() {
  return Boolean(state.coach && state.coach.waitingForRep());
}

function holdPausedByCoach() {
  return Boolean(state.coach && state.coach.holdPaused());
}

function followCoach() {
  if (state.coach) state.coach.follow();
}

function stopCoach() {
  if (state.coach) state.coach.stop();
  state.coach = null;
}

async function startCoach() {
  if (state.coach) return;
  const { attach } = await import(data.coach.module);
  state.coach = attach({ root, data, steps, state, go, speak, updateClock, currentExercise, now, SECOND });
  state.coach.start();
}

const actions = {
  pause: () => (state.paused ? resume() : pause()),
  camera: () => (state.coach ? stopCoach() : startCoach()),
  back: () => go(state.index - 1),
  skip: () => go(state.index + 1),
  speech: (button) => {
    state.speech = !state.speech;
    localStorage.setItem("midback-speech", state.speech ? "on" : "off");
    button.setAttribute("aria-pressed", String(state.speech));
    if (!state.speech && "speechSynthesis" in window) window.speechSynthesis.cancel();
  },
  hurt: () => {
    pause();
    showPhase("stop");
    root.querySelector("[data-phase=stop] input").focus();
  },
  "end-session": () => finish(false),
  "cancel-stop": () => {
    showPhase("play");
    resume();
    $("[data-action=pause]").focus();
  },
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  const action = button && actions[button.dataset.action];
  if (action) action(button);
});

document.addEventListener("keydown", (event) => {
  if (!state.playing || event.altKey || event.ctrlKey || event.metaKey) return;
  if (root.querySelector("[data-phase=play]").hidden) return;
  const onControl = event.target.closest("button, input, a, select, textarea");
  if (event.key === " " && !onControl) {
    event.preventDefault();
    actions.pause();
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    actions.skip();
  } else if (event.key === "ArrowLeft") {
    event.preventDefault();
    actions.back();
  }
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.playing) {
    keepAwake();
    tick();
  }
});

reducedMotion.addEventListener("change", () => {
  state.illustration = "";
  if (state.playing) {
    showIllustration(steps[state.index]);
    animatePacer();
  }
});

$("[data-action=speech]").setAttribute("aria-pressed", String(state.speech));
if (data.day > localToday()) {
  // Only reachable from a calendar link or an offline copy: say what counts.
  const early = $("[data-early]");
  early.hidden = false;
}
showPhase("before");
