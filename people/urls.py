"""People and families. Ids are UUIDs; nothing a user types ever goes in a path or query string."""

from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("new/", views.person_new, name="person_new"),
    path("families/", views.family_list, name="family_list"),
    path("families/<uuid:family_id>/", views.family_detail, name="family_detail"),
    path("families/<uuid:family_id>/access/", views.family_access_log, name="family_access_log"),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:person_id>/access/", views.person_access_log, name="person_access_log"),
    path("<uuid:person_id>/chronology/add/", views.chronology_add, name="chronology_add"),
    path("<uuid:person_id>/professionals/add/", views.professional_add, name="professional_add"),
]
