"""Staff sign-in and sign-out, and the optional authenticator-app second step."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from midback.clinic.access import require_staff
from midback.clinic.audit import audit
from midback.clinic.forms import LoginForm, TotpForm
from midback.clinic.login import check_password_login, verify_totp
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
