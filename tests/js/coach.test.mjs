// The camera coach's movement logic on landmark sequences generated from the body model
// (tools/coach_sequences.py writes them into build/coach-sequences; `make test` runs both).
// Clean: exact reps, range within 5 degrees (frames rounded to 0.1 mm), held seconds within half a second.
// Noise, jitter, dropped frames, occlusion, other proportions, camera 0-30 degrees round:
// within one rep and 8 degrees, held seconds within 1.5 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measure } from "../../src/midback/practice/static/practice/coach/measures.js";
import { createTracker, runSequence } from "../../src/midback/practice/static/practice/coach/tracker.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const targets = JSON.parse(readFileSync(`${root}src/midback/practice/static/practice/coach/targets.json`, "utf8"));
const dir = process.env.COACH_SEQUENCES || `${root}build/coach-sequences`;
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const load = (file) => JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));

test("there is a clean and a spoiled sequence for every exercise in the targets", () => {
  for (const slug of Object.keys(targets.exercises)) {
    assert.ok(files.some((f) => f.startsWith(slug) && f.endsWith("-clean.json")), `${slug} clean`);
    assert.ok(files.some((f) => f.startsWith(slug) && f.endsWith("-noisy.json")), `${slug} noisy`);
  }
});

test("the JS measures give the body model's own numbers on clean frames", () => {
  for (const file of files.filter((f) => f.endsWith("-clean.json"))) {
    const seq = load(file);
    const spec = targets.exercises[seq.slug];
    seq.frames.forEach((frame, i) => {
      const got = measure(spec.measure, frame);
      assert.ok(Math.abs(got - seq.clean[i]) < 0.1, `${file} frame ${i}: ${got} vs ${seq.clean[i]}`);
    });
  }
});

for (const file of files) {
  test(`coach on ${file.replace(".json", "")}`, () => {
    const seq = load(file);
    const spec = targets.exercises[seq.slug];
    const clean = seq.conditions === "clean";
    const got = runSequence(spec, seq.frames, seq.fps, { side: seq.side });
    const truth = seq.truth;
    if (spec.kind === "reps") {
      if (clean) assert.equal(got.reps, truth.reps, "reps");
      else assert.ok(Math.abs(got.reps - truth.reps) <= 1, `reps ${got.reps} vs ${truth.reps}`);
    } else {
      const slack = clean ? 0.5 : 1.5;
      assert.ok(Math.abs(got.heldSeconds - truth.held_seconds) <= slack,
        `held ${got.heldSeconds.toFixed(2)} s vs ${truth.held_seconds} s`);
    }
    const limit = clean ? 5 : 8;
    assert.notEqual(got.bestRange, null, "a range was measured");
    assert.ok(Math.abs(got.bestRange - truth.best_range) <= limit,
      `best range ${got.bestRange.toFixed(1)} vs ${truth.best_range} (limit ${limit})`);
  });
}

test("a hold's clock stops while the position is lost and while the person is out of view", () => {
  const seq = load(files.find((f) => f.startsWith("childs-pose-clean")));
  const spec = targets.exercises["childs-pose"];
  const tracker = createTracker(spec);
  let t = 0;
  const step = 1 / seq.fps;
  const deepest = seq.clean.indexOf(Math.min(...seq.clean)); // child's pose folds: the measure falls
  const endFrame = seq.frames[deepest];
  for (let i = 0; i < 60; i += 1) tracker.update(endFrame, (t += step)); // 2 s held
  const afterHeld = tracker.state.heldSeconds;
  assert.ok(afterHeld > 1.3 && afterHeld <= 2.0, `held ${afterHeld}`);
  for (let i = 0; i < 90; i += 1) tracker.update(seq.frames[0], (t += step)); // 3 s at the start
  assert.ok(tracker.state.heldSeconds - afterHeld < 0.2, "no time while out of position");
  const before = tracker.state.heldSeconds;
  const events = [];
  for (let i = 0; i < 60; i += 1) events.push(...tracker.update(null, (t += step))); // 2 s unseen
  assert.equal(tracker.state.heldSeconds, before, "no time while unseen");
  assert.ok(events.some((e) => e.type === "lost"), "says when it cannot see the person");
});

test("going only part of the way is not a rep", () => {
  const spec = targets.exercises["wall-angel"];
  const tracker = createTracker(spec);
  const seq = load(files.find((f) => f.startsWith("wall-angel-clean")));
  // Frames whose measure goes only 55% of the way and back, three times.
  const halfway = seq.frames.filter((_, i) => {
    const p = (seq.clean[i] - spec.start) / (spec.end - spec.start);
    return p >= 0 && p <= 0.55;
  });
  let t = 0;
  const events = [];
  for (let r = 0; r < 3; r += 1) {
    for (const frame of [...halfway, ...halfway.slice().reverse()]) events.push(...tracker.update(frame, (t += 1 / 30)));
  }
  assert.equal(tracker.state.reps, 0);
  assert.ok(events.some((e) => e.type === "partial"));
});

test("cues: one at a time, no more than one every few seconds, and the wall cue when elbows come forward", async () => {
  const { cueFor, createCuer, CUE_GAP } = await import("../../src/midback/practice/static/practice/coach/cues.js");
  const said = [];
  const cue = createCuer((text) => said.push(text));
  const spec = targets.exercises["wall-angel"];
  assert.equal(cue(cueFor("wall-angel", spec, { type: "partial" }, null, null), 10), true);
  assert.equal(cue(cueFor("wall-angel", spec, { type: "partial" }, null, null), 10 + CUE_GAP - 0.1), false);
  assert.equal(cue(cueFor("wall-angel", spec, { type: "rep" }, null, 1.2), 10 + CUE_GAP + 0.1), true);
  assert.deepEqual(said, ["A little further, only as far as is comfortable.", "Slowly: take your time each way."]);
  // Elbows 15 cm in front of the shoulders: the wall is lost.
  const frame = load(files.find((f) => f.startsWith("wall-angel-clean"))).frames[0].map((p) => [...p]);
  assert.equal(cueFor("wall-angel", spec, { type: "frame" }, frame, null), null);
  for (const i of [13, 14]) frame[i][2] -= 0.15; // z is away from the camera; the figure faces it
  assert.match(cueFor("wall-angel", spec, { type: "frame" }, frame, null), /against the wall/);
  assert.equal(cueFor("cat-camel", targets.exercises["cat-camel"], { type: "frame" }, frame, null), null);
});
