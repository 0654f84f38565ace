"""The API's one error shape, {"error": ..., "field": ..., "code": ...}, for every router (the
API root in `midback.api` and the routers of the front doors answer with it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer


class ErrorOut(Schema):
    error: str
    field: str | None = None
    code: str


_renderer = JSONRenderer()


def error_response(
    request: HttpRequest, status: int, message: str, code: str, field: str | None = None
) -> HttpResponse:
    """The error as the API answers it (the same JSON and content type as its other answers)."""
    body = _renderer.render(
        request, {"error": message, "field": field, "code": code}, response_status=status
    )
    return HttpResponse(
        body, status=status, content_type=f"{_renderer.media_type}; charset={_renderer.charset}"
    )
