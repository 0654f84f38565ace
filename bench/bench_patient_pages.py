"""Bytes over the wire (gzip) of the patient's today and player pages, without illustrations.

Run: .venv/bin/python bench/bench_patient_pages.py
Each page is fetched with Accept-Encoding: gzip through Django's middleware (GZipMiddleware
compresses the HTML); the CSS and JS it loads are gzipped here at level 6, as a compressing server
or CDN would send them. Illustrations (SVG images) are left out, as the aim says.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup() -> dict[str, Any]:
    """A fresh SQLite database with the library, a patient with a program, a signed-in client."""
    data = Path(tempfile.mkdtemp(prefix="midback-bench-"))
    os.environ["MIDBACK_DATA_DIR"] = str(data)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from midback.care.actions import do_create_patient
    from midback.content.actions import do_sync_library
    from midback.core.demo import do_create_demo_clinic
    from tests.practice.conftest import give_program, sign_in

    do_sync_library()
    clinic = do_create_demo_clinic().clinic
    patient = do_create_patient(None, clinic, "Bench", "Australia/Melbourne")
    version = give_program(patient)
    return {"patient": patient, "version": version, "client": sign_in(patient), "data": data}


AIM = 60 * 1024


def main() -> None:
    env = setup()
    from django.contrib.staticfiles import finders
    from django.utils import timezone

    from midback.practice.programs import local_now, parse_plan

    client, patient, version = env["client"], env["patient"], env["version"]
    day = local_now(patient, timezone.now()).date()
    plan = parse_plan(version.plan)
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    blocks = [b for b in plan.schedule if b.day == weekday]
    pages = {"today": "/app/", "player (whole routine)": f"/app/play/{day}/full/"}
    if blocks:
        pages["player (one break)"] = f"/app/play/{day}/{blocks[0].time.replace(':', '')}/"
    print(f"{'page':26} {'html raw':>9} {'html gz':>8} {'css+js gz':>10} {'total gz':>9}  aim")
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        gz = len(body) if response.get("Content-Encoding") == "gzip" else len(gzip.compress(body))
        raw = (
            len(gzip.decompress(body)) if response.get("Content-Encoding") == "gzip" else len(body)
        )
        html = gzip.decompress(body).decode() if response.get("Content-Encoding") else body.decode()
        assets = set(re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html))
        # Modules the page's scripts import (one level is all MidBack uses).
        for asset in list(assets):
            source = Path(finders.find(asset)).read_text(encoding="utf-8")
            for imported in re.findall(r'from "\./([^"]+)"', source):
                assets.add(str(Path(asset).parent / imported))
        asset_gz = sum(
            len(gzip.compress(Path(finders.find(a)).read_bytes(), compresslevel=6)) for a in assets
        )
        total = gz + asset_gz
        verdict = "ok" if total <= AIM else "OVER"
        print(f"{name:26} {raw:>9,} {gz:>8,} {asset_gz:>10,} {total:>9,}  {verdict} (<= {AIM:,})")


if __name__ == "__main__":
    main()
