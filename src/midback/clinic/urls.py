from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from midback.clinic.views import (
    account,
    auth,
    data,
    exercises,
    followup,
    handout,
    integrations,
    patients,
    programs,
    staff,
    visits,
)

app_name = "clinic"
urlpatterns = [
    path("clinic/", followup.dashboard_view, name="dashboard"),
    path("clinic/login/", auth.login_view, name="login"),
    path("clinic/login/code/", auth.login_code_view, name="login_code"),
    path("clinic/logout/", auth.logout_view, name="logout"),
    path("clinic/account/", account.security_view, name="security"),
    path("clinic/account/password/", account.password_change_view, name="password_change"),
    path(
        "clinic/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="clinic/password_reset.html",
            email_template_name="clinic/password_reset_email.txt",
            subject_template_name="clinic/password_reset_subject.txt",
            success_url=reverse_lazy("clinic:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "clinic/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="clinic/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "clinic/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="clinic/password_reset_confirm.html",
            success_url=reverse_lazy("clinic:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "clinic/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="clinic/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("clinic/join/<str:code>/", staff.accept_invite_view, name="accept_invite"),
    path("clinic/staff/", staff.staff_view, name="staff"),
    path("clinic/staff/<int:staff_id>/remove/", staff.remove_staff_view, name="remove_staff"),
    path("clinic/audit/", staff.audit_view, name="audit"),
    path("clinic/integrations/", integrations.integrations_view, name="integrations"),
    path(
        "clinic/integrations/keys/<int:key_id>/revoke/",
        integrations.revoke_key_view,
        name="revoke_key",
    ),
    path(
        "clinic/integrations/webhooks/<int:endpoint_id>/remove/",
        integrations.remove_webhook_view,
        name="remove_webhook",
    ),
    path("clinic/export/", data.clinic_export_view, name="clinic_export"),
    path("clinic/templates/", programs.template_list_view, name="templates"),
    path("clinic/exercises/", exercises.exercise_list_view, name="exercises"),
    path("clinic/exercises/new/", exercises.exercise_edit_view, name="exercise_new"),
    path(
        "clinic/exercises/<int:exercise_id>/delete/",
        exercises.exercise_delete_view,
        name="exercise_delete",
    ),
    path(
        "clinic/exercises/<int:exercise_id>/retire/",
        exercises.exercise_retire_view,
        name="exercise_retire",
    ),
    path(
        "clinic/templates/<int:template_id>/retire/",
        programs.template_retire_view,
        name="template_retire",
    ),
    path(
        "clinic/templates/<int:template_id>/rename/",
        programs.template_rename_view,
        name="template_rename",
    ),
    path("clinic/settings/", account.clinic_settings_view, name="clinic_settings"),
    path("clinic/settings/logo/", account.clinic_logo_view, name="clinic_logo"),
    path(
        "clinic/templates/<int:template_id>/delete/",
        programs.template_delete_view,
        name="template_delete",
    ),
    path(
        "clinic/exercises/<int:exercise_id>/",
        exercises.exercise_edit_view,
        name="exercise_edit",
    ),
    path("clinic/patients/", patients.patient_list_view, name="patients"),
    path("clinic/patients/new/", patients.patient_create_view, name="patient_new"),
    path("clinic/patients/<int:patient_id>/", patients.patient_view, name="patient"),
    path(
        "clinic/patients/<int:patient_id>/archive/",
        patients.patient_archive_view,
        name="patient_archive",
    ),
    path(
        "clinic/patients/<int:patient_id>/invite/",
        patients.patient_invite_view,
        name="patient_invite",
    ),
    path(
        "clinic/patients/<int:patient_id>/invites/<int:invite_id>/revoke/",
        patients.invite_revoke_view,
        name="invite_revoke",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/",
        programs.program_edit_view,
        name="program_edit",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/new/",
        programs.program_edit_view,
        name="program_new",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/history/",
        programs.program_history_view,
        name="program_history",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/versions/<int:number>/",
        programs.program_version_view,
        name="program_version",
    ),
    path(
        "clinic/patients/<int:patient_id>/adjust/",
        programs.apply_adjustment_view,
        name="apply_adjustment",
    ),
    path("clinic/patients/<int:patient_id>/handout.pdf", handout.handout_view, name="handout"),
    path("clinic/patients/<int:patient_id>/visits/", visits.visit_add_view, name="visit_add"),
    path(
        "clinic/patients/<int:patient_id>/visits/<int:visit_id>/",
        visits.visit_update_view,
        name="visit_update",
    ),
    path(
        "clinic/patients/<int:patient_id>/visits/<int:visit_id>/summary/",
        visits.visit_summary_view,
        name="visit_summary",
    ),
    path(
        "clinic/patients/<int:patient_id>/export/",
        data.patient_export_view,
        name="patient_export",
    ),
    path(
        "clinic/patients/<int:patient_id>/fhir.json",
        data.patient_fhir_view,
        name="patient_fhir",
    ),
    path(
        "clinic/patients/<int:patient_id>/erase/",
        data.patient_erase_view,
        name="patient_erase",
    ),
]
