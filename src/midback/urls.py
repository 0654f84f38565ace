from django.contrib import admin
from django.urls import include, path

from midback.api import api
from midback.clinic.admin import clinic_admin
from midback.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("midback.core.library_urls")),
    path("", include("midback.practice.urls")),
    path("", include("midback.reminders.urls")),
    path("", include("midback.clinic.urls")),
    path("api/", api.urls),
    path("clinic/admin/", clinic_admin.urls),
    path("admin/", admin.site.urls),
]
