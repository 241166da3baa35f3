"""A request's events are on the chronology of the family's children, linked to the request:
received, triaged and stopped for safeguarding. A request about no family record writes nothing
(its children are only as the requester described them)."""

from datetime import date

import pytest
from django.urls import reverse

from core import clock
from core.tests.factories import NeedLevelFactory
from people.models import ChronologyEntry, FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory, PersonFactory
from support_requests import services
from support_requests.models import SupportRequest, Triage
from support_requests.services.intake import ChildDetails
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(school_practitioner, area_x):
    family = FamilyFactory(area=area_x, team=school_practitioner.team)
    FamilyMemberFactory(
        family=family,
        person=PersonFactory(date_of_birth=date(2017, 5, 1)),
        role=FamilyMember.Role.CHILD,
    )
    FamilyMemberFactory(family=family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER)
    return family


def _child(family):
    return family.members.get(role=FamilyMember.Role.CHILD).person


def _submit(actor, area, family, concern=False, children=()):
    return services.support_request_submit_practitioner(
        actor=actor,
        family=family,
        children=children,
        area=area,
        what_is_happening="Mornings are hard",
        single_agency_support_tried="School nurse",
        family_knows_and_consents=True,
        safeguarding_concern=concern,
    )


def test_a_request_about_a_family_is_on_the_childs_chronology(school_practitioner, area_x, family):
    support_request, _ = _submit(school_practitioner, area_x, family)
    (entry,) = ChronologyEntry.objects.all()
    assert entry.person == _child(family) and entry.event == "request_received"
    assert entry.summary == (f"Request for support received from {school_practitioner.agency.name}")
    assert entry.occurred_on == clock.today() and entry.recorded_by == school_practitioner
    assert (entry.record_type, entry.record_id) == ("support_request", str(support_request.pk))
    assert entry.link.url == reverse(
        "support_requests:detail", kwargs={"request_id": support_request.pk}
    )
    assert entry.link.text == "View the request"


def test_a_safeguarding_concern_is_a_second_entry(school_practitioner, area_x, family):
    support_request, stop = _submit(school_practitioner, area_x, family, concern=True)
    assert stop is not None
    events = dict(ChronologyEntry.objects.values_list("event", "category"))
    assert events == {
        "request_received": ChronologyEntry.Category.SERVICE,
        "safeguarding_stop": ChronologyEntry.Category.SAFEGUARDING,
    }


def test_a_request_about_no_family_record_writes_nothing(school_practitioner, area_x):
    _submit(
        school_practitioner,
        area_x,
        None,
        children=[ChildDetails(first_name="Ava", age_years=6)],
    )
    assert not ChronologyEntry.objects.exists()


def _answers(level, **overrides):
    values = {
        "conversation_date": clock.today(),
        "conversation_with": "Sam Lee",
        "conversation_summary": "Talked it through.",
        "cin_cp_concern": False,
        "need_level": level,
        "decision": Triage.Decision.ASSESSMENT,
    }
    values.update(overrides)
    return services.TriageAnswers(**values)


def test_triage_decision_and_stop_are_on_the_chronology(leader_x, area_x, family):
    level = NeedLevelFactory(level=2, name="Early help")
    decided = SupportRequestFactory(
        area=area_x, family=family, status=SupportRequest.Status.IN_TRIAGE
    )
    services.triage_record_decision(
        actor=leader_x, support_request=decided, answers=_answers(level)
    )
    (entry,) = ChronologyEntry.objects.filter(event="triage_decision")
    assert entry.person == _child(family) and entry.record_id == str(decided.pk)
    assert entry.summary == "Request triaged: start an early support assessment"

    stopped = SupportRequestFactory(
        area=area_x, family=family, status=SupportRequest.Status.IN_TRIAGE
    )
    services.triage_raise_safeguarding_stop(
        actor=leader_x, support_request=stopped, answers=_answers(level, cin_cp_concern=True)
    )
    (entry,) = ChronologyEntry.objects.filter(event="safeguarding_stop")
    assert (entry.person, entry.record_id, entry.category) == (
        _child(family),
        str(stopped.pk),
        ChronologyEntry.Category.SAFEGUARDING,
    )


def test_a_step_down_from_social_care_is_on_the_chronology(leader_x, area_x, family):
    support_request = services.support_request_record_step_down(
        actor=leader_x,
        family=family,
        area=area_x,
        step_down_reason="Needs now early help",
        allocation_meeting_date=clock.today(),
        social_care_history="Child in need plan closed",
        need_level_at_step_down=NeedLevelFactory(level=2, name="Early help"),
        social_worker_name="Sam Social",
        social_worker_contact="01234 567890",
    )
    (entry,) = ChronologyEntry.objects.all()
    assert (entry.person, entry.event, entry.record_id) == (
        _child(family),
        "request_received",
        str(support_request.pk),
    )
    assert entry.summary == "Stepped down from children’s social care to early help"
