"""The Supporting Families outcomes extract on a small hand-built set of episodes around October
to December 2026 (both days included), and its page and downloads: who may, the exact columns,
the audit, and a query count that does not grow with the number of families.

The framework here has two headline outcomes in the pack (education, then housing) and one left
out of it; a Stronger Families outcome shows that other frameworks' links do not count."""

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core.council_pack import load_council_pack
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from outcomes.models import OutcomeSustainedCheck, ScoreKind
from outcomes.tests.factories import (
    FrameworkOutcomeFactory,
    OutcomeFrameworkFactory,
    OutcomeLinkFactory,
    OutcomeScoreFactory,
    OutcomeSustainedCheckFactory,
    plan_outcome_for,
)
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyFactory, FamilyMemberFactory
from reporting import supporting_families

pytestmark = pytest.mark.django_db

START, END = date(2026, 10, 1), date(2026, 12, 31)
HEADER = [
    "Family reference",
    "Early help area",
    "Lead agency",
    "Episode start date",
    "Episode closed date",
    "Children in the family",
    "Getting a good education: need identified",
    "Getting a good education: baseline",
    "Getting a good education: latest score",
    "Secure housing: need identified",
    "Secure housing: baseline",
    "Secure housing: latest score",
    "Significant and sustained progress",
    "Sustained check due",
]


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2027, 1, 20, 10, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def framework(db):
    """The pack's Supporting Families framework: housing is listed second though made first."""
    sf = OutcomeFrameworkFactory(code="supporting-families", name="Supporting Families")
    housing = FrameworkOutcomeFactory(
        framework=sf, code="housing", title="Secure housing", sort_order=2
    )
    education = FrameworkOutcomeFactory(
        framework=sf, code="education", title="Getting a good education", sort_order=1
    )
    FrameworkOutcomeFactory(framework=sf, code="old", title="Left out", sort_order=3, in_pack=False)
    other = FrameworkOutcomeFactory(
        framework=OutcomeFrameworkFactory(code="stronger-families"), code="safe-at-home"
    )
    return {"education": education, "housing": housing, "other": other}


@pytest.fixture
def place(db):
    return {
        "area": AreaFactory(name="Dewsbury and Mirfield"),
        "agency": AgencyFactory(name="Springfield Family Support"),
    }


def _episode(place, reference, started_on, *, ended_on=None, status=Episode.Status.OPEN):
    family = FamilyFactory(reference=reference, area=place["area"])
    return EpisodeFactory(
        family=family,
        lead_agency=place["agency"],
        started_on=started_on,
        ended_on=ended_on,
        status=status,
    )


def _closed(place, reference, started_on, ended_on, **kwargs):
    return _episode(
        place, reference, started_on, ended_on=ended_on, status=Episode.Status.CLOSED, **kwargs
    )


def _mapped(episode, framework_outcome, *scores):
    """A plan outcome of the episode mapped to ``framework_outcome``, with ``(kind, score,
    evidence_on)`` scores (a sustained answer as ``(kind, score, on, sustained)``)."""
    plan_outcome = plan_outcome_for(episode)
    OutcomeLinkFactory(plan_outcome=plan_outcome, framework_outcome=framework_outcome)
    made = []
    for kind, score, on, *sustained in scores:
        made.append(
            OutcomeScoreFactory(
                plan_outcome=plan_outcome,
                kind=kind,
                score=score,
                evidence_on=on,
                sustained=sustained[0] if sustained else None,
            )
        )
    return plan_outcome, made


def _answered(episode):
    return OutcomeSustainedCheckFactory(
        episode=episode,
        due_on=date(2027, 1, 5),
        status=OutcomeSustainedCheck.Status.ANSWERED,
        answered_at=datetime(2027, 1, 10, 12, tzinfo=UTC),
    )


B, R, C, S = ScoreKind.BASELINE, ScoreKind.REVIEW, ScoreKind.CLOSURE, ScoreKind.SUSTAINED


