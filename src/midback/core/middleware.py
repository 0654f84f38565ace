"""Site-wide guards on the way in and out.

- `ApiRequestGuardMiddleware`: on /api/, every write must be JSON (`Content-Type:
  application/json`, which a cross-site form cannot send without a CORS preflight this site never
  grants), must come from this site when a browser says where it comes from (`Origin`, or
  `Sec-Fetch-Site`: a page on another subdomain is "same-site", not "same-origin"), and must not be
  larger than the upload limit (413 naming the limit). Answers in the API's error shape.
- `PrivateResponseMiddleware`: pages and API answers with health data are never stored by a
  browser or proxy cache (`Cache-Control: no-store, private`), and no response names the server
  software or its version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Everything a person's health data appears under: the portal (and its exports), the patient's
# app and API, the self-guided start, sign-in and invite pages, and calendar feeds.
PRIVATE_PREFIXES = (
    "/clinic/",
    "/app/",
    "/api/v1/me/",
    "/start/",
    "/sign-in/",
    "/join/",
    "/calendar/",
)


def _error(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse({"error": message, "field": None, "code": code}, status=status)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def upload_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class ApiRequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.path.startswith("/api/") or request.method not in WRITE_METHODS:
            return None
        declared = _declared_methods(view_func)
        if declared is not None and request.method not in declared:
            return None  # the API answers 405 for a method the route does not have
        return self.refuse(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        limit = upload_limit()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error(400, "The Content-Length header is not a number.", "bad_request")
        if limit and length > limit:
            return _error(
                413,
                f"The request is larger than the limit of {limit / (1024 * 1024):g} MB.",
                "too_large",
            )
        origin = request.headers.get("Origin")
        if origin is not None and _origin(origin) not in allowed_origins(request):
            return _error(403, "Requests from other sites are not accepted.", "cross_site")
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if origin is None and fetch_site not in (None, "same-origin", "none"):
            return _error(403, "Requests from other sites are not accepted.", "cross_site")
        if request.content_type != "application/json":
            return _error(
                415, "Send JSON (Content-Type: application/json).", "unsupported_media_type"
            )
        return None


def _declared_methods(view_func: Callable[..., Any]) -> set[str] | None:
    """The HTTP methods of a django-ninja route (its view closes over the PathView), or None."""
    for cell in getattr(view_func, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            return {method for op in operations for method in getattr(op, "methods", ())}
    return None


def allowed_origins(request: HttpRequest) -> set[str]:
    """This site's own origin (as configured and as asked for) and CSRF_TRUSTED_ORIGINS."""
    own = {_origin(settings.SITE_URL), f"{request.scheme}://{request.get_host()}".lower()}
    return own | {_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS}


class PrivateResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            response["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        # Set, so that the development server does not add its own with versions in it.
        response["Server"] = "MidBack"
        return response
