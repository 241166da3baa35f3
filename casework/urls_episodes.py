"""Episode pages. Ids are UUIDs; no names in any path."""

from django.urls import path

from casework import views_episodes as views

urlpatterns = [
    path("episodes/<uuid:episode_id>/", views.episode_detail, name="episode_detail"),
    path("episodes/<uuid:episode_id>/stage/", views.change_stage, name="episode_stage"),
    path(
        "episodes/<uuid:episode_id>/need-level/", views.change_need_level, name="episode_need_level"
    ),
    path(
        "episodes/<uuid:episode_id>/review-cadence/",
        views.change_review_cadence,
        name="episode_review_cadence",
    ),
    path(
        "episodes/<uuid:episode_id>/lead-professional/",
        views.change_lead_professional,
        name="episode_lead_professional",
    ),
    path("episodes/<uuid:episode_id>/contacts/new/", views.contact_new, name="episode_contact_new"),
    path(
        "episodes/<uuid:episode_id>/taf-meetings/new/",
        views.taf_meeting_new,
        name="episode_taf_meeting_new",
    ),
    path("episodes/<uuid:episode_id>/closure/", views.closure, name="episode_closure"),
    path("episodes/<uuid:episode_id>/step-up/", views.step_up, name="episode_step_up"),
    path("episodes/<uuid:episode_id>/step-down/", views.step_down, name="episode_step_down"),
    path(
        "episodes/<uuid:episode_id>/oversight/new/", views.oversight_new, name="episode_oversight"
    ),
    path("families/<uuid:family_id>/episodes/", views.family_episodes, name="family_episodes"),
    path("families/<uuid:family_id>/episodes/new/", views.episode_open, name="episode_open"),
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/team/", views.team_caseload, name="team_caseload"),
]
