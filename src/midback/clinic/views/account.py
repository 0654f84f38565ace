"""A staff member's own account: password and sign-in security (the authenticator-app second
step). Forgotten passwords are reset by email through Django's own views (see urls)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from midback.care.access import require_staff, staff_required
from midback.care.actions import do_set_authenticator
from midback.care.audit import audit
from midback.care.login import new_totp_secret, totp_uri, verify_totp


@staff_required
@require_http_methods(["GET", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator-app second step on (after proving a code) or off."""
    staff = require_staff(request)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            request.session["totp_setup"] = new_totp_secret()
        elif action == "confirm":
            secret = request.session.get("totp_setup", "")
            staff.totp_secret = secret  # checked in memory; stored only by the action
            if secret and verify_totp(staff, request.POST.get("code", "")):
                do_set_authenticator(request, staff, secret)
                del request.session["totp_setup"]
                return redirect("clinic:security")
            error = "That code is not right; check the clock on your phone and try again."
        elif action == "disable":
            do_set_authenticator(request, staff, None)
            return redirect("clinic:security")
    secret = request.session.get("totp_setup")
    qr_svg = ""
    if secret:
        import segno

        qr_svg = segno.make(totp_uri(staff, secret), error="m").svg_inline(scale=4)
    return render(
        request,
        "clinic/security.html",
        {"staff": staff, "secret": secret, "qr_svg": qr_svg, "error": error},
    )


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
