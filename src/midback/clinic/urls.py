from django.urls import path

from midback.clinic import (
    views_auth,
    views_data,
    views_exercises,
    views_followup,
    views_patients,
    views_program,
    views_staff,
)

app_name = "clinic"
urlpatterns = [
    path("clinic/", views_followup.dashboard_view, name="dashboard"),
    path("clinic/login/", views_auth.login_view, name="login"),
    path("clinic/login/code/", views_auth.login_code_view, name="login_code"),
    path("clinic/logout/", views_auth.logout_view, name="logout"),
    path("clinic/account/", views_auth.security_view, name="security"),
    path("clinic/join/<str:code>/", views_staff.accept_invite_view, name="accept_invite"),
    path("clinic/staff/", views_staff.staff_view, name="staff"),
    path("clinic/staff/<int:staff_id>/remove/", views_staff.remove_staff_view, name="remove_staff"),
    path("clinic/audit/", views_staff.audit_view, name="audit"),
    path("clinic/export/", views_data.clinic_export_view, name="clinic_export"),
    path("clinic/templates/", views_program.template_list_view, name="templates"),
    path("clinic/exercises/", views_exercises.exercise_list_view, name="exercises"),
    path("clinic/exercises/new/", views_exercises.exercise_edit_view, name="exercise_new"),
    path(
        "clinic/exercises/<int:exercise_id>/",
        views_exercises.exercise_edit_view,
        name="exercise_edit",
    ),
    path("clinic/patients/", views_patients.patient_list_view, name="patients"),
    path("clinic/patients/new/", views_patients.patient_create_view, name="patient_new"),
    path("clinic/patients/<int:patient_id>/", views_followup.patient_view, name="patient"),
    path(
        "clinic/patients/<int:patient_id>/archive/",
        views_patients.patient_archive_view,
        name="patient_archive",
    ),
    path(
        "clinic/patients/<int:patient_id>/invite/",
        views_patients.patient_invite_view,
        name="patient_invite",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/",
        views_program.program_edit_view,
        name="program_edit",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/new/",
        views_program.program_edit_view,
        name="program_new",
    ),
    path(
        "clinic/patients/<int:patient_id>/program/history/",
        views_program.program_history_view,
        name="program_history",
    ),
    path(
        "clinic/patients/<int:patient_id>/adjust/",
        views_followup.apply_adjustment_view,
        name="apply_adjustment",
    ),
    path("clinic/patients/<int:patient_id>/handout.pdf", views_data.handout_view, name="handout"),
    path(
        "clinic/patients/<int:patient_id>/export/",
        views_data.patient_export_view,
        name="patient_export",
    ),
    path(
        "clinic/patients/<int:patient_id>/erase/",
        views_data.patient_erase_view,
        name="patient_erase",
    ),
]