@pytest.fixture
def world(frozen, framework, place):
    education, housing = framework["education"], framework["housing"]

    # Open across the period's start: two children and a parent; education mapped, its baseline
    # of 7 corrected to 3, reviews of 5 then 6 (the latest); housing mapped once but the link
    # removed; a Stronger Families link that does not count. Not yet: open.
    across = _episode(place, "FAM-A", date(2026, 9, 1))
    for _ in range(2):
        FamilyMemberFactory(family=across.family, role=FamilyMember.Role.CHILD)
    FamilyMemberFactory(
        family=across.family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
    )
    _, (wrong, *_) = _mapped(
        across, education, (B, 7, date(2026, 9, 2)), (R, 5, date(2026, 10, 14))
    )
    plan_outcome = wrong.plan_outcome
    OutcomeScoreFactory(
        plan_outcome=plan_outcome,
        kind=B,
        score=3,
        evidence_on=date(2026, 9, 2),
        supersedes=wrong,
        correction_reason="Typed 7 for 3",
    )
    OutcomeScoreFactory(plan_outcome=plan_outcome, kind=R, score=6, evidence_on=date(2026, 11, 25))
    removed = plan_outcome_for(across)
    OutcomeLinkFactory(
        plan_outcome=removed,
        framework_outcome=housing,
        removed_at=datetime(2026, 10, 1, 9, tzinfo=UTC),
        removed_by=across.lead_professional,
        removed_reason="Not a housing need after all",
    )
    OutcomeScoreFactory(plan_outcome=removed, kind=B, score=1, evidence_on=date(2026, 9, 2))
    _mapped(across, framework["other"], (B, 2, date(2026, 9, 2)))

    # Closed the day before the period: out.
    _closed(place, "FAM-B", date(2026, 6, 15), date(2026, 9, 30))
    # Starts the day after it: out.
    _episode(place, "FAM-X", date(2027, 1, 1))

    # Closed in the period, both outcomes higher at closure than at the baseline and both found
    # sustained: Yes.
    yes = _closed(place, "FAM-D", date(2026, 3, 1), date(2026, 10, 5))
    _mapped(
        yes,
        education,
        (B, 2, date(2026, 3, 2)),
        (C, 6, date(2026, 10, 5)),
        (S, 6, date(2027, 1, 9), True),
    )
    _mapped(
        yes,
        housing,
        (B, 4, date(2026, 3, 2)),
        (R, 4, date(2026, 6, 1)),
        (C, 5, date(2026, 10, 5)),
        (S, 5, date(2027, 1, 9), True),
    )
    _answered(yes)

    # Higher at closure but not sustained at the check: No.
    not_sustained = _closed(place, "FAM-E", date(2026, 4, 1), date(2026, 10, 10))
    _mapped(
        not_sustained,
        education,
        (B, 3, date(2026, 4, 2)),
        (C, 7, date(2026, 10, 10)),
        (S, 4, date(2027, 1, 9), False),
    )
    _answered(not_sustained)

    # Sustained but no higher at closure than at the baseline: No.
    no_better = _closed(place, "FAM-E2", date(2026, 4, 15), date(2026, 10, 12))
    _mapped(
        no_better,
        housing,
        (B, 5, date(2026, 4, 16)),
        (C, 5, date(2026, 10, 12)),
        (S, 5, date(2027, 1, 9), True),
    )
    _answered(no_better)

    # Closed, its check opened and not yet answered: Not yet, due on the check's date.
    check_due = _closed(place, "FAM-F", date(2026, 5, 1), date(2026, 10, 20))
    _mapped(check_due, housing, (B, 4, date(2026, 5, 2)), (C, 6, date(2026, 10, 20)))
    OutcomeSustainedCheckFactory(episode=check_due, due_on=date(2027, 4, 20))

    # Closed 15 November, mapped, no scores and no check yet: due six months on, 15 May 2027.
    no_check = _closed(place, "FAM-G", date(2026, 6, 1), date(2026, 11, 15))
    _mapped(no_check, education)

    # Stepped up to children's social care: No.
    _episode(
        place,
        "FAM-H",
        date(2026, 7, 1),
        ended_on=date(2026, 11, 1),
        status=Episode.Status.STEPPED_UP,
    )

    # Starts on the period's last day: in, nothing mapped.
    _episode(place, "FAM-C", END)


