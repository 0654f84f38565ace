"""A staff member's own account: password and sign-in security (the authenticator-app second
step). Forgotten passwords are reset by email through Django's own views (see urls)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from midback.care.access import owner_required, require_staff, staff_required
from midback.care.actions import (
    do_regenerate_recovery_codes,
    do_set_authenticator,
    do_update_clinic_settings,
)
from midback.care.audit import audit
from midback.care.login import new_totp_secret, totp_uri, verify_totp
from midback.clinic.forms import ClinicSettingsForm


@staff_required
@require_http_methods(["GET", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator-app second step on (after proving a code) or off."""
    staff = require_staff(request)
    error = ""
    new_codes: list[str] = []  # shown on this one response, never again
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            request.session["totp_setup"] = new_totp_secret()
        elif action == "confirm":
            secret = request.session.get("totp_setup", "")
            staff.totp_secret = secret  # checked in memory; stored only by the action
            if secret and verify_totp(staff, request.POST.get("code", "")):
                new_codes = do_set_authenticator(request, staff, secret)
                del request.session["totp_setup"]
            else:
                staff.totp_secret = ""
                error = "That code is not right; check the clock on your phone and try again."
        elif action == "recovery" and staff.totp_enabled:
            new_codes = do_regenerate_recovery_codes(request, staff)
        elif action == "disable":
            do_set_authenticator(request, staff, None)
            messages.success(request, "Authenticator codes are off; your recovery codes too.")
            return redirect("clinic:security")
    secret = None if staff.totp_enabled else request.session.get("totp_setup")
    qr_svg = ""
    if secret:
        import segno

        qr_svg = segno.make(totp_uri(staff, secret), error="m").svg_inline(scale=4)
    response = render(
        request,
        "clinic/security.html",
        {
            "staff": staff,
            "secret": secret,
            "qr_svg": qr_svg,
            "error": error,
            "new_codes": new_codes,
            "codes_left": len(staff.recovery_codes),
        },
    )
    if new_codes:
        response["Cache-Control"] = "no-store"  # the codes are not kept anywhere, not even here
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the current one first, the new one checked by Django's
    password validators (length, common passwords, similarity to the account)."""
    staff = require_staff(request)
    form = PasswordChangeForm(staff.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in on this device
        audit(request, staff.clinic, "update", staff, "changed their password")
        messages.success(request, "Your password is changed.")
        return redirect("clinic:security")
    return render(request, "clinic/password_change.html", {"staff": staff, "form": form})


@owner_required
@require_http_methods(["GET", "POST"])
def clinic_settings_view(request: HttpRequest) -> HttpResponse:
    """The clinic's address, phone and logo, printed on every handout (owners only)."""
    staff = require_staff(request)
    clinic = staff.clinic
    if request.method == "POST":
        form = ClinicSettingsForm(request.POST, request.FILES)
        if form.is_valid():
            changed = do_update_clinic_settings(
                request,
                clinic,
                address=" ".join(form.cleaned_data["address"].split()),
                phone=form.cleaned_data["phone"].strip(),
                logo=form.cleaned_data["logo"],
                remove_logo=form.cleaned_data["remove_logo"],
            )
            if changed:
                messages.success(request, "Saved: handouts now carry these details.")
            else:
                messages.info(request, "Nothing changed, so nothing was saved.")
            return redirect("clinic:clinic_settings")
    else:
        form = ClinicSettingsForm(initial={"address": clinic.address, "phone": clinic.phone})
    return render(
        request, "clinic/clinic_settings.html", {"staff": staff, "form": form, "clinic": clinic}
    )


@owner_required
def clinic_logo_view(request: HttpRequest) -> HttpResponse:
    """The clinic's logo as stored (re-encoded), for the settings page."""
    clinic = require_staff(request).clinic
    if not clinic.logo:
        raise Http404("No logo")
    response = HttpResponse(bytes(clinic.logo), content_type=clinic.logo_type)
    response["Cache-Control"] = "private, no-cache"
    return response
