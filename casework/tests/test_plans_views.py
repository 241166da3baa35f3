"""Family plan pages: scope, read-only for those who cannot change it, and the family's and child's copies."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import EpisodeHistory, PlanOutcome, PlanReview
from casework.tests.factories_plans import make_action, make_episode, make_outcome, make_plan
from core import clock
from core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def lead(team):
    return UserFactory(team=team, roles=[Role.LEAD_PROFESSIONAL, Role.PRACTITIONER])


@pytest.fixture
def episode(lead):
    return make_episode(lead_professional=lead, started_on=clock.today() - timedelta(weeks=8))


@pytest.fixture
def plan(episode):
    plan = make_plan(episode=episode, contingency="Ask the panel for more support")
    outcome = make_outcome(
        plan=plan,
        outcome_family_words="We get to school on time",
        outcome_practitioner_words="PRACTITIONER-ONLY wording",
    )
    make_action(outcome=outcome, who="Family worker", by_when=clock.today() - timedelta(days=2))
    PlanReview.objects.create(episode=episode, due_on=clock.today() - timedelta(days=3))
    return plan


def _client(user):
    return sign_in_verified(Client(), user)


def _url(name, episode, **kw):
    return reverse(f"casework:{name}", kwargs={"episode_id": episode.pk, **kw})


def test_plan_page_shows_outcomes_overdue_banner_and_change_links(lead, episode, plan):
    response = _client(lead).get(_url("plan", episode))
    assert response.status_code == 200
    body = response.content.decode()
    assert "We get to school on time" in body
    assert "govuk-warning-text" in body and "overdue" in body
    assert _url("plan_outcome_add", episode) in body
    assert AuditEvent.objects.filter(
        action="view", record_type="casework.familyplan", detail__page="plan"
    ).exists()


def test_colleague_who_can_see_gets_read_only_and_403_on_post(team, episode, plan):
    colleague = UserFactory(team=team, roles=[Role.PRACTITIONER])
    client = _client(colleague)
    response = client.get(_url("plan", episode))
    assert response.status_code == 200
    assert _url("plan_outcome_add", episode) not in response.content.decode()
    assert client.get(_url("plan_outcome_add", episode)).status_code == 403
    response = client.post(
        _url("plan_outcome_add", episode),
        {"need": "N", "outcome_family_words": "F", "version": plan.version},
    )
    assert response.status_code == 403
    assert (
        client.post(
            _url("plan_contingency", episode), {"contingency": "X", "version": plan.version}
        ).status_code
        == 403
    )
    assert plan.outcomes.count() == 1


def test_out_of_scope_is_404(other_team, episode, plan):
    stranger = UserFactory(team=other_team, roles=[Role.PRACTITIONER])
    assert _client(stranger).get(_url("plan", episode)).status_code == 404
    assert _client(stranger).get(_url("plan_family_copy", episode)).status_code == 404


def test_manager_adds_an_outcome_and_it_leaves_history(manager, episode, plan):
    response = _client(manager).post(
        _url("plan_outcome_add", episode),
        {
            "need": "Housing",
            "outcome_family_words": "A safe home",
            "outcome_practitioner_words": "",
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    assert plan.outcomes.filter(outcome_family_words="A safe home").exists()
    assert EpisodeHistory.objects.filter(
        episode=episode, change="plan", to_value="outcome added"
    ).exists()


def test_stale_form_is_refused_with_an_error(lead, episode, plan):
    response = _client(lead).post(
        _url("plan_contingency", episode), {"contingency": "New", "version": plan.version - 1 or 99}
    )
    assert response.status_code == 200
    assert "Someone else changed the plan" in response.content.decode()


def test_missing_family_words_shows_the_error_summary(lead, episode, plan):
    response = _client(lead).post(
        _url("plan_outcome_add", episode),
        {"need": "N", "outcome_family_words": "", "version": plan.version},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_record_a_review(lead, episode, plan):
    outcome = plan.outcomes.get()
    action = outcome.actions.get()
    child = episode.family.members.filter(role="child").first().person
    client = _client(lead)
    page = client.get(_url("plan_review", episode)).content.decode()
    assert f'name="child_{child.pk}"' in page
    today = clock.today()
    response = client.post(
        _url("plan_review", episode),
        {
            "held_on_0": today.day,
            "held_on_1": today.month,
            "held_on_2": today.year,
            f"progress_{outcome.pk}": "good",
            f"action_{action.pk}": "done",
            "family_views": "Better",
            f"child_{child.pk}": "Happier",
            "progress_notes": "",
            "what_changes": "",
            "version": plan.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PlanOutcome.objects.get(pk=outcome.pk).progress == "good"
    held = PlanReview.objects.get(episode=episode, held_on=today)
    assert held.children_views == {str(child.pk): "Happier"}
    assert PlanReview.objects.filter(
        episode=episode, held_on__isnull=True, due_on=today + timedelta(weeks=6)
    ).exists()


def test_family_copy_has_the_familys_words_and_no_practitioner_notes(lead, episode, plan):
    response = _client(lead).get(_url("plan_family_copy", episode))
    # unescape: Faker's en_GB names include apostrophes (O'Brien), which the page escapes.
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert "We get to school on time" in body
    assert "PRACTITIONER-ONLY" not in body
    for heading in (
        "What we are working on",
        "Who is helping and what they will do",
        "When we meet",
    ):
        assert heading in body
    assert lead.get_full_name() in unescape(body)


def test_child_copy_shows_only_that_childs_name(lead, episode, plan):
    children = [
        m.person for m in episode.family.members.filter(role="child").select_related("person")
    ]
    one, other = children[0], children[1]
    # Names that cannot turn up anywhere else on the page by chance.
    one.first_name, one.last_name = "Ayeshaone", "Smithone"
    # A six-year-old: the copy is worded for a young child (the wording goes by age).
    today = clock.today()
    one.date_of_birth = today.replace(year=today.year - 6, day=min(today.day, 28))
    other.first_name, other.last_name = "Zebedeetwo", "Quillfeathertwo"
    one.save()
    other.save()
    response = _client(lead).get(_url("plan_child_copy", episode, person_id=one.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert one.first_name in body
    assert other.first_name not in body and other.last_name not in body
    assert "The grown-ups helping you" in body
    assert "PRACTITIONER-ONLY" not in body


def test_child_copy_for_someone_outside_the_family_is_404(lead, episode, plan):
    stranger = (
        make_episode(lead_professional=lead).family.members.filter(role="child").first().person
    )
    assert (
        _client(lead).get(_url("plan_child_copy", episode, person_id=stranger.pk)).status_code
        == 404
    )


def test_every_change_page_opens_for_the_lead(lead, episode, plan):
    outcome = plan.outcomes.get()
    action = outcome.actions.get()
    client = _client(lead)
    for name, kw in [
        ("plan_contingency", {}),
        ("plan_outcome_add", {}),
        ("plan_outcome_edit", {"outcome_id": outcome.pk}),
        ("plan_outcome_remove", {"outcome_id": outcome.pk}),
        ("plan_action_add", {"outcome_id": outcome.pk}),
        ("plan_action_edit", {"action_id": action.pk}),
        ("plan_review", {}),
    ]:
        assert client.get(_url(name, episode, **kw)).status_code == 200, name
    response = client.post(
        _url("plan_action_complete", episode, action_id=action.pk), {"version": plan.version}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_names_and_plan_words_are_escaped_on_the_review_page(lead, episode, plan):
    # Found in the security review: an outcome's words (a <legend>) and a child's name (a <label>)
    # stored through the API ran as script here, because crispy-forms-gds printed labels with |safe.
    # templates/gds/ now escapes them (ADR 0009).
    outcome = plan.outcomes.get()
    outcome.outcome_family_words = '<script>xss("outcome")</script>'
    outcome.save()
    action = outcome.actions.get()
    action.what, action.who = '<script>xss("what")</script>', '"><img src=x onerror=xss(1)>'
    action.save()
    child = episode.family.members.filter(role="child").first().person
    child.first_name = '<script>xss("child")</script>'
    child.save()

    response = _client(lead).get(_url("plan_review", episode))

    assert response.status_code == 200
    body = response.content.decode()
    for raw in (
        '<script>xss("outcome")</script>',
        '<script>xss("what")</script>',
        '<script>xss("child")</script>',
        "<img src=x onerror=xss(1)>",
    ):
        assert raw not in body
    assert "Outcome 1: &lt;script&gt;xss(&quot;outcome&quot;)&lt;/script&gt;" in body
    assert (
        "Action: &lt;script&gt;xss(&quot;what&quot;)&lt;/script&gt; (&quot;&gt;&lt;img src=x onerror=xss(1)&gt;,"
        in body
    )
    assert "&lt;script&gt;xss(&quot;child&quot;)&lt;/script&gt;" in body
    assert "&amp;lt;" not in body  # escaped once, not twice


def _audit_mark():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _only_view_row(plan, after):
    rows = list(
        AuditEvent.objects.filter(pk__gt=after, record_type="casework.familyplan").values(
            "action", "actor_id", "record_id", "detail"
        )
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_opening_the_family_copy_writes_exactly_one_audit_row(lead, episode, plan):
    client = _client(lead)
    after = _audit_mark()
    assert client.get(_url("plan_family_copy", episode)).status_code == 200
    row = _only_view_row(plan, after)
    assert row == {
        "action": "view",
        "actor_id": lead.pk,
        "record_id": str(plan.pk),
        "detail": {"page": "plan_family_copy"},
    }


def test_opening_a_childs_copy_writes_exactly_one_audit_row(lead, episode, plan):
    child = episode.family.members.filter(role="child").first().person
    client = _client(lead)
    after = _audit_mark()
    assert client.get(_url("plan_child_copy", episode, person_id=child.pk)).status_code == 200
    row = _only_view_row(plan, after)
    assert row == {
        "action": "view",
        "actor_id": lead.pk,
        "record_id": str(plan.pk),
        "detail": {"page": "plan_child_copy"},
    }
