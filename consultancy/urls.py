"""Casework consultancy pages, under /consultancy/. No names in any path."""

from django.urls import path

from consultancy import views

app_name = "consultancy"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.ask, name="ask"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/pick-up/", views.pick_up, name="pick_up"),
    path("<int:request_id>/assign/", views.assign, name="assign"),
    path("<int:request_id>/accept/", views.accept, name="accept"),
    path("<int:request_id>/decline/", views.decline, name="decline"),
    path("<int:request_id>/complete/", views.complete, name="complete"),
    path("<int:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("consultants/", views.consultants, name="consultants"),
    path("consultants/<int:consultant_id>/end/", views.consultant_end, name="consultant_end"),
    path("counts/", views.counts, name="counts"),
]
