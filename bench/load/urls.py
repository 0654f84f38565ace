"""MidBack's URLs plus `/bench/constant`, a bare view that sets the ceiling for the ratio."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from midback.urls import urlpatterns as app_urlpatterns


def constant(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: a constant, through the full middleware stack."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/constant", constant), *app_urlpatterns]
