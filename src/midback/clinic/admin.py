"""Django admin for clinic owners, scoped to their own clinic (at /clinic/admin/).

The site-wide `/admin/` stays for MidBack's own operators (superusers). This site lets an owner
browse and correct their clinic's records; every queryset is filtered to the owner's clinic,
every foreign-key choice too, and changes are audited like any other.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from midback.care.access import staff_of
from midback.care.audit import audit
from midback.care.models import AuditEvent, Patient, ProgramTemplate, StaffMember
from midback.care.validators import CleanInputForm, time_zone_choices


class ClinicAdminSite(admin.AdminSite):
    site_header = "MidBack: clinic admin"
    site_title = "MidBack clinic admin"
    index_title = "Your clinic's records"
    site_url = "/clinic/"

    def has_permission(self, request: HttpRequest) -> bool:
        staff = staff_of(request)
        return bool(staff is not None and staff.is_owner and request.user.is_active)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect(f"/clinic/login/?next={request.get_full_path()}")

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        # The portal's own page: Django's validators, and the change is audited.
        return redirect("clinic:password_change")


clinic_admin = ClinicAdminSite(name="clinic_admin")


class CleanModelForm(CleanInputForm, forms.ModelForm):
    """Admin forms clean text like every other form (no control characters)."""


class OwnClinicAdmin(admin.ModelAdmin):
    """Rows of the owner's clinic only; new rows join it; every change leaves an audit row."""

    exclude = ("clinic",)
    form = CleanModelForm

    def _clinic(self, request: HttpRequest) -> Any:
        staff = staff_of(request)
        return staff.clinic if staff is not None else None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(clinic=self._clinic(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Erasing a patient has its own confirmed path with the audit it needs.
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if isinstance(field, ModelChoiceField):
            choices = field.queryset
            if choices is not None and hasattr(choices.model, "clinic"):
                field.queryset = choices.filter(clinic=self._clinic(request))
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.clinic = self._clinic(request)
        super().save_model(request, obj, form, change)
        audit(request, obj.clinic, "update" if change else "create", obj, "clinic admin")


class PatientAdminForm(CleanModelForm):
    # A list of real zones, not free text: a zone nobody knows would break the patient's pages.
    time_zone = forms.ChoiceField(choices=time_zone_choices)


@admin.register(Patient, site=clinic_admin)
class PatientAdmin(OwnClinicAdmin):
    form = PatientAdminForm
    list_display = ("display_name", "email", "time_zone", "created_at", "archived_at")
    search_fields = ("display_name", "email")
    fields = ("display_name", "email", "time_zone", "archived_at")


@admin.register(StaffMember, site=clinic_admin)
class StaffMemberAdmin(OwnClinicAdmin):
    list_display = ("display_name", "role", "totp_enabled")
    fields = ("display_name", "role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # staff join through an invitation (Staff page)


@admin.register(ProgramTemplate, site=clinic_admin)
class ProgramTemplateAdmin(OwnClinicAdmin):
    list_display = ("name", "created_at")
    fields = ("name",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # templates are saved from the program editor


@admin.register(AuditEvent, site=clinic_admin)
class AuditEventAdmin(OwnClinicAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "ip", "detail")
    list_filter = ("action", "object_type")

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
