"""Row locks and stale edits: how every service serialises changes to one record.

Why a helper, not ``select_for_update()`` inline: on PostgreSQL a ``SELECT ... FOR UPDATE`` that
waits for another transaction's lock re-checks its WHERE clause and joins against the row as
the other transaction left it (EvalPlanQual), but against the joined rows it first read. A lock
taken with ``select_related`` of a foreign key that the other transaction changed (a new lead
professional, a new level of need) therefore finds no row at all: ``DoesNotExist``, a 500, for a
record that is plainly there. Locking by primary key alone, with no joins, cannot lose the row;
the related rows are read afterwards, under the lock, so they are the committed ones.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from core.errors import ConflictError

M = TypeVar("M", bound=models.Model)


class StaleVersionError(ConflictError):
    """Someone saved the record after the caller read it; nothing was changed.

    Pages show it as an error on the form; the API answers it with 409 (``core.errors``).
    """


def lock(model: type[M], pk, *, select_related: tuple[str, ...] = ()) -> M:
    """Lock one row by primary key for the rest of the transaction, and return it fresh.

    Raises ``model.DoesNotExist`` only if the row really is gone. ``select_related`` names
    related rows to read with it, after the lock is held.
    """
    manager = model._base_manager
    if not list(manager.select_for_update().filter(pk=pk).values_list("pk", flat=True)):
        raise model.DoesNotExist(f"{model._meta.label} matching query does not exist.")
    queryset = manager.all()
    if select_related:
        queryset = queryset.select_related(*select_related)
    return queryset.get(pk=pk)


def lock_first(queryset: models.QuerySet[M]) -> M | None:
    """Lock the first row a filter finds (by its own columns only), or None.

    For rows found by something other than their primary key (a plan by its episode, a
    response by case and seat). Joins are dropped for the reason above; the WHERE clause is
    re-checked against the locked row, which is what a filter on the row's own state wants.
    """
    return queryset.select_related(None).select_for_update().first()


def lock_all(queryset: models.QuerySet[M]) -> list[M]:
    """Lock every row a filter finds (by its own columns only), in primary-key order so that
    two transactions locking overlapping sets cannot deadlock."""
    return list(queryset.select_related(None).select_for_update().order_by("pk"))
