"""The JSON API (django-ninja). One error shape: {"error": ..., "field": ..., "code": ...}."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

api = NinjaAPI(
    title="MidBack API",
    version="1",
    description="Exercise library, tailoring and practice records for mid back pain programs.",
    urls_namespace="api",
)


class ErrorOut(Schema):
    error: str
    field: str | None = None
    code: str


def error_response(
    request: HttpRequest, status: int, message: str, code: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": message, "field": field, "code": code}, status=status
    )


def _field_of(loc: list[object] | tuple[object, ...]) -> str | None:
    # ninja prefixes locations with where the value came from ("body", "query", "path").
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "__root__")]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = first.get("msg", "Invalid input")
    if field:
        message = f"{field}: {message}"
    return error_response(request, 422, message, first.get("type", "invalid"), field)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    return error_response(request, exc.status_code, str(exc), code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Not found", "not_found")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "Sign in first", "unauthorized")


def _register_routers() -> None:
    from midback.content.api import router as content_router
    from midback.core.api import router as plans_router
    from midback.practice.api import router as practice_router
    from midback.reminders.api import router as reminders_router

    api.add_router("/v1/", content_router)
    api.add_router("/v1/", plans_router)
    api.add_router("/v1/me/", practice_router)
    api.add_router("/v1/me/", reminders_router)


_register_routers()
