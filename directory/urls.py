from django.urls import path

from directory import views

app_name = "directory"

# The standard's paths, with no trailing slash.
urlpatterns = [
    path("", views.index, name="oruk_index"),
    path("services", views.services, name="oruk_services"),
    path("services/<str:id>", views.service, name="oruk_service"),
    path("service_at_locations", views.services_at_locations, name="oruk_services_at_locations"),
    path(
        "service_at_locations/<str:id>", views.service_at_location, name="oruk_service_at_location"
    ),
    path("taxonomies", views.taxonomies, name="oruk_taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy, name="oruk_taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="oruk_taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term, name="oruk_taxonomy_term"),
]
