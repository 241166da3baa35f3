"""Demo data for children's centres: the demo families' under-fives registered at their area's
designated children's centre (by ``team.leader``, of the early support service), all but one in
five of them, with contacts over the last year (most of a kind that counts as reach, a few
information calls that do not), and an under-fives population for each centre for this financial
year, so the reach table has figures.

Written through the services (audited). A second run writes nothing: a child with a registration
is left alone, and a year with a population keeps it.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from children_centres import reach, selectors, services
from children_centres.models import CentreRegistration, UnderFivesPopulation
from children_centres.services import PopulationRow
from core import clock
from people.models import FamilyMember, Person


def seed(*, today: date, counts: Counter) -> None:
    leader = User.objects.filter(username="team.leader", is_demo=True, is_active=True).first()
    centres = list(selectors.centres())
    if leader is None or not centres:
        return
    # The services refuse a day after the real today; the demo's today may be earlier.
    today = min(today, clock.today())
    by_area = {}
    for centre in centres:
        by_area.setdefault(centre.area_id, centre)
    kinds = selectors.contact_kinds(selectors.centre_settings())
    counting = [k["key"] for k in kinds if k.get("counts_as_reach")]
    other = [k["key"] for k in kinds if not k.get("counts_as_reach")]
    members = (
        FamilyMember.objects.filter(
            role=FamilyMember.Role.CHILD,
            person__kind=Person.Kind.CHILD,
            person__date_of_birth__gt=reach.fifth_birthday_cutoff(today),
            person__date_of_birth__lte=today - timedelta(days=14),
        )
        .select_related("person", "family")
        .order_by("family__reference", "person__date_of_birth", "person_id")
    )
    registered = set(CentreRegistration.objects.values_list("child_id", flat=True))
    seen_children: set = set()
    registered_at: Counter = Counter()
    for index, member in enumerate(members):
        child = member.person
        if child.pk in seen_children:
            continue
        seen_children.add(child.pk)
        centre = by_area.get(member.family.area_id, centres[0])
        registered_at[centre.pk] += 1
        if child.pk in registered or index % 5 == 4:
            continue
        rng = random.Random(f"centre-{child.pk}")
        registered_on = max(child.date_of_birth + timedelta(days=28), today - timedelta(days=700))
        registered_on += timedelta(days=rng.randint(0, 30))
        if registered_on > today:
            registered_on = today
        services.centre_registration_add(
            actor=leader, child=child, centre=centre, registered_on=registered_on
        )
        counts["centre_registrations"] += 1
        # Most registered children were seen in the last year; a few only had a phone call.
        for _ in range(rng.choice((0, 1, 2, 3, 3))):
            seen_on = today - timedelta(days=rng.randint(0, 364))
            if seen_on < registered_on:
                continue
            pool = other if other and rng.random() < 0.15 else counting
            if not pool:
                continue
            services.reach_contact_record(
                actor=leader, child=child, centre=centre, seen_on=seen_on, kind=rng.choice(pool)
            )
            counts["centre_contacts"] += 1
    year = reach.Period.financial_year_of(today).start.year
    if not UnderFivesPopulation.objects.filter(year=year).exists():
        # The demo families' under-fives are seven in ten of those living in each reach area.
        rows = [
            PopulationRow(
                year=year,
                centre=centre,
                area=None,
                under_fives=max(10, round(registered_at[centre.pk] * 10 / 7)),
            )
            for centre in centres
        ]
        services.under_fives_load(actor=leader, rows=rows)
        counts["under_fives_populations"] += len(rows)
