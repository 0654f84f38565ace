// Landmarks in, events out: one exercise's measure, smoothed, turned into reps (with
// hysteresis: a rep needs the whole movement out and back), hold time (only while the position
// is held within tolerance) and the best range of the set. No pose model in here; the tests
// feed it landmark sequences generated from the body model.
import { measure, sees } from "./measures.js";

export const HI = 0.7; // share of the way from start to end that counts as "there"
export const LO = 0.3; // and as "back"
export const HOLD = 0.75; // a hold counts while at least this share of the way there
const REST = 0.15; // at the start position, for a hold's range
const SMOOTHING = 0.12; // seconds: time constant of the smoothing after a median of 5
const LOST_AFTER = 1.0; // seconds without a usable frame before the coach says so
const FOUND_AFTER = 0.3; // seconds of usable frames before it says it sees the person again
const MAX_GAP = 0.5; // a hold's clock does not run across a gap longer than this
const STEADY = 15; // frames averaged for a hold's range: a held position is still, noise is not

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// spec: { measure, start, end, kind: "reps" | "hold", sides } from targets.json.
// side: "left" or "right" for exercises done to each side (the end value's sign flips for right).
export function createTracker(spec, { side = null, minScore = 0.5 } = {}) {
  const flip = spec.sides && side === "right" ? -1 : 1;
  const start = spec.start * flip;
  const end = spec.end * flip;
  const span = end - start;
  const state = {
    reps: 0,
    heldSeconds: 0,
    bestRange: null,
    lastRange: null,
    value: null, // smoothed measure, degrees
    progress: null, // 0 at the start position, 1 at the end
    seen: false,
    high: false,
    low: start,
    highest: start,
    window: [],
    steady: [],
    heldValues: [],
    restValues: [],
    smoothed: null,
    lastTime: null,
    lastSeenAt: null,
    seenSince: null,
    peak: null, // furthest toward the end this rep
    trough: null, // furthest toward the start this rep
    partial: false, // went part of the way and came back without reaching "there"
  };

  function toward(v) {
    return (v - start) / span;
  }

  function update(frame, t) {
    const events = [];
    const usable = sees(frame, spec.measure, minScore);
    if (!usable) {
      if (state.seen && state.lastSeenAt !== null && t - state.lastSeenAt >= LOST_AFTER) {
        state.seen = false;
        state.seenSince = null;
        events.push({ type: "lost" });
      }
      return events;
    }
    if (state.seenSince === null) state.seenSince = t;
    if (!state.seen && t - state.seenSince >= FOUND_AFTER) {
      state.seen = true;
      events.push({ type: "found" });
    }
    const gap = state.lastSeenAt === null ? Infinity : t - state.lastSeenAt;
    state.lastSeenAt = t;

    const raw = measure(spec.measure, frame);
    state.window.push(raw);
    if (state.window.length > 5) state.window.shift();
    const m = median(state.window);
    const a = gap === Infinity ? 1 : 1 - Math.exp(-gap / SMOOTHING);
    state.smoothed = state.smoothed === null ? m : state.smoothed + a * (m - state.smoothed);
    const v = state.smoothed;
    const p = toward(v);
    state.value = v;
    state.progress = p;
    if (!state.seen) return events;

    // Reps use the smoothed value (a rep's turning point is brief); a hold, half a second's mean.
    let r = v;
    if (spec.kind === "hold") {
      state.steady.push(v);
      if (state.steady.length > STEADY) state.steady.shift();
      r = state.steady.reduce((sum, x) => sum + x, 0) / state.steady.length;
    }
    if (state.peak === null || toward(r) > toward(state.peak)) state.peak = r;
    if (state.trough === null || toward(r) < toward(state.trough)) state.trough = r;

    if (spec.kind === "hold") {
      // A hold's range: the middle value while held against the middle value at the start
      // position (medians), so the noise of a still body does not pass for range.
      if (p >= HOLD) state.heldValues.push(r);
      else if (p <= REST) state.restValues.push(r);
      if (p >= HOLD && gap <= MAX_GAP) {
        state.heldSeconds += gap;
        events.push({ type: "holding", seconds: state.heldSeconds });
      } else if (p < HOLD && state.heldSeconds > 0) {
        events.push({ type: "out-of-hold" });
      }
      if (state.heldValues.length && state.restValues.length) {
        state.bestRange = Math.abs(median(state.heldValues) - median(state.restValues));
      } else {
        state.bestRange = Math.abs(state.peak - state.trough);
      }
      return events;
    }

    if (!state.high && p >= HI) {
      state.high = true;
    } else if (state.high && p <= LO) {
      state.high = false;
      state.reps += 1;
      const range = Math.abs(state.peak - state.trough);
      state.lastRange = range;
      if (state.bestRange === null || range > state.bestRange) state.bestRange = range;
      events.push({ type: "rep", reps: state.reps, range });
      state.peak = v;
      state.trough = v;
    } else if (!state.high && p <= LO && toward(state.peak) >= 0.45) {
      // Most of the way there and back again: not a rep; the coach may say so.
      events.push({ type: "partial", reached: toward(state.peak) });
      state.peak = v;
      state.trough = v;
    }
    return events;
  }

  return {
    update,
    get state() {
      return {
        reps: state.reps,
        heldSeconds: state.heldSeconds,
        bestRange: state.bestRange,
        lastRange: state.lastRange,
        value: state.value,
        progress: state.progress,
        seen: state.seen,
      };
    },
  };
}

// Run a whole recorded or generated sequence through a tracker (frames at a steady rate;
// a null frame is one the model returned nothing for).
export function runSequence(spec, frames, fps, options = {}) {
  const tracker = createTracker(spec, options);
  const events = [];
  frames.forEach((frame, i) => {
    for (const event of tracker.update(frame, i / fps)) events.push({ ...event, at: i / fps });
  });
  return { ...tracker.state, events };
}
