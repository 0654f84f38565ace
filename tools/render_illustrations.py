"""Render every exercise illustration to SVG and PNG contact sheets in build/illustrations/.

Usage: .venv/bin/python tools/render_illustrations.py [slug ...]
Each sheet shows the start still, the animation paused mid-way and the end still, so the
figures can be looked at as a clinic would print them. Needs Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from midback.content.illustration import ILLUSTRATED_SLUGS, render_svg
from midback.content.illustration.poses import exercise_name, timing

OUT = Path(__file__).resolve().parent.parent / "build" / "illustrations"
CHROMIUM_ARGS = [
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
PAGE = """<!doctype html><meta charset="utf-8"><style>
body{{margin:0;padding:16px;font:14px system-ui,sans-serif;background:#fff;color:#123}}
.row{{display:flex;gap:12px;align-items:flex-start}} figure{{margin:0;flex:1}}
figure svg{{width:100%;height:auto;max-height:420px}} figcaption{{text-align:center}}
</style><h3>{name} <small>({slug})</small></h3><div class="row">
<figure>{start}<figcaption>start</figcaption></figure>
<figure>{mid}<figcaption>animation, mid-way</figcaption></figure>
<figure>{end}<figcaption>end</figcaption></figure></div>"""


def main(slugs: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # Keep renders out of git without touching the repository's own ignore file.
    (OUT / ".gitignore").write_text("*\n")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 520})
        for slug in slugs:
            svgs = {
                frame or "animated": render_svg(slug, frame) for frame in ("start", "end", None)
            }
            for form, svg in svgs.items():
                (OUT / f"{slug}-{form}.svg").write_text(svg)
            html = PAGE.format(
                name=exercise_name(slug),
                slug=slug,
                start=svgs["start"],
                mid=svgs["animated"],
                end=svgs["end"],
            )
            page.set_content(html)
            t = timing(slug)
            mid_ms = (t.pause_start + t.forward / 2) * 1000
            page.evaluate(
                "ms => document.getAnimations().forEach(a => { a.pause(); a.currentTime = ms; })",
                mid_ms,
            )
            page.screenshot(path=str(OUT / f"{slug}.png"), full_page=True)
            print(
                f"{slug}: "
                + ", ".join(f"{k} {len(v.encode()) / 1024:.1f} KB" for k, v in svgs.items())
            )
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:] or list(ILLUSTRATED_SLUGS))
