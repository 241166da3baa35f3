"""The dashboard's page (included by ``reporting.urls``, in its namespace)."""

from django.urls import path

from reporting import views_dashboard

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
