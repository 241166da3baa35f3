from django.urls import path

from core import health, views, views_background, views_council

app_name = "core"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("home/waiting/<slug:key>/", views.waiting_section, name="waiting_section"),
    path("configuration/", views.configuration, name="configuration"),
    path(
        "configuration/background-work/",
        views_background.background_work,
        name="background_work",
    ),
    path(
        "configuration/background-work/messages/<int:message_id>/send-again/",
        views_background.message_send_again,
        name="message_send_again",
    ),
    # The council's values (contacts, cadences, thresholds) and their history: administrators.
    path("service/council/", views_council.council_values, name="council_values"),
    path(
        "service/council/change/<slug:group>/",
        views_council.council_values_change,
        name="council_values_change",
    ),
    path(
        "service/council/history/",
        views_council.council_values_history,
        name="council_values_history",
    ),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    # Readiness for traffic (database, migrations, queue); /healthz is the liveness check.
    path("readyz", health.readyz, name="readyz"),
]
