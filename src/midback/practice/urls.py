from django.urls import path

from midback.practice import views

app_name = "practice"
urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
]
