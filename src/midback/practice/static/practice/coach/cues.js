// Short form cues, one at a time and no more than one every few seconds. Plain words that follow
// the exercise's own instructions; never a diagnosis.
import { elbowsForward } from "./measures.js";

export const CUE_GAP = 6; // seconds between cues

const WALL = new Set(["wall-angel", "wall-slide-low"]);

// The cue a tracker event or frame calls for, or null.
export function cueFor(slug, spec, event, frame, lastRepSeconds) {
  if (event.type === "partial") return "A little further, only as far as is comfortable.";
  if (event.type === "out-of-hold") return "Ease back into the position and hold.";
  if (event.type === "rep" && lastRepSeconds !== null && lastRepSeconds < 2.5) {
    return "Slowly: take your time each way.";
  }
  if (event.type === "frame" && WALL.has(slug) && frame && elbowsForward(frame) > 0.09) {
    return "Keep your elbows and the backs of your hands against the wall.";
  }
  return null;
}

export function createCuer(say) {
  let last = -Infinity;
  return (text, t) => {
    if (!text || t - last < CUE_GAP) return false;
    last = t;
    say(text);
    return true;
  };
}
