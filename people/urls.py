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
    path(
        "families/<uuid:family_id>/members/add/", views.family_member_add, name="family_member_add"
    ),
    path("families/<uuid:family_id>/households/add/", views.household_add, name="household_add"),
    path(
        "families/<uuid:family_id>/households/<int:household_id>/members/",
        views.household_members,
        name="household_members",
    ),
    path("families/<uuid:family_id>/teams/add/", views.family_team_add, name="family_team_add"),
    path(
        "families/<uuid:family_id>/teams/<int:link_id>/end/",
        views.family_team_end,
        name="family_team_end",
    ),
    path("<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="person_edit"),
    path("<uuid:person_id>/access/", views.person_access_log, name="person_access_log"),
    path("<uuid:person_id>/chronology/add/", views.chronology_add, name="chronology_add"),
    path("<uuid:person_id>/professionals/add/", views.professional_add, name="professional_add"),
    path("<uuid:person_id>/addresses/add/", views.address_add, name="address_add"),
    path("<uuid:person_id>/addresses/<int:link_id>/end/", views.address_end, name="address_end"),
    path("<uuid:person_id>/names/add/", views.other_name_add, name="other_name_add"),
    path("<uuid:person_id>/relationships/add/", views.relationship_add, name="relationship_add"),
    path(
        "<uuid:person_id>/parental-responsibility/add/",
        views.parental_responsibility_add,
        name="parental_responsibility_add",
    ),
    path(
        "<uuid:person_id>/parental-responsibility/<int:pr_id>/end/",
        views.parental_responsibility_end,
        name="parental_responsibility_end",
    ),
]
