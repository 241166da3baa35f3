from django.urls import path

from dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("subject-access/", views.subject_search, name="subject_search"),
    path("subject-access/<uuid:person_id>/", views.subject_detail, name="subject_detail"),
    path("subject-access/<uuid:person_id>/export.json", views.subject_json, name="subject_json"),
    path("subject-access/<uuid:person_id>/export.pdf", views.subject_pdf, name="subject_pdf"),
    path(
        "subject-access/<uuid:person_id>/rectification/",
        views.rectification_add,
        name="rectification_add",
    ),
]
