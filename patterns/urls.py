"""Pattern pages. Ids only in paths, never names."""

from django.urls import path

from patterns import views

app_name = "patterns"

urlpatterns = [
    path("episodes/<uuid:episode_id>/", views.episode_patterns, name="episode"),
    path(
        "episodes/<uuid:episode_id>/disguised-compliance/add/",
        views.disguised_compliance_add,
        name="dc_add",
    ),
    path(
        "episodes/<uuid:episode_id>/disguised-compliance/<int:compliance_id>/withdraw/",
        views.disguised_compliance_withdraw,
        name="dc_withdraw",
    ),
    path("people/<uuid:person_id>/injuries/", views.injuries, name="injuries"),
]
