from django.urls import URLPattern

app_name = "reminders"
urlpatterns: list[URLPattern] = []
