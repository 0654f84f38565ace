"""The deployment the fault tests run against: the database the suite itself runs on.

`make test` runs on SQLite, and with DATABASE_URL on PostgreSQL (CI runs both), so each kind of
database meets the faults once per CI run instead of twice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.appserver import Deployment, postgres_reachable

SUITE_DATABASE = (
    "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
)


@pytest.fixture(params=[SUITE_DATABASE])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A prepared database and a running gunicorn; stopped and dropped afterwards."""
    if request.param == "postgres" and not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres")
    app = Deployment(request.param, tmp_path)
    try:
        app.prepare()
        app.start()
        yield app
    finally:
        app.stop()
        app.drop()
