"""The staff pages that keep the directory (under /directory/)."""

from django.urls import path

from directory import views_staff as v

urlpatterns: list = [
    path("", v.index, name="staff_index"),
    path("services/add/", v.service_add, name="staff_service_add"),
    path("services/<uuid:service_id>/", v.service_detail, name="staff_service"),
    path("services/<uuid:service_id>/change/", v.service_change, name="staff_service_change"),
    path("services/<uuid:service_id>/terms/", v.service_terms, name="staff_service_terms"),
    path("services/<uuid:service_id>/<slug:part>/add/", v.part_edit, name="staff_part_add"),
    path(
        "services/<uuid:service_id>/<slug:part>/<uuid:part_id>/",
        v.part_edit,
        name="staff_part_change",
    ),
    path(
        "services/<uuid:service_id>/<slug:part>/<uuid:part_id>/remove/",
        v.part_remove,
        name="staff_part_remove",
    ),
    # One address of a location, one phone of a contact (``sub``: address or phone).
    path(
        "services/<uuid:service_id>/<slug:part>/<uuid:part_id>/<slug:sub>/add/",
        v.subpart_edit,
        name="staff_subpart_add",
    ),
    path(
        "services/<uuid:service_id>/<slug:part>/<uuid:part_id>/<slug:sub>/<uuid:sub_id>/",
        v.subpart_edit,
        name="staff_subpart_change",
    ),
    path(
        "services/<uuid:service_id>/<slug:part>/<uuid:part_id>/<slug:sub>/<uuid:sub_id>/remove/",
        v.subpart_remove,
        name="staff_subpart_remove",
    ),
    path("organisations/", v.organizations, name="staff_organizations"),
    path("organisations/add/", v.organization_edit, name="staff_organization_add"),
    path(
        "organisations/<uuid:organization_id>/",
        v.organization_edit,
        name="staff_organization_change",
    ),
    path("taxonomy-terms/", v.terms, name="staff_terms"),
    path("taxonomy-terms/add/", v.term_edit, name="staff_term_add"),
    path("taxonomy-terms/<uuid:term_id>/", v.term_edit, name="staff_term_change"),
    path("import/", v.import_feed, name="staff_import"),
    path("import/confirm/", v.import_confirm, name="staff_import_confirm"),
]
