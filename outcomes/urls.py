from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("episodes/<uuid:episode_id>/", views.episode, name="episode"),
    path(
        "episodes/<uuid:episode_id>/outcomes/<int:plan_outcome_id>/map/",
        views.link_add,
        name="link_add",
    ),
    path(
        "episodes/<uuid:episode_id>/links/<int:link_id>/remove/",
        views.link_remove,
        name="link_remove",
    ),
    path(
        "episodes/<uuid:episode_id>/outcomes/<int:plan_outcome_id>/score/",
        views.score_record,
        name="score_record",
    ),
    path("checks/<int:check_id>/", views.check, name="check"),
    path(
        "checks/<int:check_id>/outcomes/<int:plan_outcome_id>/",
        views.check_answer,
        name="check_answer",
    ),
]
