"""Frames per second of the camera coach's pose model (BlazePose lite and full, TensorFlow.js on
WebAssembly, in the coach's own worker) in headless Chromium, fed by the fake camera playing
MidBack's wall-angel figure. Prints the load average beside each figure: the machine is shared.

    .venv/bin/midback coachfiles && .venv/bin/python bench/camera/fps.py [--models lite,full]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "src"))
from fake_camera import RASTER, write_y4m, y4m_frame  # noqa: E402

from midback.content.illustration.render import render_svg  # noqa: E402

CHROMIUM = os.environ.get("MIDBACK_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="lite,full")
    args = parser.parse_args()
    vendor = ROOT / "build/static/coach/vendor"
    if not (vendor / "models/blazepose-lite.bin").is_file():
        sys.exit(
            "Run `.venv/bin/midback coachfiles` first (it copies the models from node_modules)."
        )
    site = Path(tempfile.mkdtemp(prefix="coach-fps-"))
    (site / "vendor").symlink_to(vendor)
    (site / "coach").symlink_to(ROOT / "src/midback/practice/static/practice/coach")
    (site / "fps.html").write_text((Path(__file__).parent / "fps.html").read_text())
    for frame in ("start", "end"):
        (site / f"{frame}.svg").write_text(render_svg("wall-angel", frame))  # type: ignore[arg-type]
    server, base = serve(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(f"{base}/fps.html?noop")
        frames = [y4m_frame(page.evaluate(RASTER, f"{base}/{f}.svg")) for f in ("start", "end")]
        browser.close()
        video = site / "figure.y4m"
        write_y4m(video, frames, repeat=30)
        camera = [
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        print(
            f"cores: {os.cpu_count()}; video 640x480 of MidBack's wall-angel figure (2 positions)"
        )
        print(
            "| model | frames/s | ms per frame in the worker | load s | frames with the person | load average (1 min) before → after |"
        )
        print("|---|---:|---:|---:|---:|---|")
        for model in args.models.split(","):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS + camera)
            page = browser.new_page()
            before = os.getloadavg()[0]
            page.goto(f"{base}/fps.html?model={model}")
            r = page.evaluate("() => window.result")
            after = os.getloadavg()[0]
            browser.close()
            print(
                f"| {r['model']} ({r['backend']}) | {r['fps']:.1f} | {r['workerMs']:.1f} | "
                f"{r['loadMs'] / 1000:.2f} | {r['found']}/{r['frames']} | {before:.1f} → {after:.1f} |"
            )
    server.shutdown()


if __name__ == "__main__":
    main()
