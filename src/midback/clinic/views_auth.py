"""Staff sign-in and sign-out, and the optional authenticator-app second step."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.actions import do_set_authenticator
from midback.clinic.access import require_staff, staff_required
from midback.clinic.audit import audit
from midback.clinic.forms import LoginForm, TotpForm
from midback.clinic.login import check_password_login, new_totp_secret, totp_uri, verify_totp
from midback.clinic.models import StaffMember

PENDING = "clinic_pending_user"


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/clinic/"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = check_password_login(
            request, form.cleaned_data["email"], form.cleaned_data["password"]
        )
        if result.user is not None and result.needs_totp:
            request.session[PENDING] = result.user.pk
            return redirect(f"/clinic/login/code/?next={_next(request)}")
        if result.user is not None:
            login(request, result.user)
            staff = require_staff(request)
            audit(request, staff.clinic, "sign_in", staff)
            return redirect(_next(request))
        error = result.error
    status = 200 if not error else 401
    return render(request, "clinic/login.html", {"form": form, "error": error}, status=status)


@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING)
    staff = (
        StaffMember.objects.select_related("user", "clinic").filter(user_id=user_id).first()
        if isinstance(user_id, int)
        else None
    )
    if staff is None:
        return redirect("clinic:login")
    form = TotpForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if verify_totp(staff, form.cleaned_data["code"]):
            del request.session[PENDING]
            login(request, staff.user, backend="django.contrib.auth.backends.ModelBackend")
            audit(request, staff.clinic, "sign_in", staff, "with authenticator code")
            return redirect(_next(request))
        error = "That code is not right. Codes change every 30 seconds; try the current one."
    return render(
        request, "clinic/login.html", {"form": form, "error": error, "totp": True}, status=200
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("clinic:login")


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
