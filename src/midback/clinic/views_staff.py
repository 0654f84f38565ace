"""Owners manage their clinic: staff invitations and removal, and the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model, login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.actions import do_accept_staff_invite, do_invite_staff, do_remove_staff
from midback.clinic.access import get_staff_member_for_owner, owner_required, require_staff
from midback.clinic.forms import AcceptStaffInviteForm, StaffInviteForm
from midback.clinic.models import AuditEvent, StaffInvite, StaffMember
from midback.practice.devices import digest


@owner_required
@require_http_methods(["GET", "POST"])
def staff_view(request: HttpRequest) -> HttpResponse:
    owner = require_staff(request)
    form = StaffInviteForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(username=email).exists():
            form.add_error("email", "Someone with this email already has an account.")
        else:
            _, code = do_invite_staff(request, owner, email, form.cleaned_data["role"])
            link = request.build_absolute_uri(reverse("clinic:accept_invite", args=[code]))
            form = StaffInviteForm()
    members = StaffMember.objects.filter(clinic=owner.clinic).select_related("user")
    pending = StaffInvite.objects.filter(
        clinic=owner.clinic, used_at=None, expires_at__gt=timezone.now()
    )
    return render(
        request,
        "clinic/staff.html",
        {"staff": owner, "members": members, "pending": pending, "form": form, "link": link},
    )


@owner_required
@require_POST
def remove_staff_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    owner = require_staff(request)
    member = get_staff_member_for_owner(request, staff_id)
    if member.pk == owner.pk:
        raise Http404("You cannot remove yourself")
    do_remove_staff(request, owner, member)
    return redirect("clinic:staff")


@require_http_methods(["GET", "POST"])
def accept_invite_view(request: HttpRequest, code: str) -> HttpResponse:
    invite = (
        StaffInvite.objects.select_related("clinic")
        .filter(code_hash=digest(code), used_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if invite is None:
        raise Http404("This invitation has expired or has been used.")
    form = AcceptStaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, user = do_accept_staff_invite(
            request,
            invite,
            form.cleaned_data["display_name"].strip(),
            form.cleaned_data["password"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("clinic:dashboard")
    return render(request, "clinic/accept_invite.html", {"form": form, "invite": invite})


@owner_required
def audit_view(request: HttpRequest) -> HttpResponse:
    owner = require_staff(request)
    events = AuditEvent.objects.filter(clinic=owner.clinic).order_by("-at")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "clinic/audit.html", {"staff": owner, "page": page})
