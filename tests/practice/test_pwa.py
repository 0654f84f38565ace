"""Installable and offline: the manifest, its icons, and the service worker at the site root."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client, override_settings

from midback.practice import views

HASHED = re.compile(r"^/static/[\w/-]+\.[0-9a-f]{12}\.\w+$")


def worker_config() -> dict[str, object]:
    source = Client().get("/sw.js").content.decode()
    config: dict[str, object] = json.loads(
        source.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";")
    )
    return config


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(db: None) -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    config = json.loads(source.split("\n", 1)[0].removeprefix("const CONFIG = ").rstrip(";"))
    assert len(config["version"]) == 12
    for name in ("practice/player.js", "practice/queue.js", "practice/app.js", "midback/site.css"):
        assert static(name) in config["precache"], name
        assert HASHED.match(static(name)), static(name)
    assert config["push"] == static("reminders/push-sw.js")
    assert static("reminders/reminders.js") in config["precache"]
    assert 'addEventListener("fetch"' in source


def test_every_precached_file_is_served_under_a_name_that_carries_its_hash(db: None) -> None:
    config = worker_config()
    client = Client()
    urls = config["precache"]
    assert isinstance(urls, list)
    for url in urls:
        if url.startswith("/static/"):
            assert HASHED.match(url), url
        response = client.get(url)
        assert response.status_code == 200, url


def test_module_imports_name_the_hashed_files_they_were_built_with(db: None) -> None:
    response = Client().get(static("practice/player.js"))
    source = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    queue = static("practice/queue.js").rsplit("/", 1)[1]
    app = static("practice/app.js").rsplit("/", 1)[1]
    assert f'from "./{queue}"' in source
    assert f'from "./{app}"' in source


def test_changing_any_cached_file_changes_the_workers_version(db: None, tmp_path: Path) -> None:
    views._worker_source.cache_clear()
    before = worker_config()["version"]
    # A folder listed first in STATICFILES_DIRS shadows the app's own copy of a file.
    for name in ("practice/queue.js", "reminders/push-sw.js", "midback/site.css"):
        original = Path(finders.find(name))  # type: ignore[arg-type]
        changed = tmp_path / name.replace("/", "_") / name
        changed.parent.mkdir(parents=True)
        changed.write_bytes(original.read_bytes() + b"\n/* changed */\n")
        with override_settings(STATICFILES_DIRS=[changed.parent.parent]):
            finders.get_finder.cache_clear()
            views._worker_source.cache_clear()
            after = worker_config()["version"]
        finders.get_finder.cache_clear()
        views._worker_source.cache_clear()
        assert after != before, name
        assert len(after) == len(before) == 12  # type: ignore[arg-type]
    assert worker_config()["version"] == before


def test_the_manifest_makes_the_app_installable(db: None) -> None:
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/app/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        served = Client().get(icon["src"])
        assert served.status_code == 200, icon
        if icon["type"] == "image/png":
            header = b"".join(served.streaming_content)[:24]  # type: ignore[attr-defined]
            assert header[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(header[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]


def test_patient_pages_link_the_manifest(priya_client: Client) -> None:
    page = priya_client.get("/app/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert f'<script type="module" src="{static("practice/app.js")}"></script>' in page
