"""Factors offered from what the record already says, each saying where it comes from."""

from datetime import date

import pytest

from assessments.models import AssessmentSection
from assessments.tests.factories import AssessmentFactory
from core.clock import add_months
from people.models import ChronologyEntry, ParentalResponsibility, YesNoUnknown
from people.tests.factories import ChronologyEntryFactory, ParentalResponsibilityFactory
from risk_factors import services
from risk_factors.models import Factor, Source
from risk_factors.offers import is_under_18_months, offers_for
from risk_factors.tests.helpers import make_world

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 2)


def _by_factor(offers):
    return {(o.factor, o.person.pk if o.person else None): o for o in offers}


def test_add_months_keeps_the_end_of_the_month():
    assert add_months(date(2025, 8, 31), 18) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 1), 18) == date(2027, 9, 1)


def test_a_child_of_17_months_is_offered_one_of_19_is_not(team):
    seventeen = make_world(team=team, baby_born=date(2025, 6, 2))  # 17 months on 2 Nov 2026
    nineteen = make_world(team=team, baby_born=date(2025, 4, 2))  # 19 months
    offer = _by_factor(offers_for(seventeen.lead, seventeen.family, today=TODAY))[
        (Factor.CHILD_UNDER_18_MONTHS, seventeen.baby.pk)
    ]
    assert offer.source == Source.RECORD
    assert offer.source_detail == "Date of birth 2 June 2025: 17 months old, under 18 months"
    assert not [
        o
        for o in offers_for(nineteen.lead, nineteen.family, today=TODAY)
        if o.factor == Factor.CHILD_UNDER_18_MONTHS
    ]


def test_eighteen_months_exactly_is_not_under():
    born = date(2025, 5, 2)
    assert is_under_18_months(born, date(2026, 11, 1))
    assert not is_under_18_months(born, date(2026, 11, 2))


def test_offers_from_the_record(team):
    world = make_world(team=team)
    world.older.disability = YesNoUnknown.YES
    world.older.is_young_carer = True
    world.older.save()
    ParentalResponsibilityFactory(
        child=world.older,
        adult=world.mother,
        basis=ParentalResponsibility.Basis.LOCAL_AUTHORITY,
        from_date=date(2026, 5, 3),
    )
    ChronologyEntryFactory(
        person=world.mother,
        category=ChronologyEntry.Category.DOMESTIC_ABUSE,
        occurred_on=date(2026, 10, 1),
    )
    offers = _by_factor(offers_for(world.lead, world.family, today=TODAY))
    assert offers[(Factor.DISABLED_CHILD, world.older.pk)].source_detail == (
        "Their record says they have a disability"
    )
    assert (Factor.YOUNG_CARER, world.older.pk) in offers
    assert offers[(Factor.CHILD_IN_CARE, world.older.pk)].source_detail == (
        "Parental responsibility: the local authority (care order) since 3 May 2026"
    )
    assert offers[(Factor.DOMESTIC_ABUSE, None)].source_detail == (
        "Chronology: domestic abuse on 1 October 2026"
    )


def test_offers_from_the_assessments_words(team):
    world = make_world(team=team)
    assessment = AssessmentFactory(family=world.family, worker=world.lead, children=[world.baby])
    AssessmentSection.objects.create(
        assessment=assessment,
        key="environment",
        answers={"family_history": "Dad's ALCOHOL use worries mum; the flat is overcrowded."},
        updated_by=world.lead,
    )
    offers = _by_factor(offers_for(world.lead, world.family, today=TODAY))
    alcohol = offers[(Factor.ALCOHOL_MISUSE, None)]
    assert alcohol.source == Source.ASSESSMENT
    assert (
        "section 7 (Family and environmental factors), mentions “alcohol”" in alcohol.source_detail
    )
    assert (Factor.UNSUITABLE_HOUSING, None) in offers
    assert (Factor.PARENTAL_MENTAL_HEALTH, None) not in offers


def test_a_factor_already_present_is_not_offered(team):
    world = make_world(team=team, baby_born=date(2026, 3, 1))
    offer = next(o for o in offers_for(world.lead, world.family) if o.person == world.baby)
    services.risk_factor_accept_offer(actor=world.lead, family=world.family, offer=offer)
    assert not [o for o in offers_for(world.lead, world.family) if o.person == world.baby]


def test_offers_cost_the_same_queries_for_a_bigger_family(team, django_assert_max_num_queries):
    from people.models import FamilyMember
    from people.tests.factories import FamilyMemberFactory, PersonFactory

    small = make_world(team=team)
    big = make_world(team=team)
    for _ in range(6):
        FamilyMemberFactory(family=big.family, person=PersonFactory(), role=FamilyMember.Role.CHILD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        offers_for(small.lead, small.family, today=TODAY)
    with django_assert_max_num_queries(len(counted)):
        offers_for(big.lead, big.family, today=TODAY)
