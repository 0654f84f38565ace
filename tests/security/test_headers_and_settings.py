"""Production settings pass Django's deploy checks, and every response carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.test import Client

PRODUCTION_ENV = {
    "MIDBACK_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SITE_URL": "https://midback.example",
    "ALLOWED_HOSTS": "midback.example",
    "DEBUG": "0",
}


def clean_env(**extra: str) -> dict[str, str]:
    """The test process's environment without what the test run itself set for Playwright."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **extra}


def run_midback(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "midback", *args],
        env=clean_env(**env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_midback("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": "dev-only-insecure-key-never-use-in-production"}
    result = run_midback("check", env=env)
    assert result.returncode != 0
    assert "MIDBACK_PRODUCTION=1 needs DEBUG off and a real SECRET_KEY" in result.stderr


def test_a_bad_setting_value_fails_loudly() -> None:
    result = run_midback("check", env={"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG='perhaps'" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/exercises/", "/clinic/login/", "/api/v1/exercises"])
def test_every_page_sends_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_https_settings_turn_on_hsts_and_secure_cookies() -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=clean_env(**PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="midback.settings"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True"]


@pytest.mark.django_db
def test_forms_are_protected_by_csrf() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/clinic/login/", {"email": "a@b.example", "password": "x"})
    assert response.status_code == 403
