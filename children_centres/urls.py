"""Children's centre pages, under /children-centres/. No names in any path."""

from django.urls import path

from children_centres import views

app_name = "children_centres"

urlpatterns = [
    path("", views.index, name="index"),
    path("reach.csv", views.reach_csv, name="reach_csv"),
    path("centres/<int:site_id>/", views.centre, name="centre"),
    path("children/<uuid:person_id>/", views.child, name="child"),
    path("children/<uuid:person_id>/register/", views.register, name="register"),
    path("children/<uuid:person_id>/contacts/new/", views.contact_new, name="contact_new"),
    path(
        "registrations/<int:registration_id>/end/",
        views.registration_end,
        name="registration_end",
    ),
    path("population/", views.population, name="population"),
]
