"""Casework pages. Each part of the casework keeps its pages in its own views module."""

from django.urls import include, path

app_name = "casework"

urlpatterns = [
    path("", include("casework.urls_episodes")),
    path("", include("casework.urls_plans")),
]
