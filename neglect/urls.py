from django.urls import path

from neglect import views

app_name = "neglect"

urlpatterns = [
    path("people/<uuid:person_id>/", views.child, name="child"),
    path("people/<uuid:person_id>/record/", views.concern_record, name="concern_record"),
    path(
        "people/<uuid:person_id>/tool-results/add/", views.tool_result_add, name="tool_result_add"
    ),
    path("concerns/<uuid:concern_id>/", views.concern, name="concern"),
    path(
        "concerns/<uuid:concern_id>/observations/add/",
        views.observation_add,
        name="observation_add",
    ),
    path(
        "concerns/<uuid:concern_id>/lived-experience/",
        views.concern_change,
        name="concern_change",
    ),
    path("concerns/<uuid:concern_id>/end/", views.concern_end, name="concern_end"),
]
