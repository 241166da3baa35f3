"""Working a report's figures out again (included by ``reporting.urls``, in its namespace)."""

from django.urls import path

from reporting import views_figures

urlpatterns = [
    path("figures/work-out-again/", views_figures.figures_refresh, name="figures_refresh"),
]
