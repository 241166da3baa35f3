from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("home/waiting/<slug:key>/", views.waiting_section, name="waiting_section"),
    path("configuration/", views.configuration, name="configuration"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
