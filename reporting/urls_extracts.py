"""The standard extracts, under /reports/ (in the reporting namespace). The query string holds
dates and a format only."""

from django.urls import path

from reporting import views_extracts

urlpatterns = [
    path("supporting-families/", views_extracts.supporting_families, name="supporting_families"),
]
