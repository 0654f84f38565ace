"""The JSON API (django-ninja). One error shape: {"error": ..., "field": ..., "code": ...}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from midback.care.api_errors import error_response
from midback.plans import cleaning


class MidBackAPI(NinjaAPI):
    """The API, whose schema also lists the answers every route can give: 401 where a route needs
    a signed-in device, 400 where it takes a JSON body (malformed JSON), and 403/413/415 on every
    write (another site's Origin, a body over the limit, not JSON)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault(401, error)
                if "requestBody" in operation:
                    responses.setdefault(400, error)
                if method in ("post", "put", "patch", "delete"):
                    # core/middleware.py: JSON only, this site only, within the size limit.
                    for status in (403, 413, 415):
                        responses.setdefault(status, error)
        return schema


class LimitedParser(Parser):
    """JSON bodies within the shared limits of depth and size (`midback.plans.cleaning`)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return cleaning.load_json(request.body)


api = MidBackAPI(
    parser=LimitedParser(),
    title="MidBack API",
    version="1",
    description="Exercise library, tailoring and practice records for mid back pain programs.",
    urls_namespace="api",
)


def _field_of(loc: list[object] | tuple[object, ...]) -> str | None:
    # ninja prefixes locations with where the value came from ("body", "query", "path").
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "__root__")]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "Invalid input")).removeprefix("Value error, ")
    if field:
        message = f"{field}: {message}"
    return error_response(request, 422, message, first.get("type", "invalid"), field)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    return error_response(request, exc.status_code, str(exc), code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Not found", "not_found")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The transaction was rolled back, so nothing is half-saved: the client can send it again.
    response = error_response(
        request, 503, "The service is briefly unavailable; please try again.", "unavailable"
    )
    response["Retry-After"] = "2"
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if request.path.startswith("/api/v1/clinic/"):
        return error_response(
            request,
            401,
            "Send a live clinic API key as 'Authorization: Bearer <key>'",
            "unauthorized",
        )
    return error_response(request, 401, "Sign in first", "unauthorized")


class ApiMethodNotAllowedMiddleware:
    """Answer a wrong HTTP method on /api/ in the API's error shape (ninja answers plain text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.path.startswith("/api/"):
            shaped = JsonResponse(
                {
                    "error": f"Method {request.method} is not allowed here",
                    "field": None,
                    "code": "method_not_allowed",
                },
                status=405,
            )
            if "Allow" in response:
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


def _register_routers() -> None:
    from midback.clinic.api import router as clinic_router
    from midback.core.api import router as plans_router
    from midback.core.library_api import router as content_router
    from midback.practice.api import router as practice_router
    from midback.reminders.api import router as reminders_router

    api.add_router("/v1/", content_router)
    api.add_router("/v1/", plans_router)
    api.add_router("/v1/me/", practice_router)
    api.add_router("/v1/me/", reminders_router)
    api.add_router("/v1/clinic/", clinic_router)


_register_routers()
