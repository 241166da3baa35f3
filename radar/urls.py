from django.urls import path

from radar import views

app_name = "radar"

urlpatterns = [
    path("", views.radar, name="radar"),
    path("run/", views.run, name="run"),
    path("flags/<int:flag_id>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:flag_id>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
]
