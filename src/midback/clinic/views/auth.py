"""Staff sign-in and sign-out, and the optional authenticator-app second step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import require_staff
from midback.care.audit import audit
from midback.care.login import check_code_login, check_password_login
from midback.care.models import StaffMember
from midback.care.ratelimit import too_many_sign_ins
from midback.clinic.forms import LoginForm, TotpForm

PENDING = "clinic_pending_user"
TOO_MANY = "Too many sign-in attempts from this network. Wait 15 minutes and try again."


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/clinic/"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and too_many_sign_ins(request):
        return render(request, "clinic/login.html", {"form": form, "error": TOO_MANY}, status=429)
    if request.method == "POST" and form.is_valid():
        result = check_password_login(
            request, form.cleaned_data["email"], form.cleaned_data["password"]
        )
        if result.user is not None and result.needs_totp:
            request.session.cycle_key()  # a key planted before sign-in is of no use after it
            request.session[PENDING] = {"user": result.user.pk, "tries": 0}
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
    pending = request.session.get(PENDING)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    staff = (
        StaffMember.objects.select_related("user", "clinic").filter(user_id=user_id).first()
        if isinstance(user_id, int)
        else None
    )
    if staff is None or not isinstance(pending, dict):
        return redirect("clinic:login")
    form = TotpForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and too_many_sign_ins(request):
        return render(
            request,
            "clinic/login.html",
            {"form": form, "error": TOO_MANY, "totp": True},
            status=429,
        )
    if request.method == "POST" and form.is_valid():
        result = check_code_login(
            request, staff, form.cleaned_data["code"], int(pending.get("tries", 0))
        )
        if result.ok:
            del request.session[PENDING]
            login(request, staff.user, backend="django.contrib.auth.backends.ModelBackend")
            how = "with a recovery code" if result.recovery else "with authenticator code"
            audit(request, staff.clinic, "sign_in", staff, how)
            if result.recovery:
                left = len(staff.recovery_codes)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} of them "
                    f"{'is' if left == 1 else 'are'} left. Make new ones on your Account page "
                    "if you have lost your authenticator.",
                )
            return redirect(_next(request))
        error, status = result.error, 401
        if result.start_again:
            del request.session[PENDING]
            return render(
                request, "clinic/login.html", {"form": LoginForm(), "error": error}, status=429
            )
        request.session[PENDING] = {"user": staff.user.pk, "tries": int(pending["tries"]) + 1}
        request.session.cycle_key()
    return render(
        request, "clinic/login.html", {"form": form, "error": error, "totp": True}, status=status
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("clinic:login")
