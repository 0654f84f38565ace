"""Owners connect the clinic's own systems: clinic API keys and webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import (
    get_api_key_for_owner,
    get_webhook_for_owner,
    owner_required,
    require_staff,
)
from midback.care.integrations import (
    do_add_webhook,
    do_create_api_key,
    do_remove_webhook,
    do_revoke_api_key,
)
from midback.care.models import ClinicApiKey, WebhookDelivery, WebhookEndpoint
from midback.care.outbound import OutboundRefused
from midback.clinic.forms import ApiKeyForm, WebhookForm


@owner_required
@require_http_methods(["GET", "POST"])
def integrations_view(request: HttpRequest) -> HttpResponse:
    owner = require_staff(request)
    key_form = ApiKeyForm(request.POST if request.POST.get("make") == "key" else None)
    hook_form = WebhookForm(request.POST if request.POST.get("make") == "webhook" else None)
    shown_key = shown_secret = ""
    if key_form.is_bound and key_form.is_valid():
        _, shown_key = do_create_api_key(
            request, owner, key_form.cleaned_data["name"], key_form.cleaned_data["scope"]
        )
        key_form = ApiKeyForm()
    if hook_form.is_bound and hook_form.is_valid():
        try:
            _, shown_secret = do_add_webhook(request, owner, hook_form.cleaned_data["url"])
            hook_form = WebhookForm()
        except OutboundRefused as exc:
            reason = str(exc)
            hook_form.add_error(
                "url",
                f"The address {reason}."
                if reason.startswith("must")
                else f"{reason[0].upper()}{reason[1:]}: events go only to public https:// "
                "addresses.",
            )
    keys = ClinicApiKey.objects.filter(clinic=owner.clinic)
    endpoints = list(WebhookEndpoint.objects.filter(clinic=owner.clinic, removed_at=None))
    for endpoint in endpoints:
        endpoint.waiting = WebhookDelivery.objects.filter(  # type: ignore[attr-defined]
            endpoint=endpoint, status__in=["pending", "claimed"]
        ).count()
        endpoint.last = (  # type: ignore[attr-defined]
            WebhookDelivery.objects.filter(endpoint=endpoint, attempts__gt=0)
            .order_by("-created_at")
            .first()
        )
    return render(
        request,
        "clinic/integrations.html",
        {
            "staff": owner,
            "keys": keys,
            "endpoints": endpoints,
            "key_form": key_form,
            "hook_form": hook_form,
            "shown_key": shown_key,
            "shown_secret": shown_secret,
        },
    )


@owner_required
@require_POST
def revoke_key_view(request: HttpRequest, key_id: int) -> HttpResponse:
    key = get_api_key_for_owner(request, key_id)
    do_revoke_api_key(request, key)
    messages.success(request, f"The key “{key.name}” is revoked: it no longer works.")
    return redirect("clinic:integrations")


@owner_required
@require_POST
def remove_webhook_view(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_webhook_for_owner(request, endpoint_id)
    do_remove_webhook(request, endpoint)
    messages.success(request, f"No more events go to {endpoint.url}.")
    return redirect("clinic:integrations")
