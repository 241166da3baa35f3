"""Core's part of the work tray: the messages the product sent to the signed-in person, newest
first, each its subject and reference only, linking to its record where the owning app says
where, and shown apart from the work (not counted in it)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory, sign_in_verified
from core import tray, worktray
from core.models import OutboundMessage
from core.worktray import SHOWN, TraySection

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _message(to, reference, *, at, template="closure_returned", record_type="", record_id=""):
    with time_machine.travel(at, tick=False):
        return OutboundMessage.objects.create(
            to=to,
            template=template,
            reference=reference,
            personalisation={"reference": reference, "sign_in_url": "https://example.org/x"},
            record_type=record_type,
            record_id=record_id,
        )


def _section(user) -> TraySection | None:
    found = [s for s in worktray.tray_for(user) if s.key == "messages_to_me"]
    return found[0] if found else None


@pytest.fixture
def links(monkeypatch):
    """A kind of record whose messages link (as an app would register it), one query's worth."""
    calls = []

    def resolver(messages):
        calls.append(len(messages))
        list(OutboundMessage.objects.filter(pk__in=[m.pk for m in messages]))
        return {m.pk: f"/things/{m.record_id}/" for m in messages}

    monkeypatch.setitem(tray._message_links, "test.thing", resolver)
    return calls


def test_lists_the_messages_sent_to_me_newest_first_with_links_where_known(links):
    me = UserFactory(email="Lee.Pro@example.org")
    someone_else = UserFactory(email="other@example.org")
    _message("other@example.org", "ESMAP-2027-0009", at=datetime(2027, 1, 9, tzinfo=LONDON))
    _message("lee.pro@example.org", "ESMAP-2027-0001", at=datetime(2027, 1, 3, 9, tzinfo=LONDON))
    _message(
        "lee.pro@example.org",
        "ESMAP-2027-0002",
        at=datetime(2027, 1, 6, 15, tzinfo=LONDON),
        template="panel_outcome",
        record_type="test.thing",
        record_id="42",
    )
    failed = _message(
        "lee.pro@example.org",
        "ESMAP-2027-0003",
        at=datetime(2027, 1, 4, 9, tzinfo=LONDON),
        record_type="somewhere.unregistered",
        record_id="7",
    )
    OutboundMessage.objects.filter(pk=failed.pk).update(status=OutboundMessage.Status.FAILED)

    section = _section(me)
    assert (section.title, section.count, section.informational) == (
        "Messages sent to you",
        3,
        True,
    )
    assert [(i.text, i.url, i.hint) for i in section.items] == [
        (
            "Early support panel outcome for referral ESMAP-2027-0002",
            "/things/42/",
            "Sent 6 January 2027",
        ),
        (
            "The early support panel has returned a case closure ESMAP-2027-0003",
            "",
            "Could not be sent on 4 January 2027",
        ),
        (
            "The early support panel has returned a case closure ESMAP-2027-0001",
            "",
            "Sent 3 January 2027",
        ),
    ]
    assert links == [1]
    assert [i.text[-15:] for i in _section(someone_else).items] == ["ESMAP-2027-0009"]
    # Something to know, not to do: it is not counted as waiting.
    assert worktray.waiting_count(me) == 0


def test_nothing_for_someone_with_no_email_or_no_messages():
    _message("", "ESMAP-2027-0001", at=datetime(2027, 1, 3, tzinfo=LONDON))
    assert _section(UserFactory(email="")) is None
    assert _section(UserFactory(email="quiet@example.org")) is None


def test_shows_the_newest_few_in_constant_queries(links, django_assert_max_num_queries):
    me = UserFactory(email="busy@example.org")

    def add(count, start):
        for n in range(count):
            _message(
                "busy@example.org",
                f"ESMAP-2027-{start + n:04d}",
                at=datetime(2027, 1, 1 + start + n, tzinfo=LONDON),
                record_type="test.thing" if n % 2 else "",
                record_id=str(n),
            )

    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert _section(me).count == 2
    add(20, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        section = _section(me)
    assert section.count == 22 and len(section.items) == SHOWN
    assert section.items[0].text.endswith("ESMAP-2027-0021")


def test_home_page_shows_them_apart_from_the_work_and_escaped(links):
    me = UserFactory(email="lee@example.org")
    _message(
        "lee@example.org",
        "<b>REF</b>",
        at=datetime(2027, 1, 3, tzinfo=LONDON),
        record_type="test.thing",
        record_id="5",
    )
    _message("lee@example.org", "ESMAP-2027-0008", at=datetime(2027, 1, 4, tzinfo=LONDON))
    html = sign_in_verified(Client(), me).get(reverse("core:home")).content.decode()
    assert "Nothing is waiting for you." in html
    assert html.index("Nothing is waiting for you.") < html.index("For your information")
    assert '<div class="govuk-summary-card" id="tray-messages_to_me">' in html
    assert (
        '<a class="govuk-link" href="/things/5/">The early support panel has returned a case '
        "closure &lt;b&gt;REF&lt;/b&gt;</a>"
    ) in html
    assert "<b>REF</b>" not in html
    assert "The early support panel has returned a case closure ESMAP-2027-0008\n" in html
