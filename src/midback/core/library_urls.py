from django.urls import path

from midback.core import library_pages as views

app_name = "content"
urlpatterns = [
    path("exercises/", views.exercise_list, name="list"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="detail"),
    path("exercises/<slug:slug>/illustration.svg", views.illustration, name="illustration"),
]
