"""Reads of the council's set-up: the council, its areas, agencies, teams and levels of need.

Set-up is not anyone's record, so nothing here is scoped or audited; the pages and API views that
show it decide who may see it (the configuration page is for system administrators).
"""

from django.db.models import Count, QuerySet

from core.models import Agency, Area, Council, NeedLevel, OutboundMessage, ScheduledRun, Team


def the_council() -> Council | None:
    """The installation's council (one per installation), or None before its pack is loaded."""
    return Council.objects.first()


def areas() -> QuerySet[Area]:
    return Area.objects.all()


def areas_with_sites() -> QuerySet[Area]:
    return Area.objects.prefetch_related("sites")


def agencies() -> QuerySet[Agency]:
    return Agency.objects.all()


def agency_by_code(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def teams() -> QuerySet[Team]:
    return Team.objects.select_related("agency", "area")


def need_levels() -> QuerySet[NeedLevel]:
    return NeedLevel.objects.all()


def need_level_by_level(level: int) -> NeedLevel | None:
    """A level of need by its number (the Continuum of Need level), or None."""
    return NeedLevel.objects.filter(level=level).first()


def messages_to(user) -> QuerySet[OutboundMessage]:
    """The messages the product sent to ``user``'s email address, newest first (none without one).

    A message holds a template, a reference and the record it is about, never a family's details.
    """
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return OutboundMessage.objects.none()
    return OutboundMessage.objects.filter(to__iexact=email).order_by("-created_at", "-id")


# -------------------------------------------------- background work (the service's own page)

# How many messages the background work page lists (the newest first); the counts cover all.
MESSAGES_SHOWN = 100


def scheduled_runs_latest(job_keys) -> dict[str, ScheduledRun]:
    """The latest run of each job, in one query however long the history."""
    latest = {}
    for run in ScheduledRun.objects.filter(job__in=list(job_keys)).order_by("job", "-period")[
        : 5 * max(len(job_keys), 1)
    ]:
        latest.setdefault(run.job, run)
    return latest


def message_counts() -> dict[str, int]:
    """How many messages are in each delivery status (every status listed, zero or not)."""
    counts = dict.fromkeys(OutboundMessage.Status.values, 0)
    for row in OutboundMessage.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def messages_by_status(status: str | None) -> list[OutboundMessage]:
    """The newest messages (of one status, if given), for the page; never their content."""
    messages = OutboundMessage.objects.order_by("-created_at", "-pk")
    if status:
        messages = messages.filter(status=status)
    return list(messages[:MESSAGES_SHOWN])


def message(message_id: int) -> OutboundMessage | None:
    return OutboundMessage.objects.filter(pk=message_id).first()
