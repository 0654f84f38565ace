"""Settings helpers fail loudly on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from midback.env import ConfigError, database_from_url, envbool, envint, envsecret


def test_envbool_reads_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert envbool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert envbool("X_FLAG", True) is False


def test_envbool_rejects_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG='maybe'"):
        envbool("X_FLAG", False)


def test_envint_rejects_words_and_values_below_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_NUM", "many")
    with pytest.raises(ConfigError, match="whole number"):
        envint("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-1")
    with pytest.raises(ConfigError, match="at least 0"):
        envint("X_NUM", 1, minimum=0)


def test_envsecret_reads_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert envsecret("X_KEY", "default") == "s3cret"


def test_database_url_for_postgres() -> None:
    db = database_from_url("postgres://me:p%40ss@db.example:6543/midback", Path("/tmp/x.sqlite3"))
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "midback",
        "me",
        "p@ss",
        "db.example",
        "6543",
    )


def test_database_url_defaults_to_sqlite_in_wal_mode(tmp_path: Path) -> None:
    db = database_from_url("", tmp_path / "data" / "db.sqlite3")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in str(db["OPTIONS"])


def test_database_url_rejects_other_schemes() -> None:
    with pytest.raises(ConfigError, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://x/y", Path("/tmp/x"))
