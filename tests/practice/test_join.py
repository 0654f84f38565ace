"""Joining by invite link: GET asks, POST signs in, bad links fail alike, and it is rate-limited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from midback.care.devices import COOKIE_NAME, do_create_invite
from midback.care.models import DeviceSession, Invite, Patient


@pytest.fixture(autouse=True)
def fresh_limits(db: None) -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_opening_the_link_does_not_use_it(priya: Patient) -> None:
    invite, code = do_create_invite(None, priya)
    response = Client().get(f"/join/{code}")
    assert response.status_code == 200 and b"Open my program" in response.content
    invite.refresh_from_db()
    assert invite.used_at is None


def test_confirming_signs_this_device_in_and_lands_on_today(priya: Patient) -> None:
    _, code = do_create_invite(None, priya)
    client = Client()
    response = client.post(f"/join/{code}")
    assert response.status_code == 302 and response["Location"] == "/app/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.get("/app/").status_code == 200
    assert DeviceSession.objects.filter(patient=priya).count() == 1


def test_a_used_link_says_so(priya: Patient) -> None:
    _, code = do_create_invite(None, priya)
    Client().post(f"/join/{code}")
    response = Client().post(f"/join/{code}")
    assert response.status_code == 400
    assert b"expired or has already been used" in response.content
    assert COOKIE_NAME not in response.cookies


def test_join_is_rate_limited_per_address(priya: Patient) -> None:
    client = Client()
    for _ in range(10):
        assert client.post("/join/guess").status_code == 400
    response = client.post("/join/guess")
    assert response.status_code == 429 and response["Retry-After"] == "600"
    # Even a good code waits until the window passes.
    _, code = do_create_invite(None, priya)
    assert client.get(f"/join/{code}").status_code == 429
    assert Invite.objects.get(patient=priya).used_at is None
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert other.get(f"/join/{code}").status_code == 200


def test_a_used_link_says_so_before_the_tap(priya: Patient) -> None:
    _, code = do_create_invite(None, priya)
    assert Client().post(f"/join/{code}").status_code == 302
    response = Client().get(f"/join/{code}")
    page = response.content.decode()
    assert response.status_code == 410
    assert "already been used" in page and "Open my program" not in page
    assert "ask your clinic for a new link" in page


def test_behind_a_trusted_proxy_each_visitor_has_their_own_budget(
    priya: Patient, settings: Any
) -> None:
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]

    def through_proxy(visitor: str) -> Client:
        return Client(REMOTE_ADDR="10.9.0.5", HTTP_X_FORWARDED_FOR=f"{visitor}, 10.9.0.4")

    for _ in range(10):
        assert through_proxy("198.51.100.20").post("/join/guess").status_code == 400
    assert through_proxy("198.51.100.20").post("/join/guess").status_code == 429
    assert through_proxy("198.51.100.21").post("/join/guess").status_code == 400


def test_the_limits_count_in_a_cache_every_process_shares() -> None:
    from django.conf import settings as django_settings

    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend.endswith(("DatabaseCache", "RedisCache"))
