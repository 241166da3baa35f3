"""Family plan pages (included by casework.urls under the "casework" namespace)."""

from django.urls import path

from casework import views_plans as views

P = "episodes/<uuid:episode_id>/plan/"

urlpatterns = [
    path(P, views.plan_detail, name="plan"),
    path(P + "start/", views.plan_start, name="plan_start"),
    path(P + "contingency/", views.contingency, name="plan_contingency"),
    path(P + "outcomes/add/", views.outcome_add, name="plan_outcome_add"),
    path(P + "outcomes/<int:outcome_id>/", views.outcome_edit, name="plan_outcome_edit"),
    path(P + "outcomes/<int:outcome_id>/remove/", views.outcome_remove, name="plan_outcome_remove"),
    path(P + "outcomes/<int:outcome_id>/actions/add/", views.action_add, name="plan_action_add"),
    path(P + "actions/<int:action_id>/", views.action_edit, name="plan_action_edit"),
    path(P + "actions/<int:action_id>/done/", views.action_complete, name="plan_action_complete"),
    path(P + "review/", views.review_record, name="plan_review"),
    path(P + "family-copy/", views.family_copy, name="plan_family_copy"),
    path(P + "child-copy/<uuid:person_id>/", views.child_copy, name="plan_child_copy"),
]
