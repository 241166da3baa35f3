"""Demo data for the drift and delay radar: the lead professional's first open episode has a
child who was not brought to two appointments within the council's window, and the radar has
run, so the family is on ``lead.professional``'s radar and on ``team.manager``'s.

Written through the services (audited). A second run records no more missed appointments (it
looks for them first) and the radar's run changes nothing when nothing changed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from casework import services as casework_services
from casework.models import Contact, Episode
from people.models import FamilyMember, Person
from radar.models import RadarFlag, RadarRule, RuleCode
from radar.services import radar_run

APPOINTMENTS = ("Health visitor development check", "Dental check-up")


def _window_weeks() -> int:
    rule = RadarRule.objects.filter(code=RuleCode.WAS_NOT_BROUGHT).first()
    return rule.window if rule and rule.window else 12


def seed(*, today: date, counts: Counter) -> None:
    lead = User.objects.filter(username="lead.professional", is_demo=True).first()
    if lead is None:
        return
    before = counts["was not brought contacts"]
    episode = (
        Episode.objects.filter(lead_professional=lead, status=Episode.Status.OPEN)
        .select_related("family")
        .order_by("started_on", "created_at")
        .first()
    )
    if episode is not None:
        child = (
            Person.objects.filter(
                family_memberships__family=episode.family,
                family_memberships__role=FamilyMember.Role.CHILD,
                kind=Person.Kind.CHILD,
            )
            .order_by("date_of_birth", "pk")
            .last()  # the youngest: neglect is seen earliest in the youngest children
        )
        window_start = today - timedelta(weeks=_window_weeks())
        missed = (
            Contact.objects.filter(
                episode=episode,
                kind=Contact.Kind.WAS_NOT_BROUGHT,
                not_brought=child,
                happened_on__gt=window_start,
            ).count()
            if child is not None
            else 2
        )
        if missed < 2:
            earliest = max(episode.started_on, window_start + timedelta(days=1))
            days = [
                max(earliest, today - timedelta(weeks=5)),
                max(earliest, today - timedelta(weeks=1)),
            ]
            for index, (on, appointment) in list(enumerate(zip(days, APPOINTMENTS, strict=True)))[
                missed:
            ]:
                casework_services.contact_record(
                    actor=lead,
                    episode=episode,
                    happened_on=on,
                    kind=Contact.Kind.WAS_NOT_BROUGHT,
                    not_brought=[child],
                    appointment=appointment,
                    # After the second miss the lead professional plans a home visit, which the
                    # demo lead's work tray then shows as a contact due in a few days.
                    next_planned_on=today + timedelta(days=3) if index == 1 else None,
                )
                counts["was not brought contacts"] += 1
    # Run when this call recorded something, or when rules are set and nothing was ever flagged;
    # a second seeding with nothing new writes nothing (not even the run's audit row).
    recorded = counts["was not brought contacts"] > before
    if recorded or (RadarRule.objects.exists() and not RadarFlag.objects.exists()):
        done = radar_run(today=today)
        if done["raised"]:
            counts["radar flags raised"] += done["raised"]
