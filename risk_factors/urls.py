"""A family's risk and vulnerability factors. Ids only in paths: nothing personal."""

from django.urls import path

from risk_factors import views

app_name = "risk_factors"

urlpatterns = [
    path("families/<uuid:family_id>/", views.family_factors, name="family"),
    path("families/<uuid:family_id>/add/", views.factor_add, name="add"),
    path("families/<uuid:family_id>/accept/", views.offer_accept, name="accept"),
    path("factors/<int:factor_id>/end/", views.factor_end, name="end"),
    path("reviews/<int:review_id>/", views.review, name="review"),
]
