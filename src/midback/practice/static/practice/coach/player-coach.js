// The camera coach inside the guided player, loaded only when "Use camera" is pressed (so the
// player weighs the same without it). The player hands over what the coach may touch: its state,
// its steps, `go` to move to a step, `speak` for cues. With the person in view, a rep step waits
// for the rep (up to REP_WAIT seconds past its time) and a hold's clock runs only while held;
// out of view it says so and everything runs by the clock.
import { startCoach } from "./coach.js";
import { HOLD } from "./tracker.js";

const REP_WAIT = 10; // seconds a rep step waits past its time for the coach to see the rep
const PLACE = {
  side: "Place the phone or laptop to your side, about 2 metres away, so it sees you from the side, head to knees.",
  front: "Place the phone or laptop in front of you, about 2 metres away, so it sees you from head to knees.",
};

export function attach(player) {
  const { root, data, steps, state, go, speak, updateClock, currentExercise, now, SECOND } = player;
  const $ = (selector) => root.querySelector(selector);
  const self = {
    coach: null,
    starting: false,
    stopped: false,
    seen: false,
    at: null, // when the coach last reported, for pausing a hold that is not held
    reps: new Set(), // reps the coach saw, by exercise-set-side-rep
  };

  const repKey = (step) => `${step.exercise}-${step.set}-${step.side}-${step.rep}`;
  const elapsed = () => (state.paused ? state.pausedAt : now()) - state.stepStart;

  function lastStepOfRep(index) {
    const next = steps[index + 1];
    return !next || repKey(next) !== repKey(steps[index]);
  }

  function waitingForRep() {
    const step = steps[state.index];
    const spec = self.coach && self.coach.spec();
    if (!spec || !self.seen || spec.kind !== "reps" || step.kind !== "move" || step.rep == null) return false;
    if (!lastStepOfRep(state.index) || self.reps.has(repKey(step))) return false;
    return elapsed() >= step.seconds * SECOND && elapsed() < (step.seconds + REP_WAIT) * SECOND;
  }

  function holdPaused() {
    const step = steps[state.index];
    const spec = self.coach && self.coach.spec();
    const tracked = self.coach && self.coach.state;
    return Boolean(step.kind === "hold" && self.seen && spec && spec.kind === "hold" && tracked
      && tracked.progress !== null && tracked.progress < HOLD);
  }

  function follow() {
    if (!self.coach) return;
    const step = steps[state.index];
    const spec = self.coach.follow(currentExercise(), step.side || null);
    $("[data-coach-place]").textContent = spec
      ? PLACE[spec.placement]
      : "The coach does not follow this part; carry on by the clock.";
  }

  function say(text) {
    $("[data-coach-cue]").textContent = text;
    speak(text);
  }

  function status(kind, text) {
    $("[data-coach]").dataset.status = kind;
    $("[data-coach-status]").textContent = text;
    if (kind === "error") stop(false);
  }

  function onEvent(event, tracked) {
    const at = now();
    if (event.type === "found") {
      self.seen = true;
      status("seen", "I can see you: reps and holds follow your movement.");
    } else if (event.type === "lost") {
      self.seen = false;
      status("lost", "I cannot see you, so the session goes on by the clock. Step back until your head to knees are in the picture.");
    } else if (event.type === "rep" && state.playing) {
      const step = steps[state.index];
      if (step.rep != null && step.exercise === self.coach.slug) {
        self.reps.add(repKey(step));
        const box = $("[data-coach]");
        box.dataset.reps = String(Number(box.dataset.reps || 0) + 1);
        let next = state.index;
        while (next < steps.length && repKey(steps[next]) === repKey(step)) next += 1;
        if (!state.paused) go(next);
      }
    } else if (event.type === "update") {
      // A hold that is not held does not count down.
      if (holdPaused() && !state.paused && self.at !== null) state.stepStart += at - self.at;
      updateClock();
    }
    self.at = at;
    const slug = self.coach && self.coach.slug;
    if (slug && tracked && tracked.bestRange !== null && self.seen) {
      state.range[slug] = Math.max(state.range[slug] || 0, tracked.bestRange);
      const seen = Number($("[data-coach]").dataset.reps || 0);
      $("[data-coach-range]").textContent = `Best range this set: ${Math.round(state.range[slug])}°`
        + (seen ? ` · reps seen: ${seen}` : "");
    }
  }

  async function start() {
    self.starting = true;
    $("[data-action=camera]").textContent = "Camera off";
    $("[data-coach]").hidden = false;
    try {
      const coach = await startCoach({
        video: $("[data-coach-video]"),
        canvas: $("[data-coach-canvas]"),
        urls: data.coach,
        onEvent,
        onStatus: status,
        say,
      });
      if (coach && !self.stopped) {
        self.coach = coach;
        follow();
      } else if (coach) {
        coach.stop();
      }
    } catch {
      status("error", "The movement coach could not start on this device. The session carries on without it.");
    } finally {
      self.starting = false;
    }
  }

  function stop(hide = true) {
    self.stopped = true;
    if (self.coach) self.coach.stop();
    self.coach = null;
    self.seen = false;
    if (state.coach === api) state.coach = null;
    $("[data-action=camera]").textContent = "Use camera";
    if (hide) $("[data-coach]").hidden = true;
  }

  const api = { start, stop, follow, waitingForRep, holdPaused };
  return api;
}
