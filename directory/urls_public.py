"""The public "find support" pages (under /find-support/): no sign-in."""

from django.urls import path

from directory import views_public

urlpatterns: list = [
    path("", views_public.find_support, name="find_support"),
    path("services/<uuid:id>/", views_public.find_support_service, name="find_support_service"),
]
