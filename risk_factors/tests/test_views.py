"""The family's factors page, adding, accepting an offer, ending, and the review at a plan review;
the notices on casework's pages."""

import html
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import sign_in_verified
from casework.tests.factories_plans import make_plan
from core import notices
from core.models import AuditEvent
from risk_factors.models import Factor, FactorReview, RiskFactor
from risk_factors.tests.factories import RiskFactorFactory
from risk_factors.tests.helpers import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team):
    return make_world(team=team)


@pytest.fixture
def lead_client(client, world):
    return sign_in_verified(client, world.lead)


def test_family_page_lists_factors_offers_and_audits(lead_client, world):
    RiskFactorFactory(family=world.family, person=world.mother, recorded_by=world.lead)
    url = reverse("risk_factors:family", kwargs={"family_id": world.family.pk})
    response = lead_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Parental mental health problems" in text
    assert html.escape(world.mother.full_name) in text
    # The baby (born 1 March 2026) is offered as under 18 months, saying why.
    assert "Date of birth 1 March 2026: 8 months old, under 18 months" in text
    assert AuditEvent.objects.filter(
        action="view", record_type="people.family", record_id=str(world.family.pk)
    ).exists()


def test_accepting_an_offer_records_it_in_one_click(lead_client, world):
    url = reverse("risk_factors:accept", kwargs={"family_id": world.family.pk})
    key = f"{Factor.CHILD_UNDER_18_MONTHS}:{world.baby.pk}:date_of_birth"
    response = lead_client.post(url, {"offer": key})
    assert response.status_code == 302
    factor = RiskFactor.objects.get()
    assert (factor.factor, factor.person, factor.source, factor.noted_on) == (
        "child_under_18_months",
        world.baby,
        "record",
        date(2026, 11, 2),
    )
    # Again: no longer offered, nothing more recorded.
    lead_client.post(url, {"offer": key})
    assert RiskFactor.objects.count() == 1


