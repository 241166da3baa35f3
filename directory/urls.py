from django.urls import include, path

from directory import urls_public, urls_staff, views

app_name = "directory"

# The standard's paths, with no trailing slash.
oruk_patterns = [
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

urlpatterns = [
    # The Open Referral UK 3.0 read API: public, read-only (ADR 0028).
    path("oruk/", include(oruk_patterns)),
    # Staff keep the directory: services, organisations, locations, taxonomy terms, imports.
    path("directory/", include(urls_staff.urlpatterns)),
    # The public "find support" pages: no sign-in.
    path("find-support/", include(urls_public.urlpatterns)),
]
