"""The deployments the fault tests run against: SQLite always, PostgreSQL when reachable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.appserver import Deployment, postgres_reachable


@pytest.fixture(params=["sqlite", "postgres"])
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
