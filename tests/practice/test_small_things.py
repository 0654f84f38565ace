"""Small things a patient notices: the app's own 404, devices named as people know them."""

from __future__ import annotations

from django.test import Client

from midback.care.models import Patient
from midback.practice.agents import describe
from tests.practice.conftest import sign_in


def test_an_unknown_block_gets_the_apps_not_found_page_with_a_way_back(
    priya_client: Client,
) -> None:
    response = priya_client.get("/app/play/2026-12-01/0301/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert 'href="/app/"' in page


def test_devices_are_named_by_browser_and_system(priya: Patient) -> None:
    pixel = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    )
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    )
    assert describe(pixel) == "Chrome on Android"
    assert describe(iphone) == "Safari on iPhone"
    assert describe(edge) == "Edge on Windows"
    assert describe("") == "Unknown browser"
    client = sign_in(priya)
    page = client.get("/app/devices/").content.decode()
    assert "pytest phone" not in page
    assert "<title>Devices · MidBack</title>" in page
