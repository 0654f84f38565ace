// The camera coach's accuracy on landmark sequences generated from the body model, against
// their known truth: rep counts, range of motion (best of the set) and seconds held, for every
// exercise and condition (clean; noise with the camera 20 degrees round and 8 up; jitter and
// dropped frames at 30 degrees; short occlusions; other body proportions).
//   .venv/bin/python tools/coach_sequences.py build/coach-sequences   (make jstest does it)
//   node bench/camera/accuracy.mjs [build/coach-sequences]
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runSequence } from "../../src/midback/practice/static/practice/coach/tracker.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = process.argv[2] || `${root}build/coach-sequences`;
const targets = JSON.parse(readFileSync(`${root}src/midback/practice/static/practice/coach/targets.json`, "utf8"));
const rows = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const seq = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
  const spec = targets.exercises[seq.slug];
  const got = runSequence(spec, seq.frames, seq.fps, { side: seq.side });
  rows.push({
    slug: seq.slug, side: seq.side, conditions: seq.conditions, kind: spec.kind,
    repError: spec.kind === "reps" ? got.reps - seq.truth.reps : null,
    romError: got.bestRange === null ? null : got.bestRange - seq.truth.best_range,
    holdError: spec.kind === "hold" ? got.heldSeconds - seq.truth.held_seconds : null,
    dropped: seq.frames.filter((f) => f === null).length / seq.frames.length,
  });
}

const fmt = (x, d = 1) => (x === null || Number.isNaN(x) ? "–" : x.toFixed(d));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log("| condition | sequences | reps exact | reps within 1 | ROM mean abs error ° | ROM max abs error ° | hold mean abs error s |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const conditions of ["clean", "noisy", "jitter-dropped", "occluded", "proportions"]) {
  const group = rows.filter((r) => r.conditions === conditions);
  const reps = group.filter((r) => r.repError !== null);
  const rom = group.map((r) => Math.abs(r.romError));
  const hold = group.filter((r) => r.holdError !== null).map((r) => Math.abs(r.holdError));
  console.log(`| ${conditions} | ${group.length} | ${reps.filter((r) => r.repError === 0).length}/${reps.length} | `
    + `${reps.filter((r) => Math.abs(r.repError) <= 1).length}/${reps.length} | ${fmt(mean(rom))} | `
    + `${fmt(Math.max(...rom))} | ${fmt(mean(hold), 2)} |`);
}
console.log("\nPer exercise (all conditions): ROM mean abs error, degrees, and what is measured");
console.log("| exercise | measure | ROM mean abs error ° | worst ° |");
console.log("|---|---|---:|---:|");
for (const slug of Object.keys(targets.exercises)) {
  const rom = rows.filter((r) => r.slug === slug).map((r) => Math.abs(r.romError));
  console.log(`| ${slug} | ${targets.exercises[slug].measure} | ${fmt(mean(rom))} | ${fmt(Math.max(...rom))} |`);
}
