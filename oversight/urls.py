"""Supervision and professional challenge pages, under /supervision/. No names in any path."""

from django.urls import path

from oversight import views, views_escalations

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("workers/<int:worker_id>/", views.worker, name="worker"),
    path("workers/<int:worker_id>/new/", views.record, name="record"),
    path("<int:supervision_id>/", views.detail, name="detail"),
    path("actions/<int:supervision_action_id>/done/", views.action_done, name="action_done"),
    path("escalations/", views_escalations.escalations, name="escalations"),
    path("escalations/new/<uuid:episode_id>/", views_escalations.raise_new, name="escalation_new"),
    path("escalations/<int:escalation_id>/", views_escalations.detail, name="escalation"),
    path(
        "escalations/<int:escalation_id>/move-on/",
        views_escalations.move_on,
        name="escalation_move_on",
    ),
    path(
        "escalations/<int:escalation_id>/resolve/",
        views_escalations.resolve,
        name="escalation_resolve",
    ),
]
