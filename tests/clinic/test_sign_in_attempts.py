"""Guessing is limited: authenticator codes count like passwords, a code works once, the session
key changes at each step, and one client address has a budget of its own across accounts."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from tests.clinic.conftest import PASSWORD, Side


def with_code(side: Side) -> str:
    secret = pyotp.random_base32()
    side.staff.totp_secret, side.staff.totp_enabled = secret, True
    side.staff.save()
    return secret


def wrong_code(secret: str) -> str:
    right = pyotp.TOTP(secret)
    return next(
        c for c in ("000000", "111111", "222222", "333333") if c not in {right.now(), right.at(0)}
    )


def password_step(client: Client, side: Side) -> None:
    response = client.post(
        "/clinic/login/", {"email": side.staff.user.username, "password": PASSWORD}
    )
    assert response["Location"].startswith("/clinic/login/code/")


def test_five_wrong_codes_end_the_pending_sign_in_and_the_right_one_then_fails(
    harbour: Side,
) -> None:
    secret = with_code(harbour)
    client = Client()
    password_step(client, harbour)
    for _ in range(4):
        response = client.post("/clinic/login/code/", {"code": wrong_code(secret)})
        assert response.status_code == 401
    response = client.post("/clinic/login/code/", {"code": wrong_code(secret)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    response = client.post("/clinic/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/clinic/login/"
    assert client.get("/clinic/").status_code == 302  # still not signed in


def test_wrong_codes_count_towards_the_accounts_lock_and_a_password_does_not_clear_them(
    harbour: Side,
) -> None:
    secret = with_code(harbour)
    client = Client()
    for _ in range(2):
        password_step(client, harbour)
        for _ in range(2):
            client.post("/clinic/login/code/", {"code": wrong_code(secret)})
    password_step(client, harbour)  # 4 failures so far; the right password does not reset them
    client.post("/clinic/login/code/", {"code": wrong_code(secret)})
    response = client.post(
        "/clinic/login/", {"email": harbour.staff.user.username, "password": PASSWORD}
    )
    assert response.status_code == 401
    assert "Too many failed attempts" in response.content.decode()


def test_a_code_is_accepted_only_once(harbour: Side) -> None:
    secret = with_code(harbour)
    code = pyotp.TOTP(secret).now()
    first = Client()
    password_step(first, harbour)
    assert first.post("/clinic/login/code/", {"code": code}).status_code == 302
    second = Client()
    password_step(second, harbour)
    response = second.post("/clinic/login/code/", {"code": code})
    assert response.status_code == 401
    assert second.get("/clinic/").status_code == 302


def test_the_session_key_changes_at_each_step(harbour: Side) -> None:
    secret = with_code(harbour)
    client = Client()
    client.get("/clinic/login/")
    client.session.save()
    planted = client.session.session_key
    password_step(client, harbour)
    after_password = client.cookies["sessionid"].value
    assert after_password != planted
    client.post("/clinic/login/code/", {"code": wrong_code(secret)})
    after_wrong = client.cookies["sessionid"].value
    assert after_wrong != after_password
    client.post("/clinic/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert client.cookies["sessionid"].value not in {planted, after_password, after_wrong}
    assert client.get("/clinic/").status_code == 200


@pytest.mark.parametrize("path", ["/clinic/login/", "/sign-in/"])
def test_one_client_address_is_limited_across_accounts(
    harbour: Side, path: str, settings: object
) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        client.post(path, {"email": f"guess{n}@x.example", "password": "nope"}).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    # Another address still has its budget: limits are per client, not global.
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(path, {"email": "a@x.example", "password": "nope"}).status_code == 401


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(
    harbour: Side, settings: object
) -> None:
    def attempts(forwarded_for: str) -> list[int]:
        return [
            Client(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=forwarded_for)
            .post("/clinic/login/", {"email": f"g{n}@x.example", "password": "x"})
            .status_code
            for n in range(21)
        ]

    # Untrusted: a client cannot escape its budget by inventing X-Forwarded-For.
    statuses = [
        Client(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        .post("/clinic/login/", {"email": f"g{n}@x.example", "password": "x"})
        .status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429
    # Behind a trusted proxy, each forwarded client has its own budget.
    settings.TRUSTED_PROXIES = ["198.51.100.0/24"]  # type: ignore[attr-defined]
    assert attempts("192.0.2.77")[-1] == 429
    assert attempts("192.0.2.78")[0] == 401
