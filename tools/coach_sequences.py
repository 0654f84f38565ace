"""Write the camera coach's targets (`practice/static/practice/coach/targets.json`, committed;
a test checks it is current) and its test sequences (landmarks generated from the body model, with their
truth) as JSON files for `node --test tests/js/` (run by `make test`) and the benchmark.

    python tools/coach_sequences.py build/coach-sequences        # the sequences
    python tools/coach_sequences.py --write-targets build/...   # and refresh targets.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from midback.content.illustration.coach import (
    MEASURES,
    Conditions,
    exercise_kind,
    sequence,
    targets,
)

TARGETS = (
    Path(__file__).resolve().parent.parent
    / "src/midback/practice/static/practice/coach/targets.json"
)


def targets_text() -> str:
    return json.dumps(targets(), indent=1) + "\n"


# Each spoiled condition, with a seed per file so the sequences are the same on every run.
NOISY = {
    "noisy": Conditions(noise_m=0.015, yaw=20.0, pitch=8.0),
    "jitter-dropped": Conditions(noise_m=0.01, jitter=0.08, dropped=0.1, yaw=30.0),
    "occluded": Conditions(noise_m=0.01, occlusions=2, dropped=0.05, yaw=10.0),
    "proportions": Conditions(noise_m=0.01, size=0.85, arm_ratio=1.1, yaw=15.0, pitch=5.0),
}


def write_all(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for slug in MEASURES:
        kind, sides = exercise_kind(slug)
        for side in ("left", "right") if sides else (None,):
            for name, conditions in {"clean": Conditions(), **NOISY}.items():
                seed = count + 1
                if kind == "hold":
                    seq = sequence(
                        slug,
                        hold_seconds=12.0,
                        out_seconds=4.0,
                        side=side,
                        conditions=conditions,
                        seed=seed,
                    )
                else:
                    seq = sequence(
                        slug,
                        reps=4,
                        amplitudes=(1.0, 0.85),
                        side=side,
                        conditions=conditions,
                        seed=seed,
                    )
                seq["conditions"] = name
                file = out / f"{slug}{'-' + side if side else ''}-{name}.json"
                file.write_text(json.dumps(seq, separators=(",", ":")))
                count += 1
    return count


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--write-targets" in args:
        args.remove("--write-targets")
        TARGETS.write_text(targets_text())
        print(f"wrote {TARGETS}")
    target = Path(args[0] if args else "build/coach-sequences")
    print(f"{write_all(target)} sequences in {target}")