def _expected():
    def row(ref, started, ended, children, education, housing, progress, due):
        return {
            "family_reference": ref,
            "area": "Dewsbury and Mirfield",
            "lead_agency": "Springfield Family Support",
            "started_on": started,
            "ended_on": ended,
            "children": children,
            "education:need": education[0],
            "education:baseline": education[1],
            "education:latest": education[2],
            "housing:need": housing[0],
            "housing:baseline": housing[1],
            "housing:latest": housing[2],
            "progress": progress,
            "check_due": due,
        }

    none = ("No", None, None)
    return [
        row(
            "FAM-D",
            date(2026, 3, 1),
            date(2026, 10, 5),
            0,
            ("Yes", 2, 6),
            ("Yes", 4, 5),
            "Yes",
            None,
        ),
        row("FAM-E", date(2026, 4, 1), date(2026, 10, 10), 0, ("Yes", 3, 7), none, "No", None),
        row("FAM-E2", date(2026, 4, 15), date(2026, 10, 12), 0, none, ("Yes", 5, 5), "No", None),
        row(
            "FAM-F",
            date(2026, 5, 1),
            date(2026, 10, 20),
            0,
            none,
            ("Yes", 4, 6),
            "Not yet",
            date(2027, 4, 20),
        ),
        row(
            "FAM-G",
            date(2026, 6, 1),
            date(2026, 11, 15),
            0,
            ("Yes", None, None),
            none,
            "Not yet",
            date(2027, 5, 15),
        ),
        row("FAM-H", date(2026, 7, 1), date(2026, 11, 1), 0, none, none, "No", None),
        # The corrected baseline (3, not 7); the latest review (6, not 5); housing's link removed.
        row("FAM-A", date(2026, 9, 1), None, 2, ("Yes", 3, 6), none, "Not yet", None),
        row("FAM-C", END, None, 0, none, none, "Not yet", None),
    ]


def test_the_columns_follow_the_packs_headline_outcomes_in_order(framework):
    assert [column.header for column in supporting_families.columns()] == HEADER


def test_one_row_per_episode_open_in_the_period_worked_out_by_hand(world):
    assert supporting_families.rows(start=START, end=END) == _expected()


