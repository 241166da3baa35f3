"""The neglect booklet's draft and issue as background work (ADR 0026): a run is requested, a
worker builds it reporting its progress, and its requester alone sees its page, its status and
a draft's file. Tasks run as they are queued in tests (ImmediateBackend, root conftest), once the
request's transaction commits (``django_capture_on_commit_callbacks``)."""

import html
import io
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core import schedule
from core.models import AuditEvent
from reporting import booklet, services, tasks
from reporting.indicators import all_indicators
from reporting.models import NeglectBooklet, ReportRun

pytestmark = pytest.mark.django_db

Status = ReportRun.Status
DRAFT, ISSUE = ReportRun.Kind.BOOKLET_DRAFT, ReportRun.Kind.BOOKLET_ISSUE
NOW = datetime(2026, 10, 20, 10, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _steps() -> int:
    # One step for each booklet indicator (in its three quarters), and one for the neglect
    # concerns with their three breakdowns.
    return len(all_indicators(booklet=True)) + 1


def _lead():
    return UserFactory(roles=[Role.STRATEGIC_LEAD])


def _leader():
    return UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


def _client(user):
    return sign_in_verified(Client(), user)


def _ran(capture, **kwargs) -> ReportRun:
    """Request a run and let its task run once the request's transaction commits."""
    with capture(execute=True):
        run = services.report_run_request(**kwargs)
    run.refresh_from_db()
    return run


def test_every_status_of_a_run_can_be_reached():
    assert services.RUN_WORKFLOW.unreachable() == set()
    assert services.RUN_WORKFLOW.terminal == {Status.DONE, Status.FAILED}


def test_a_draft_run_saves_each_step_then_its_file(
    frozen, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    saver = services._progress

    def spy(run_id):
        save = saver(run_id)

        def step(done, total):
            save(done, total)
            # What the page would read now: the step is saved before the next one starts.
            fresh = ReportRun.objects.get(pk=run_id)
            seen.append((fresh.status, fresh.done, fresh.total))

        return step

    monkeypatch.setattr(services, "_progress", spy)
    leader = _leader()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = services.report_run_request(actor=leader, kind=DRAFT, year=2026, quarter=3, fmt="pdf")
    # Nothing runs until the request's transaction commits.
    assert len(queued) == 1
    assert (run.status, run.done, run.total, run.content) == (Status.QUEUED, 0, 0, None)
    queued[0]()

    run.refresh_from_db()
    steps = _steps()
    assert seen == [(Status.RUNNING, n, steps) for n in range(1, steps + 1)]
    assert (run.status, run.done, run.total, run.error) == (Status.DONE, steps, steps, "")
    assert bytes(run.content).startswith(b"%PDF")
    assert run.started_at == run.finished_at == NOW
    assert run.booklet_id is None
    assert NeglectBooklet.objects.count() == 0
    events = AuditEvent.objects.filter(record_type="reporting.reportrun").order_by("pk")
    assert [(e.action, e.actor_id, e.detail.get("status")) for e in events] == [
        ("create", leader.pk, None),
        ("update", None, "running"),
        ("update", None, "done"),
    ]
    assert events[0].detail == {"kind": DRAFT, "year": 2026, "quarter": 3, "format": "pdf"}
    assert events[2].record_id == str(run.pk)


@pytest.mark.django_db(transaction=True)
def test_on_a_worker_each_step_is_committed_at_once(monkeypatch):
    # No transaction wraps the build: each step's UPDATE commits by itself, so another
    # connection (the page's) sees the progress while the run goes on.
    in_transaction = []
    saver = services._progress

    def spy(run_id):
        save = saver(run_id)

        def step(done, total):
            in_transaction.append(not connection.get_autocommit() or connection.in_atomic_block)
            save(done, total)

        return step

    monkeypatch.setattr(services, "_progress", spy)
    with time_machine.travel(NOW, tick=False):
        run = services.report_run_request(
            actor=_leader(), kind=DRAFT, year=2026, quarter=3, fmt="xlsx"
        )
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert in_transaction == [False] * _steps()
    assert load_workbook(io.BytesIO(bytes(run.content))).sheetnames[0] == "Indicators"


def test_an_issue_run_issues_the_next_edition_building_the_figures_once(
    frozen, django_capture_on_commit_callbacks, monkeypatch
):
    built = []
    contents = booklet.booklet_contents

    def counted(*args, **kwargs):
        built.append(args)
        return contents(*args, **kwargs)

    monkeypatch.setattr(booklet, "booklet_contents", counted)
    lead = _lead()

    first = _ran(
        django_capture_on_commit_callbacks,
        actor=lead,
        kind=ISSUE,
        year=2026,
        quarter=3,
        commentary="  Babies found early.  ",
    )
    second = _ran(django_capture_on_commit_callbacks, actor=lead, kind=ISSUE, year=2026, quarter=3)

    assert built == [(2026, 3), (2026, 3)]  # once a run, not again inside the issue
    editions = list(NeglectBooklet.objects.order_by("edition"))
    assert [(b.year, b.quarter, b.edition, b.commentary) for b in editions] == [
        (2026, 3, 1, "Babies found early."),
        (2026, 3, 2, ""),
    ]
    assert (first.status, first.booklet_id, first.content) == (Status.DONE, editions[0].pk, None)
    assert (second.status, second.booklet_id) == (Status.DONE, editions[1].pk)
    assert first.commentary == "Babies found early."
    assert first.done == first.total == _steps()
    issued = AuditEvent.objects.filter(record_type="reporting.neglectbooklet", action="create")
    assert sorted(e.detail["edition"] for e in issued) == [1, 2]


def test_a_run_delivered_twice_does_the_work_once(frozen, django_capture_on_commit_callbacks):
    run = _ran(django_capture_on_commit_callbacks, actor=_lead(), kind=ISSUE, year=2026, quarter=3)
    events = AuditEvent.objects.count()

    tasks.run_report.call(run_id=str(run.pk))
    services.report_run_perform(run_id=run.pk)

    assert NeglectBooklet.objects.count() == 1
    assert AuditEvent.objects.count() == events
    run.refresh_from_db()
    assert (run.status, run.booklet.edition) == (Status.DONE, 1)


def test_a_run_already_running_is_left_to_its_first_delivery(
    frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_run_request(
            actor=_leader(), kind=DRAFT, year=2026, quarter=3, fmt="pdf"
        )
    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, done=4, total=13)

    services.report_run_perform(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.content) == (Status.RUNNING, 4, 13, None)
    assert services.report_run_perform(run_id=uuid.uuid4()) is None  # gone: nothing to do


def test_a_failing_build_fails_the_run_with_the_error_type_only(
    frozen, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("the figures for Jane Doe do not add up")

    monkeypatch.setattr(booklet, "booklet_contents", broken)
    lead = _lead()

    with caplog.at_level(logging.ERROR, logger="earlyhelp.reporting"):
        run = _ran(django_capture_on_commit_callbacks, actor=lead, kind=ISSUE, year=2026, quarter=3)

    assert (run.status, run.error, run.content, run.booklet_id) == (
        Status.FAILED,
        "ZeroDivisionError",
        None,
        None,
    )
    assert run.finished_at == NOW
    assert NeglectBooklet.objects.count() == 0
    [record] = caplog.records
    assert (record.getMessage(), record.error, record.exc_info) == (
        "report run failed",
        "ZeroDivisionError",
        None,
    )
    assert "Jane Doe" not in caplog.text
    failed = AuditEvent.objects.filter(record_type="reporting.reportrun").order_by("pk").last()
    assert failed.detail["status"] == "failed" and failed.detail["error"] == "ZeroDivisionError"

    client = _client(lead)
    page = html.unescape(
        client.get(reverse("reporting:booklet_run", args=[run.pk])).content.decode()
    )
    assert "Sorry, the booklet could not be built. Nothing was issued." in page
    assert f'href="{reverse("reporting:booklets")}">Try again</a>' in page
    assert "Jane Doe" not in page and "ZeroDivisionError" not in page
    status = client.get(reverse("reporting:booklet_run_status", args=[run.pk])).json()
    assert (status["status"], status["finished"], status["link"]["text"]) == (
        "failed",
        True,
        "Try again",
    )


def test_a_request_is_refused_as_the_issue_or_the_draft_would_be(
    frozen, django_capture_on_commit_callbacks
):
    lead, leader = _lead(), _leader()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(ValidationError) as not_ended:
            services.report_run_request(actor=lead, kind=ISSUE, year=2026, quarter=4)
        with pytest.raises(PermissionDenied):
            services.report_run_request(actor=leader, kind=ISSUE, year=2026, quarter=3)
        with pytest.raises(ValidationError) as no_format:
            services.report_run_request(actor=leader, kind=DRAFT, year=2026, quarter=3, fmt="doc")
        with pytest.raises(ValidationError) as too_long:
            services.report_run_request(
                actor=lead, kind=ISSUE, year=2026, quarter=3, commentary="x" * 10_001
            )
        with pytest.raises(PermissionDenied):
            services.report_run_request(
                actor=UserFactory(roles=[Role.TEAM_MANAGER]),
                kind=DRAFT,
                year=2026,
                quarter=3,
                fmt="pdf",
            )

    assert not_ended.value.message_dict == {
        "quarter": ["You can only issue the booklet for a quarter that has ended"]
    }
    assert no_format.value.message_dict == {"fmt": ["Choose PDF or XLSX"]}
    assert too_long.value.message_dict == {
        "commentary": ["The commentary must be 10,000 characters or fewer"]
    }
    assert queued == []
    assert ReportRun.objects.count() == 0


# ---------------------------------------------------------------------------------- pages


def test_the_draft_form_starts_a_run_whose_page_shows_the_download(
    frozen, django_capture_on_commit_callbacks
):
    leader = _leader()
    client = _client(leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:booklet_draft"), {"draft-quarter": "2026-3", "draft-fmt": "pdf"}
        )

    run = ReportRun.objects.get()
    assert (run.requested_by, run.kind, run.year, run.quarter, run.fmt) == (
        leader,
        DRAFT,
        2026,
        3,
        "pdf",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reports/neglect-booklet/runs/{run.pk}/"
    page = html.unescape(client.get(response["Location"]).content.decode())
    file_url = f"/reports/neglect-booklet/runs/{run.pk}/file/"
    assert f'<a class="govuk-link" href="{file_url}">Download the draft (PDF)</a>' in page
    assert "Your draft of the booklet for July to September 2026 is ready." in page
    assert 'aria-live="polite"' in page
    assert "Check progress" not in page  # finished: nothing to check
    assert '<meta http-equiv="refresh"' not in page
    assert "report-run.js" in page

    downloaded = client.get(file_url)
    assert downloaded.status_code == 200
    assert downloaded.content == bytes(run.content)
    assert downloaded["Content-Disposition"] == (
        'attachment; filename="neglect-booklet-2026-q3-draft.pdf"'
    )
    [export] = AuditEvent.objects.filter(action="export")
    assert (export.actor, export.record_type) == (leader, "reporting.neglectbooklet")
    assert export.detail == {
        "report": "neglect_booklet",
        "draft": True,
        "year": 2026,
        "quarter": 3,
        "format": "pdf",
    }


def test_a_run_still_going_shows_its_progress_and_a_link_to_check(
    frozen, django_capture_on_commit_callbacks
):
    lead = _lead()
    with django_capture_on_commit_callbacks(execute=False):
        run = services.report_run_request(
            actor=lead, kind=ISSUE, year=2026, quarter=3, commentary="Why <b>now</b>?\nAsk."
        )
    client = _client(lead)
    url = reverse("reporting:booklet_run", args=[run.pk])
    status_url = reverse("reporting:booklet_run_status", args=[run.pk])

    queued = client.get(url).content.decode()
    assert "Waiting to start." in queued
    assert f'<a class="govuk-link" href="{url}">Check progress</a>' in queued
    # The board's commentary, as typed and escaped.
    assert "Why &lt;b&gt;now&lt;/b&gt;?<br>Ask." in queued
    assert client.get(status_url).json() == {
        "status": "queued",
        "done": 0,
        "total": 0,
        "finished": False,
        "message": "Waiting to start. It will start as soon as the service is free.",
        "link": None,
    }

    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, done=12, total=48)
    page = client.get(url).content.decode()
    assert "Worked out 12 of 48 figures." in page
    assert 'max="48" value="12"' in page
    assert client.get(status_url).json() == {
        "status": "running",
        "done": 12,
        "total": 48,
        "finished": False,
        "message": "Worked out 12 of 48 figures.",
        "link": None,
    }
    ReportRun.objects.filter(pk=run.pk).update(done=48)
    assert client.get(status_url).json()["message"] == (
        "Worked out all 48 figures. Issuing the booklet."
    )


def test_the_status_of_a_finished_issue_links_to_the_archive(
    frozen, django_capture_on_commit_callbacks
):
    lead = _lead()
    run = _ran(django_capture_on_commit_callbacks, actor=lead, kind=ISSUE, year=2026, quarter=3)
    client = _client(lead)

    status = client.get(reverse("reporting:booklet_run_status", args=[run.pk]))

    assert status["Content-Type"] == "application/json"
    assert "no-cache" in status["Cache-Control"]
    steps = _steps()
    assert status.json() == {
        "status": "done",
        "done": steps,
        "total": steps,
        "finished": True,
        "message": "The booklet for July to September 2026 is issued (edition 1).",
        "link": {"url": "/reports/neglect-booklet/", "text": "Go to the issued booklets"},
    }
    page = html.unescape(
        client.get(reverse("reporting:booklet_run", args=[run.pk])).content.decode()
    )
    assert "Neglect booklet for July to September 2026 issued (edition 1)" in page
    # An issue has no file of its own: its files are the archive's.
    assert client.get(reverse("reporting:booklet_run_file", args=[run.pk])).status_code == 404


def test_another_users_run_is_not_found(frozen, django_capture_on_commit_callbacks):
    lead = _lead()
    run = _ran(
        django_capture_on_commit_callbacks,
        actor=lead,
        kind=DRAFT,
        year=2026,
        quarter=3,
        fmt="pdf",
    )
    other_lead = _client(_lead())
    leader = _client(_leader())
    manager = _client(UserFactory(roles=[Role.TEAM_MANAGER]))

    for client in (other_lead, leader, manager):
        for name in ("booklet_run", "booklet_run_status", "booklet_run_file"):
            assert client.get(reverse(f"reporting:{name}", args=[run.pk])).status_code == 404
    # An id that was never a run's.
    owner = _client(lead)
    assert owner.get(reverse("reporting:booklet_run", args=[uuid.uuid4()])).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == 0
    assert owner.get(reverse("reporting:booklet_run_file", args=[run.pk])).status_code == 200


def test_the_archive_lists_the_readers_own_runs_of_the_last_day(
    django_capture_on_commit_callbacks, monkeypatch
):
    lead, other = _lead(), _lead()
    with time_machine.travel(NOW - timedelta(hours=25), tick=False):
        old = _ran(
            django_capture_on_commit_callbacks,
            actor=lead,
            kind=DRAFT,
            year=2026,
            quarter=2,
            fmt="pdf",
        )
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            waiting = services.report_run_request(
                actor=lead, kind=DRAFT, year=2026, quarter=3, fmt="xlsx"
            )
        ready = _ran(
            django_capture_on_commit_callbacks,
            actor=lead,
            kind=DRAFT,
            year=2026,
            quarter=3,
            fmt="pdf",
        )
        theirs = _ran(
            django_capture_on_commit_callbacks,
            actor=other,
            kind=DRAFT,
            year=2026,
            quarter=1,
            fmt="pdf",
        )
        monkeypatch.setattr(booklet, "booklet_contents", lambda *a, **k: 1 / 0)
        failed = _ran(
            django_capture_on_commit_callbacks, actor=lead, kind=ISSUE, year=2026, quarter=3
        )
        page = _client(lead).get(reverse("reporting:booklets")).content.decode()

    assert failed.status == Status.FAILED
    listed = [
        run_id
        for run_id in (old.pk, waiting.pk, ready.pk, theirs.pk, failed.pk)
        if reverse("reporting:booklet_run", args=[run_id]) in page
    ]
    assert listed == [waiting.pk, ready.pk]
    assert "Your recent requests" in page
    assert "Your draft of the booklet for July to September 2026 is ready." in html.unescape(page)


def test_a_drafts_file_is_cleared_after_a_day_by_the_schedule(django_capture_on_commit_callbacks):
    leader = _leader()
    with time_machine.travel(NOW - timedelta(hours=25), tick=False):
        old = _ran(
            django_capture_on_commit_callbacks,
            actor=leader,
            kind=DRAFT,
            year=2026,
            quarter=3,
            fmt="pdf",
        )
    with time_machine.travel(NOW - timedelta(hours=23), tick=False):
        recent = _ran(
            django_capture_on_commit_callbacks,
            actor=leader,
            kind=DRAFT,
            year=2026,
            quarter=3,
            fmt="pdf",
        )

    assert schedule.job("reporting.clear_drafts").every == "day"
    assert services.report_runs_clear_drafts(now=NOW) == {"drafts_cleared": 1}
    assert services.report_runs_clear_drafts(now=NOW) == {"drafts_cleared": 0}  # safe again

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.content) == (Status.DONE, None)
    assert recent.content is not None
    client = _client(leader)
    with time_machine.travel(NOW, tick=False):
        assert client.get(reverse("reporting:booklet_run_file", args=[old.pk])).status_code == 404
        page = client.get(reverse("reporting:booklet_run", args=[old.pk])).content.decode()
    assert "This draft was cleared a day after it was built." in page
    cleared = AuditEvent.objects.filter(record_type="reporting.reportrun", action="update")
    cleared = cleared.order_by("pk").last()
    assert cleared.detail == {"by": "schedule", "fields": ["content"], "drafts_cleared": 1}


def _status_queries(client, run) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:booklet_run_status", args=[run.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_status_is_read_in_constant_queries(frozen, django_capture_on_commit_callbacks):
    lead = _lead()
    client = _client(lead)
    with django_capture_on_commit_callbacks(execute=False):
        waiting = services.report_run_request(
            actor=lead, kind=DRAFT, year=2026, quarter=3, fmt="pdf"
        )
    issued = _ran(django_capture_on_commit_callbacks, actor=lead, kind=ISSUE, year=2026, quarter=3)

    assert _status_queries(client, waiting) == _status_queries(client, issued) == STATUS_QUERIES


# The session, the user, the device and the roles (sign-in and the permission), the request's
# savepoint and its release, the session's save in its own savepoint, and the run with its
# booklet's edition: one query. No navigation counts: it is not a page.
STATUS_QUERIES = 10


# ---------------------------------------------------------------------------------- the script


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_the_run_page_script_shows_the_progress_then_the_link(live_server, page):
    from playwright.sync_api import expect

    from accounts.tests.factories import TOTPDeviceFactory
    from tests.browser import assert_no_axe_violations, sign_in, visit

    lead = _lead()
    device = TOTPDeviceFactory(user=lead)
    # A run the worker has not reached yet (none runs here: it was not queued).
    run = ReportRun.objects.create(kind=DRAFT, year=2026, quarter=3, fmt="pdf", requested_by=lead)
    visit(page, f"{live_server.url}/")
    sign_in(page, lead, device)
    visit(page, f"{live_server.url}{reverse('reporting:booklet_run', args=[run.pk])}")
    region = page.locator("[aria-live=polite]")
    expect(region).to_contain_text("Waiting to start.")
    assert_no_axe_violations(page, "a waiting run's page")

    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, done=3, total=13)
    expect(region).to_contain_text("Worked out 3 of 13 figures.")
    expect(page.locator("progress")).to_have_attribute("value", "3")

    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.DONE, done=13, content=b"%PDF-1.4 draft", finished_at=NOW
    )
    link = region.get_by_role("link", name="Download the draft (PDF)")
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name="Check progress")).to_have_count(0)
    expect(page.locator("progress")).to_have_count(0)
    assert_no_axe_violations(page, "a finished run's page, updated by its script")
    with page.expect_download() as download:
        link.click()
    assert open(download.value.path(), "rb").read() == b"%PDF-1.4 draft"
