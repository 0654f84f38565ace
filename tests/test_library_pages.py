"""Library pages and API answer, for people and for integrators."""

from __future__ import annotations

import pytest
from django.test import Client

from midback.content.loader import load_library

pytestmark = pytest.mark.usefixtures("library")


def test_the_list_page_shows_the_five_and_the_alternatives(client: Client) -> None:
    response = client.get("/exercises/")
    assert response.status_code == 200
    html = response.content.decode()
    for spec in load_library().values():
        assert spec.name.replace("'", "&#x27;") in html


def test_the_detail_page_shows_steps_breathing_dose_and_safety(client: Client) -> None:
    html = client.get("/exercises/cat-camel/").content.decode()
    assert "Cat-Camel Stretch" in html
    assert "Arch your back, lifting your head and tailbone (cow)." in html
    assert "Breathe in" in html and "Breathe out" in html
    assert "10–15 reps" in html
    assert "When to stop" in html and "numbness or tingling" in html
    assert 'href="/exercises/seated-cat-camel/"' in html
    assert "/exercises/cat-camel/illustration.svg" in html


def test_an_alternative_links_back_to_what_it_replaces(client: Client) -> None:
    html = client.get("/exercises/seated-chest-opener/").content.decode()
    assert 'href="/exercises/childs-pose/"' in html
    assert "osteoporosis" in html


def test_an_unknown_exercise_page_is_404(client: Client) -> None:
    assert client.get("/exercises/handstand/").status_code == 404


def test_the_api_lists_every_exercise_with_its_dose(client: Client) -> None:
    response = client.get("/api/v1/exercises")
    assert response.status_code == 200
    data = response.json()
    assert [e["slug"] for e in data][:5] == [
        "cat-camel",
        "thoracic-extension",
        "seated-twist",
        "wall-angel",
        "childs-pose",
    ]
    twist = next(e for e in data if e["slug"] == "seated-twist")
    assert twist["dose"]["text"] == "hold 10–20 s each side"
    assert twist["steps"][0]["number"] == 1
    assert twist["illustration"]["start"].endswith("illustration.svg?frame=start")


def test_the_api_answers_one_exercise(client: Client) -> None:
    data = client.get("/api/v1/exercises/wall-angel").json()
    assert (data["name"], data["dose"]["reps"], data["version"]) == ("Wall Angels", [10, 12], 1)


def test_the_api_answers_404_in_the_error_shape(client: Client) -> None:
    response = client.get("/api/v1/exercises/handstand")
    assert response.status_code == 404
    assert response.json() == {
        "error": "No exercise with slug 'handstand'",
        "field": None,
        "code": "not_found",
    }


def test_the_list_api_stays_within_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: object
) -> None:
    # The first answer for a set of current versions is built and put in the shared cache.
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        first = client.get("/api/v1/exercises")
    # Later ones only ask which versions are current.
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        again = client.get("/api/v1/exercises")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and len(first.json()) >= 5


def test_openapi_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/exercises/{slug}" in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/exercises/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("slug", [spec.slug for spec in load_library().values()])
@pytest.mark.parametrize("frame", ["", "?frame=start", "?frame=end"])
def test_every_illustration_is_served_as_svg(client: Client, slug: str, frame: str) -> None:
    import xml.etree.ElementTree as ET

    response = client.get(f"/exercises/{slug}/illustration.svg{frame}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_a_bad_frame_is_a_clear_400(client: Client) -> None:
    response = client.get("/exercises/cat-camel/illustration.svg?frame=middle")
    assert response.status_code == 400
    assert b"frame must be 'start' or 'end'" in response.content


def test_an_unknown_illustration_is_404(client: Client) -> None:
    assert client.get("/exercises/handstand/illustration.svg").status_code == 404


def test_the_list_api_answers_304_when_nothing_changed(client: Client) -> None:
    first = client.get("/api/v1/exercises")
    again = client.get("/api/v1/exercises", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_a_wrong_method_on_the_api_gets_the_error_shape(client: Client) -> None:
    response = client.post("/api/v1/exercises")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"
