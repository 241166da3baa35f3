"""The reporting app's one write: issuing the quarterly neglect booklet for the board. The files
are built once, when issued, and kept exactly as issued (``NeglectBooklet`` is append-only): a
later issue of the same quarter is the next edition, never a change to an earlier one."""

from __future__ import annotations

import hashlib

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock_first
from core.errors import ConflictError
from reporting import booklet as booklet_files
from reporting.indicators import Period
from reporting.models import NeglectBooklet

COMMENTARY_LIMIT = 10_000
# The role the booklet names as its issuer: the board needs to know who stands behind it, not
# which person pressed the button.
ISSUER = "a strategic lead"


@transaction.atomic
def booklet_issue(*, actor, year: int, quarter: int, commentary: str) -> NeglectBooklet:
    """Issue the booklet for a quarter that has ended, with the board's commentary, as the next
    edition of that quarter."""
    if not rules.has_perm("reporting.issue_booklet", actor):
        raise PermissionDenied("Only a strategic lead may issue the neglect booklet")
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2999:
        raise ValidationError({"quarter": "Choose a quarter"})
    if Period.quarter(year, quarter).end >= clock.today():
        raise ValidationError(
            {"quarter": "You can only issue the booklet for a quarter that has ended"}
        )
    commentary = (commentary or "").strip()
    if len(commentary) > COMMENTARY_LIMIT:
        raise ValidationError(
            {"commentary": f"The commentary must be {COMMENTARY_LIMIT:,} characters or fewer"}
        )

    # Two issues of one quarter at once: the second waits here for the first to commit, then
    # reads its edition (a new statement sees the committed row). The very first edition has no
    # row to lock; the unique constraint settles that race.
    quarter_booklets = NeglectBooklet.objects.filter(year=year, quarter=quarter)
    lock_first(quarter_booklets.order_by("-edition"))
    edition = (quarter_booklets.aggregate(last=Max("edition"))["last"] or 0) + 1

    now = clock.now()
    issued = {"edition": edition, "issued_on": clock.local(now).date(), "issued_by": ISSUER}
    contents = booklet_files.booklet_contents(year, quarter)
    pdf = booklet_files.booklet_pdf(contents, commentary, draft=False, **issued)
    xlsx = booklet_files.booklet_xlsx(contents, commentary, draft=False, **issued)
    try:
        with transaction.atomic():
            made = NeglectBooklet.objects.create(
                year=year,
                quarter=quarter,
                edition=edition,
                commentary=commentary,
                pdf=pdf,
                xlsx=xlsx,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
                issued_by=actor,
                issued_at=now,
            )
    except IntegrityError as clash:
        raise ConflictError(
            "Someone issued this quarter's booklet at the same moment. Try again to issue the "
            "next edition."
        ) from clash
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=made,
        detail={"year": year, "quarter": quarter, "edition": edition},
    )
    return made
