"""Owners manage their clinic: staff invitations and removal, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from midback.care.access import get_staff_member_for_owner, owner_required, require_staff
from midback.care.actions import do_accept_staff_invite, do_invite_staff, do_remove_staff
from midback.care.devices import digest
from midback.care.models import AuditEvent, Patient, StaffInvite, StaffMember
from midback.clinic.forms import AcceptStaffInviteForm, StaffInviteForm


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
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            f"{member.display_name} was not removed: tick the box next to the button to confirm.",
        )
        return redirect("clinic:staff")
    do_remove_staff(request, owner, member)
    messages.success(request, f"{member.display_name} was removed and can no longer sign in.")
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
    form = AcceptStaffInviteForm(request.POST or None, email=invite.email)
    taken = get_user_model().objects.filter(username__iexact=invite.email).exists()
    status = 200
    if request.method == "POST" and form.is_valid() and taken:
        # One account per email: a second invitation to an address that already has an account
        # (here or at another clinic, staff or patient) cannot make another.
        form.add_error(
            None,
            f"There is already a MidBack account for {invite.email}. Sign in with it, or ask "
            "the clinic to invite a different email address.",
        )
        status = 409
    elif request.method == "POST" and form.is_valid():
        _, user = do_accept_staff_invite(
            request,
            invite,
            form.cleaned_data["display_name"].strip(),
            form.cleaned_data["password"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("clinic:dashboard")
    return render(
        request, "clinic/accept_invite.html", {"form": form, "invite": invite}, status=status
    )


ACTION_WORDS = {
    "read": "Viewed",
    "create": "Created",
    "update": "Changed",
    "delete": "Removed",
    "archive": "Archived",
    "unarchive": "Unarchived",
    "export": "Exported",
    "erase": "Erased",
    "sign_in": "Signed in",
}
OBJECT_WORDS = {
    "Patient": "patient",
    "ProgramVersion": "program version",
    "ProgramTemplate": "template",
    "StaffMember": "staff member",
    "StaffInvite": "staff invitation",
    "Invite": "patient sign-in link",
    "Clinic": "clinic",
    "_Erased": "erased patient",
    "Exercise": "clinic exercise",
    "ExerciseVersion": "clinic exercise",
}


@dataclass(frozen=True)
class AuditLine:
    """One audit row in words: names instead of ids where the clinic still holds them."""

    at: Any
    who: str
    did: str
    what: str
    ip: str
    detail: str


def _audit_lines(clinic: Any, events: list[AuditEvent]) -> list[AuditLine]:
    patients = dict(Patient.objects.filter(clinic=clinic).values_list("pk", "display_name"))
    staff = {
        f"staff:{user_id} {username}": name
        for user_id, username, name in StaffMember.objects.filter(clinic=clinic).values_list(
            "user_id", "user__username", "display_name"
        )
    }
    lines = []
    for event in events:
        who = staff.get(event.actor, event.actor)
        if event.actor.startswith("patient:"):
            pk = event.actor.partition(":")[2]
            who = patients.get(int(pk), "a patient (erased)") if pk.isdigit() else event.actor
        what = OBJECT_WORDS.get(event.object_type, event.object_type)
        if event.object_type == "Patient" and event.object_id.isdigit():
            what = patients.get(int(event.object_id), "a patient (erased)")
        elif event.object_type == "_Erased":
            what = "a patient (erased)"
        lines.append(
            AuditLine(
                event.at,
                who,
                ACTION_WORDS.get(event.action, event.action.replace("_", " ").capitalize()),
                what,
                event.ip or "",
                event.detail,
            )
        )
    return lines


@owner_required
def audit_view(request: HttpRequest) -> HttpResponse:
    """The audit trail in words, filtered by patient, person and action."""
    owner = require_staff(request)
    events = AuditEvent.objects.filter(clinic=owner.clinic).order_by("-at", "-pk")
    patient = request.GET.get("patient", "")
    person = request.GET.get("person", "")
    action = request.GET.get("action", "")
    if patient.isdigit():
        events = events.filter(object_type="Patient", object_id=patient)
    if person:
        events = events.filter(actor=person)
    if action in ACTION_WORDS:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    people = [
        (f"staff:{m.user_id} {m.user.get_username()}", m.display_name)
        for m in StaffMember.objects.filter(clinic=owner.clinic).select_related("user")
    ]
    return render(
        request,
        "clinic/audit.html",
        {
            "staff": owner,
            "page": page,
            "lines": _audit_lines(owner.clinic, list(page)),
            "patients": Patient.objects.filter(clinic=owner.clinic).order_by("display_name"),
            "people": people,
            "actions": ACTION_WORDS,
            "chosen": {"patient": patient, "person": person, "action": action},
        },
    )
