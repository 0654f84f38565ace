"""Time and queries of the pre-visit summary (HTML and A4 PDF) for a patient with four weeks of
data (the test suite's `four_weeks`: two sessions a day, four stops, weekly check-ins).

Run: .venv/bin/python bench/bench_visit_summary.py [--runs 10]
Prints the median and slowest of each, the queries per request and the PDF's size.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    data = Path(tempfile.mkdtemp(prefix="midback-bench-"))
    os.environ["MIDBACK_DATA_DIR"] = str(data)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from midback.content.actions import do_sync_library
    from tests.clinic.conftest import make_side
    from tests.clinic.test_visit_summary import four_weeks

    do_sync_library()
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    _, visit = four_weeks(side)
    url = f"/clinic/patients/{side.patient.pk}/visits/{visit.pk}/summary/"
    print(f"{'what':12} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>8}")
    for name, suffix in (("HTML", ""), ("PDF (A4)", "?format=pdf")):
        side.client.get(url + suffix)  # warm: imports, templates, fonts
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                response = side.client.get(url + suffix)
                times.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200
        print(
            f"{name:12} {statistics.median(times):10.0f} {max(times):8.0f} "
            f"{len(queries.captured_queries):8d} {len(response.content):8d}"
        )


if __name__ == "__main__":
    main()
