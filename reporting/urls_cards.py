"""The report cards, under /reports/report-cards/ (in the reporting namespace). The query string
holds codes and dates only."""

from django.urls import path

from reporting import views_cards

urlpatterns = [
    path("report-cards/", views_cards.report_card, name="report_card"),
]
