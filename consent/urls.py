"""A family's consent. Ids are UUIDs; nothing personal goes in a path or query string."""

from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("families/<uuid:family_id>/", views.family_consent, name="family"),
    path("families/<uuid:family_id>/record/", views.record_decision, name="record"),
    path("families/<uuid:family_id>/override/", views.record_override, name="override"),
]
