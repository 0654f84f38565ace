"""The shape of the code: one auth class for the patient API."""

from __future__ import annotations

from django.test import Client

from midback.api import api


def test_every_me_route_answers_401_in_the_api_shape_without_a_device(db: None) -> None:
    schema = api.get_openapi_schema()
    me = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1/me/")}
    assert len(me) >= 8  # the patient app's routes and the reminders'
    client = Client()
    for path, operations in me.items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"DeviceCookie": []}], (method, path)
            url = path.replace("{block_id}", "0930").replace("{day}", "2026-01-01")
            url = url.replace("{session_id}", "00000000-0000-0000-0000-000000000000")
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, "{}", content_type="application/json")
            assert response.status_code == 401, (method, url)
            assert response.json() == {
                "error": "Sign in first",
                "field": None,
                "code": "unauthorized",
            }
