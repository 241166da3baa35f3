"""Demo data for supervision and professional challenge: ``team.manager`` has supervised
``lead.professional`` once (a week ago, discussing their first open episode, with one action),
another of the manager's workers was last supervised long ago (overdue), and the lead
professional has one open escalation about an agency on that episode.

Written through the services (audited). A second run adds nothing (each step looks first).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from casework.models import Episode
from core.models import Agency
from oversight import selectors, services
from oversight.models import Escalation, Supervision


def _demo(username: str) -> User | None:
    return User.objects.filter(username=username, is_demo=True, is_active=True).first()


def seed(*, today: date, counts: Counter) -> None:
    manager, lead = _demo("team.manager"), _demo("lead.professional")
    if manager is None or lead is None:
        return
    episode = (
        Episode.objects.filter(lead_professional=lead, status=Episode.Status.OPEN)
        .select_related("family")
        .order_by("started_on", "created_at")
        .first()
    )
    workers = selectors.workers_for(manager)
    if (
        workers.filter(pk=lead.pk).exists()
        and not Supervision.objects.filter(worker=lead, supervisor=manager).exists()
    ):
        cases = []
        if episode is not None and episode in selectors.episodes_to_discuss(manager, lead):
            cases.append(
                {
                    "episode": episode,
                    "discussion": (
                        "Two missed health appointments. Is the family engaging, or only saying "
                        "so? What is a day like for the youngest child?"
                    ),
                    "decisions": "Joint home visit with the health visitor; see the child alone.",
                }
            )
        services.supervision_record(
            actor=manager,
            worker=lead,
            held_on=today - timedelta(days=7),
            reflections="Worried about drift: the plan has not moved since the last review.",
            cases=cases,
            actions=[
                {
                    "what": "Book a joint visit with the health visitor",
                    "who": lead.get_full_name() or lead.username,
                    "by_when": today + timedelta(days=7),
                }
            ],
        )
        counts["supervisions"] += 1
    # Another of the manager's workers, last supervised three months ago: overdue.
    other = workers.exclude(pk=lead.pk).order_by("pk").first()
    if other is not None and not Supervision.objects.filter(worker=other).exists():
        services.supervision_record(
            actor=manager, worker=other, held_on=today - timedelta(weeks=13)
        )
        counts["supervisions"] += 1
    if episode is not None and not Escalation.objects.filter(episode=episode).exists():
        agency = Agency.objects.exclude(pk=lead.agency_id).order_by("name").first()
        if agency is not None:
            services.escalation_raise(
                actor=lead,
                episode=episode,
                agency=agency,
                to_whom="The family's health visitor",
                concern=(
                    "The agreed developmental check has not been rebooked after two missed "
                    "appointments."
                ),
                raised_on=today - timedelta(days=3),
            )
            counts["escalations"] += 1
