"""Reminder pages under /app/reminders/ and the secret feed under /calendar/."""

from django.urls import path

from midback.reminders import views

app_name = "reminders"
urlpatterns = [
    path("app/reminders/", views.reminder_settings, name="settings"),
    path("app/reminders/calendar/", views.calendar_help, name="calendar_help"),
    path("app/reminders/calendar/new", views.feed_new, name="feed_new"),
    path("app/reminders/calendar/revoke", views.feed_revoke, name="feed_revoke"),
    path("app/reminders/work-calendar/link", views.work_calendar_link, name="work_link"),
    path("app/reminders/work-calendar/upload", views.work_calendar_upload, name="work_upload"),
    path("app/reminders/work-calendar/refresh", views.work_calendar_refresh, name="work_refresh"),
    path("app/reminders/work-calendar/unlink", views.work_calendar_unlink, name="work_unlink"),
    path("app/reminders/midback.ics", views.download, name="download"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
