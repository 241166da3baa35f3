"""The partnership's reports, under /reports/. Nothing personal in any path or query."""

from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("annex-a/list-2/", views.annex_a_list_2, name="annex_a_list_2"),
]
