"""The work tray's registry: each app's provider adds its sections; empty ones are left out."""

import pytest

from accounts.tests.factories import UserFactory
from core import worktray
from core.worktray import TrayItem, TraySection


@pytest.fixture
def providers(monkeypatch):
    registered = []
    monkeypatch.setattr(worktray, "_providers", registered)
    return registered


def _waiting(user):
    return [
        TraySection(
            key="requests_to_triage",
            title="Requests to triage",
            count=7,
            items=[TrayItem(text="REQ-BCD234", url="/requests/1/")],
            more_url="/requests/",
        ),
        TraySection(key="nothing", title="Nothing", count=0),
    ]


def _later(user):
    return [TraySection(key="later", title="Later", count=1)]


@pytest.mark.django_db
def test_sections_come_in_order_and_empty_ones_are_left_out(providers):
    worktray.register(_later, order=20)
    worktray.register(_waiting, order=10)
    worktray.register(_waiting, order=10)  # a second ready() changes nothing
    user = UserFactory()

    sections = worktray.tray_for(user)

    assert [s.key for s in sections] == ["requests_to_triage", "later"]
    assert sections[0].more == 6
    assert worktray.waiting_count(user) == 8


@pytest.mark.django_db
def test_no_tray_for_a_disabled_account(providers):
    worktray.register(_waiting, order=10)
    assert worktray.tray_for(UserFactory(is_active=False)) == []
