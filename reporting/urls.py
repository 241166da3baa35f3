"""The partnership's reports, under /reports/. Nothing personal in any path or query."""

from django.urls import include, path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("annex-a/list-2/", views.annex_a_list_2, name="annex_a_list_2"),
    # Each report's pages are listed in its own module (the names stay in this namespace).
    path("", include("reporting.urls_dashboard")),
    path("", include("reporting.urls_cards")),
    path("", include("reporting.urls_booklet")),
    path("", include("reporting.urls_extracts")),
    path("", include("reporting.urls_figures")),
]