def test_the_kirklees_pack_gives_three_columns_for_each_of_its_ten_headline_outcomes(db):
    load_council_pack(Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml")
    headers = [column.header for column in supporting_families.columns()]
    assert len(headers) == 6 + 3 * 10 + 2
    assert headers[6:9] == [
        "Getting a good education: need identified",
        "Getting a good education: baseline",
        "Getting a good education: latest score",
    ]
    assert headers[-5:-2] == [
        "Financial stability: need identified",
        "Financial stability: baseline",
        "Financial stability: latest score",
    ]


def test_without_the_framework_there_are_no_outcome_columns(db):
    headers = [column.header for column in supporting_families.columns()]
    assert headers == [*HEADER[:6], *HEADER[-2:]]


def _full_episode(place, framework, n):
    episode = _closed(place, f"FAM-Q{n}", date(2026, 9, 1), date(2026, 10, 15))
    FamilyMemberFactory(family=episode.family, role=FamilyMember.Role.CHILD)
    for outcome in (framework["education"], framework["housing"]):
        _mapped(
            episode,
            outcome,
            (B, 2, date(2026, 9, 2)),
            (R, 3, date(2026, 10, 1)),
            (C, 5, date(2026, 10, 15)),
            (S, 5, date(2027, 1, 9), True),
        )
    _answered(episode)


def test_the_query_count_does_not_grow_with_the_families(frozen, framework, place):
    for n in range(2):
        _full_episode(place, framework, n)
    with CaptureQueriesContext(connection) as two:
        assert len(supporting_families.rows(start=START, end=END)) == 2
    for n in range(2, 8):
        _full_episode(place, framework, n)
    with CaptureQueriesContext(connection) as eight:
        found = supporting_families.rows(start=START, end=END)
    assert len(found) == 8 and {row["progress"] for row in found} == {"Yes"}
    # The headline outcomes, the episodes, the links, the scores.
    assert len(two.captured_queries) == len(eight.captured_queries) == 4


# ---------------------------------------------------------------- the page and the downloads


def _lead():
    return sign_in_verified(Client(), UserFactory(roles=[Role.STRATEGIC_LEAD]))


def _url(**query):
    base = reverse("reporting:supporting_families")
    return f"{base}?{urlencode(query)}" if query else base


PERIOD = {
    "start_0": "1",
    "start_1": "10",
    "start_2": "2026",
    "end_0": "31",
    "end_1": "12",
    "end_2": "2026",
}


def test_the_csv_has_the_columns_and_day_month_year_dates_and_is_audited(world):
    response = _lead().get(_url(**PERIOD, fmt="csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="supporting-families-outcomes-2026-10-01-to-2026-12-31.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert len(rows) == 9
    assert rows[1] == [
        "FAM-D",
        "Dewsbury and Mirfield",
        "Springfield Family Support",
        "01/03/2026",
        "05/10/2026",
        "0",
        "Yes",
        "2",
        "6",
        "Yes",
        "4",
        "5",
        "Yes",
        "",
    ]
    assert rows[4][-2:] == ["Not yet", "20/04/2027"]
    assert rows[7][4] == ""  # FAM-A is open
    event = AuditEvent.objects.get(action="export", record_type="casework.episode")
    assert event.detail == {
        "report": "supporting_families",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "format": "csv",
        "rows": 8,
    }


def test_the_xlsx_for_a_quarter_has_the_same_columns(world):
    response = _lead().get(_url(quarter="2026-4", fmt="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="supporting-families-outcomes-2026-10-01-to-2026-12-31.xlsx"'
    )
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(values[0]) == HEADER
    assert len(values) == 9
    assert values[1][0] == "FAM-D" and values[1][3].date() == date(2026, 3, 1)
    event = AuditEvent.objects.get(action="export", record_type="casework.episode")
    assert (event.detail["format"], event.detail["rows"]) == ("xlsx", 8)


def test_the_page_explains_the_columns_and_a_bad_period_shows_the_error_summary(world):
    page = _lead().get(_url()).content.decode()
    assert "Getting a good education: need identified" in page
    assert "holds no names" in page
    bad = dict(PERIOD, end_0="30", end_1="9", fmt="csv")
    response = _lead().get(_url(**bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The end date must be the same as or after the start date" in html
    assert not AuditEvent.objects.filter(action="export").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.STRATEGIC_LEAD, 200),
        (Role.EARLY_SUPPORT_TEAM_LEADER, 200),
        (Role.PRACTITIONER, 404),
        (Role.TEAM_MANAGER, 404),
        (Role.SYSTEM_ADMINISTRATOR, 404),
    ],
)
def test_only_those_who_may_export_reach_it(frozen, framework, role, status):
    client = sign_in_verified(Client(), UserFactory(roles=[role]))
    assert client.get(_url()).status_code == status
    assert client.get(_url(**PERIOD, fmt="csv")).status_code == status
    if status == 404:
        assert not AuditEvent.objects.filter(action="export").exists()


def test_the_reports_list_links_it_only_for_those_who_may(frozen):
    link = f'href="{reverse("reporting:supporting_families")}"'
    assert link in _lead().get(reverse("reporting:index")).content.decode()
    manager = sign_in_verified(Client(), UserFactory(roles=[Role.TEAM_MANAGER]))
    page = manager.get(reverse("reporting:index"))
    assert page.status_code == 200
    assert link not in page.content.decode()
