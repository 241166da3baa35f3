"""Demo data for neglect: on the family the radar and risk factors demos use (the lead
professional's first open episode, in the team the team manager manages), the youngest of the
children has a current neglect concern from that episode, with what was seen in two categories
(nutritional and physical) and a Graded Care Profile 2 result; the other child has none.

Written through the services (audited, on the chronology). A second run writes nothing: it
looks for the family's concerns first.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from casework.models import Episode
from neglect import services
from neglect.models import Category, GradedCareTool, NeglectConcern
from people.models import FamilyMember, Person


def _family_episode(lead) -> Episode | None:
    return (
        Episode.objects.filter(lead_professional=lead, status=Episode.Status.OPEN)
        .select_related("family")
        .order_by("started_on", "created_at")
        .first()
    )


def seed(*, today: date, counts: Counter) -> None:
    lead = User.objects.filter(username="lead.professional", is_demo=True).first()
    episode = _family_episode(lead) if lead is not None else None
    if episode is None:
        return
    family = episode.family
    if NeglectConcern.objects.filter(family=family).exists():
        return
    children = sorted(
        (
            m.person
            for m in FamilyMember.objects.filter(
                family=family, role=FamilyMember.Role.CHILD
            ).select_related("person")
            if m.person.kind == Person.Kind.CHILD
        ),
        key=lambda p: (p.date_of_birth or date.min, str(p.pk)),
    )
    if not children:
        return
    child = children[-1]
    identified = max(episode.started_on, today - timedelta(weeks=3))
    if child.date_of_birth and identified < child.date_of_birth:
        identified = today
    concern = services.neglect_concern_record(
        actor=lead,
        child=child,
        family=family,
        source=NeglectConcern.Source.EPISODE,
        episode=episode,
        identified_on=identified,
        lived_experience=(
            "Most mornings there is no breakfast; the nursery gives toast. Clothes are often "
            "too small and not warm enough, and nappy rash keeps coming back."
        ),
        observations=[
            services.ObservationInput(
                category=Category.NUTRITIONAL,
                seen="Hungry on arrival at nursery four days out of five; weight has dropped "
                "a centile.",
                seen_by="Priya Shah, nursery key worker",
                seen_on=identified,
            ),
            services.ObservationInput(
                category=Category.PHYSICAL,
                seen="Summer clothes in cold weather; persistent nappy rash.",
                seen_by="Health visitor, 0-19 service",
                seen_on=identified,
            ),
        ],
    )
    counts["neglect concerns"] += 1
    tool = GradedCareTool.objects.filter(code="gcp2", in_pack=True).first()
    if tool is not None:
        grades = dict(zip(tool.areas, (4, 3, 3, 3, 3, 3), strict=False))
        services.graded_care_result_record(
            actor=lead,
            child=child,
            family=family,
            tool=tool,
            done_on=min(today, identified + timedelta(days=7)),
            area_grades={area: grades.get(area, 3) for area in tool.areas},
            overall_grade=tool.grades[min(2, len(tool.grades) - 1)],
            concern=concern,
        )
        counts["graded-care results"] += 1
