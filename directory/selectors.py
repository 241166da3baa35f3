"""Reads of the directory. Directory records describe services, not people, so they are public:
nothing here is scoped or audited."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q, QuerySet

from directory import models as m


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def services(
    *,
    text: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: datetime | None = None,
) -> QuerySet:
    found = m.Service.objects.all()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if taxonomy_term_id:
        found = found.filter(pk__in=_linked(Q(taxonomy_term_id=taxonomy_term_id)))
    if taxonomy_id:
        found = found.filter(pk__in=_linked(Q(taxonomy_term__taxonomy_detail_id=taxonomy_id)))
    if organization_id:
        found = found.filter(organization_id=organization_id)
    if modified_after:
        found = found.filter(last_modified__gte=modified_after)
    return found.order_by("name", "id")


def _linked(condition: Q):
    return m.Attribute.objects.filter(condition, link_entity="service").values("link_id")


def service(service_id: str) -> m.Service | None:
    pk = _uuid(service_id)
    return m.Service.objects.filter(pk=pk).first() if pk else None


def services_at_locations(*, text: str = "", taxonomy_term_id=None) -> QuerySet:
    found = m.ServiceAtLocation.objects.all()
    if text:
        found = found.filter(
            Q(service__name__icontains=text) | Q(service__description__icontains=text)
        )
    if taxonomy_term_id:
        found = found.filter(service_id__in=_linked(Q(taxonomy_term_id=taxonomy_term_id)))
    return found.order_by("service__name", "id")


def service_at_location(sal_id: str) -> m.ServiceAtLocation | None:
    pk = _uuid(sal_id)
    return m.ServiceAtLocation.objects.filter(pk=pk).first() if pk else None


def taxonomies() -> QuerySet:
    return m.Taxonomy.objects.order_by("name", "id")


def taxonomy(taxonomy_id: str) -> m.Taxonomy | None:
    pk = _uuid(taxonomy_id)
    return m.Taxonomy.objects.filter(pk=pk).first() if pk else None


def taxonomy_terms(*, taxonomy_id: uuid.UUID | None = None) -> QuerySet:
    found = m.TaxonomyTerm.objects.all()
    if taxonomy_id:
        found = found.filter(taxonomy_detail_id=taxonomy_id)
    return found.order_by("name", "id")


def taxonomy_term(term_id: str) -> m.TaxonomyTerm | None:
    pk = _uuid(term_id)
    return m.TaxonomyTerm.objects.filter(pk=pk).first() if pk else None
