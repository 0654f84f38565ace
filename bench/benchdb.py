"""A fresh, empty database for a benchmark: a new SQLite file, or DATABASE_URL's PostgreSQL
database dropped and created again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit


def fresh_database(name: str) -> str:
    """Point DATABASE_URL at an empty database and return it; `name` names the SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.mkdtemp(prefix="midback-bench-")) / f"{name}.sqlite3"
        url = f"sqlite:///{path}"
    elif url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        database = parts.path.lstrip("/")
        admin = (
            f"host={parts.hostname} port={parts.port or 5432} user={parts.username} dbname=postgres"
        )
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = url
    return url
