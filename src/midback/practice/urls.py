from django.urls import path

from midback.practice import signup, views

app_name = "practice"
urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("join/<str:code>", views.join, name="join"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("start/", signup.start, name="start"),
    path("start/seek-care/", signup.seek_care, name="seek_care"),
    path("start/plan/", signup.plan_page, name="start_plan"),
    path("start/<slug:step>/", signup.start, name="start_step"),
    path("app/", views.today, name="today"),
    path("app/play/<str:day>/<str:block>/", views.play, name="play"),
    path("app/progress/", views.progress, name="progress"),
    path("app/check-in/", views.checkin, name="checkin"),
    path("app/rotation/", views.rotation, name="rotation"),
    path("app/devices/", views.devices, name="devices"),
    path("app/offline.json", views.offline_urls, name="offline_urls"),
    # The worker must be served from the root for its scope to cover the whole app.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