def test_add_keeps_what_was_typed_and_shows_the_rule(lead_client, world):
    url = reverse("risk_factors:add", kwargs={"family_id": world.family.pk})
    response = lead_client.post(
        url,
        {
            "factor": Factor.YOUNG_CARER,
            "person": "",
            "noted_on_0": "1",
            "noted_on_1": "10",
            "noted_on_2": "2026",
            "source": "family",
            "source_detail": "Told us at the visit",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Select the child this is about" in text
    assert "Told us at the visit" in text
    response = lead_client.post(
        url,
        {
            "factor": Factor.YOUNG_CARER,
            "person": str(world.older.pk),
            "noted_on_0": "1",
            "noted_on_1": "10",
            "noted_on_2": "2026",
            "source": "family",
        },
    )
    assert response.status_code == 302
    assert RiskFactor.objects.get().person == world.older


def test_end_page_ends_the_factor(lead_client, world):
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    url = reverse("risk_factors:end", kwargs={"factor_id": factor.pk})
    assert lead_client.get(url).status_code == 200
    response = lead_client.post(
        url,
        {
            "ended_on_0": "1",
            "ended_on_1": "11",
            "ended_on_2": "2026",
            "reason": "Discharged",
            "version": factor.version,
        },
    )
    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.status == "ended"
    # A stale form: the error, not a second change.
    assert lead_client.get(url).status_code == 409


def test_review_page_records_what_changed(lead_client, world):
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    url = reverse("risk_factors:review", kwargs={"review_id": world.review.pk})
    response = lead_client.get(url)
    assert response.status_code == 200
    assert "still present" in response.content.decode().lower()
    offer_key = f"{Factor.CHILD_UNDER_18_MONTHS}:{world.baby.pk}:date_of_birth"
    response = lead_client.post(
        url,
        {
            f"factor_{factor.pk}": "ended",
            f"changed_{factor.pk}": "",
            f"version_{factor.pk}": factor.version,
            "accept": [offer_key],
        },
    )
    assert response.status_code == 200
    assert "Enter what changed, now it is no longer present" in response.content.decode()
    response = lead_client.post(
        url,
        {
            f"factor_{factor.pk}": "ended",
            f"changed_{factor.pk}": "Mum is well again",
            f"version_{factor.pk}": factor.version,
            "accept": [offer_key],
        },
    )
    assert response.status_code == 302
    review = FactorReview.objects.get(plan_review=world.review)
    assert review.items.count() == 2
    factor.refresh_from_db()
    assert factor.status == "ended"


def test_review_page_with_a_stale_version_says_so(lead_client, world):
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    url = reverse("risk_factors:review", kwargs={"review_id": world.review.pk})
    response = lead_client.post(
        url,
        {f"factor_{factor.pk}": "present", f"version_{factor.pk}": factor.version + 3},
    )
    assert response.status_code == 200
    assert "Someone else changed this factor" in response.content.decode()
    assert not FactorReview.objects.exists()


def test_out_of_scope_is_404(lead_client, other_team):
    elsewhere = make_world(team=other_team)
    factor = RiskFactorFactory(family=elsewhere.family, recorded_by=elsewhere.lead)
    for url in (
        reverse("risk_factors:family", kwargs={"family_id": elsewhere.family.pk}),
        reverse("risk_factors:add", kwargs={"family_id": elsewhere.family.pk}),
        reverse("risk_factors:end", kwargs={"factor_id": factor.pk}),
        reverse("risk_factors:review", kwargs={"review_id": elsewhere.review.pk}),
    ):
        assert lead_client.get(url).status_code == 404, url


def test_the_plan_review_and_episode_pages_show_the_factors(lead_client, world):
    make_plan(episode=world.episode)
    RiskFactorFactory(family=world.family, person=world.mother, recorded_by=world.lead)
    response = lead_client.get(
        reverse("casework:plan_review", kwargs={"episode_id": world.episode.pk})
    )
    text = response.content.decode()
    assert "Review risk and vulnerability factors" in text
    assert reverse("risk_factors:review", kwargs={"review_id": world.review.pk}) in text
    response = lead_client.get(
        reverse("casework:episode_detail", kwargs={"episode_id": world.episode.pk})
    )
    text = response.content.decode()
    assert "Parental mental health problems" in text
    assert reverse("risk_factors:family", kwargs={"family_id": world.family.pk}) in text


def _count(place, user, records) -> int:
    with CaptureQueriesContext(connection) as counted:
        notices.notices_for_many(place, user=user, records=records)
    return len(counted)


def test_notices_cost_the_same_queries_for_one_or_many(team, world):
    from casework.models import PlanReview

    worlds = [make_world(team=team, lead=world.lead) for _ in range(4)]
    for each in [world, *worlds]:
        RiskFactorFactory(family=each.family, recorded_by=world.lead)
        RiskFactorFactory(family=each.family, factor=Factor.POVERTY, recorded_by=world.lead)
    one_review = list(PlanReview.objects.filter(pk=world.review.pk).select_related("episode"))
    many_reviews = list(
        PlanReview.objects.filter(
            episode__family__in=[w.family for w in [world, *worlds]]
        ).select_related("episode")
    )
    assert len(many_reviews) == 5
    # Only this app's providers: other apps may register theirs for the same places.
    from risk_factors.notices import episode_notices, plan_review_notices

    def count(provider, records):
        with CaptureQueriesContext(connection) as counted:
            found = provider(world.lead, records)
        return len(counted), found

    count(plan_review_notices, one_review)  # the user's roles, read once and kept
    one, _found = count(plan_review_notices, one_review)
    many, found = count(plan_review_notices, many_reviews)
    assert one == many
    assert len(found) == 5
    episodes = [r.episode for r in many_reviews]
    assert count(episode_notices, episodes[:1])[0] == count(episode_notices, episodes)[0]


def test_notices_show_nothing_of_a_family_out_of_scope(world, other_team):
    from risk_factors.notices import plan_review_notices

    elsewhere = make_world(team=other_team)
    RiskFactorFactory(family=elsewhere.family, recorded_by=elsewhere.lead)
    assert plan_review_notices(world.lead, [elsewhere.review]) == {}


def test_family_page_costs_the_same_queries_for_more_factors(
    lead_client, world, django_assert_max_num_queries
):
    url = reverse("risk_factors:family", kwargs={"family_id": world.family.pk})
    RiskFactorFactory(family=world.family, recorded_by=world.lead)
    lead_client.get(url)
    with CaptureQueriesContext(connection) as counted:
        lead_client.get(url)
    for factor in (Factor.POVERTY, Factor.DOMESTIC_ABUSE, Factor.UNSUITABLE_HOUSING):
        RiskFactorFactory(family=world.family, factor=factor, recorded_by=world.lead)
    RiskFactorFactory(
        family=world.family, factor=Factor.YOUNG_CARER, person=world.older, recorded_by=world.lead
    )
    with django_assert_max_num_queries(len(counted)):
        assert lead_client.get(url).status_code == 200
