"""Assessment pages. Ids are UUIDs (and a child's row number); no names in any path."""

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("families/<uuid:family_id>/", views.family_assessments, name="family_assessments"),
    path("families/<uuid:family_id>/new/", views.start, name="start"),
    path("<uuid:assessment_id>/", views.detail, name="detail"),
    path("<uuid:assessment_id>/sections/<slug:key>/", views.section, name="section"),
    path(
        "<uuid:assessment_id>/sections/<slug:key>/children/<int:child_id>/",
        views.section,
        name="section",
    ),
    path("<uuid:assessment_id>/stop/", views.safeguarding_stop, name="safeguarding_stop"),
    path("<uuid:assessment_id>/submit/", views.submit, name="submit"),
    path("<uuid:assessment_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<uuid:assessment_id>/new-version/", views.new_version, name="new_version"),
    path("<uuid:assessment_id>/consultation/", views.consultation, name="consultation"),
    path("<uuid:assessment_id>/refer/", views.refer, name="refer"),
    path("<uuid:assessment_id>/assessment.pdf", views.pdf, name="pdf"),
]
