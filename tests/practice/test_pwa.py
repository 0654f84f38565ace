"""Installable and offline: the manifest, its icons, and the service worker at the site root."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.test import Client


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(db: None) -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    config = json.loads(source.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";"))
    assert len(config["version"]) == 12
    assert "/static/practice/player.js" in config["precache"]
    assert "/static/practice/queue.js" in config["precache"]
    assert "/static/midback/site.css" in config["precache"]
    assert 'addEventListener("fetch"' in source


def test_every_precached_file_exists(db: None) -> None:
    source = Client().get("/sw.js").content.decode()
    config = json.loads(source.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";"))
    client = Client()
    for url in config["precache"]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_the_manifest_makes_the_app_installable(db: None) -> None:
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/app/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        if icon["type"] == "image/png":
            with open(path, "rb") as png:
                header = png.read(24)
            assert header[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(header[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]


def test_patient_pages_link_the_manifest(priya_client: Client) -> None:
    page = priya_client.get("/app/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<script type="module" src="/static/practice/app.js"></script>' in page
