"""The work tray's registry: each app's provider adds its sections; empty ones are left out."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory, sign_in_verified
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


# ---------------------------------------------------------------- a section in full, the count


def _many(user):
    count, items = worktray.first(_Rows(12))
    return [
        TraySection(
            key="many",
            title="Many things",
            count=count,
            items=[TrayItem(text=f"Item {n}", url=f"/x/{n}/") for n in items],
        )
    ]


class _Rows(list):
    """A queryset's count and slicing, over a plain list."""

    def __init__(self, n):
        super().__init__(range(1, n + 1))

    def count(self):
        return len(self)


@pytest.mark.django_db
def test_the_home_page_lists_five_and_links_to_the_whole_section(providers, client):
    worktray.register(_many, order=10)
    user = UserFactory()
    sign_in_verified(client, user)

    home = client.get(reverse("core:home")).content.decode()
    full_url = reverse("core:waiting_section", kwargs={"key": "many"})
    assert "Item 5" in home and "Item 6" not in home
    assert f'href="{full_url}"' in home and "See all 12" in home

    page = client.get(full_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert all(f"Item {n}<" in body for n in range(1, 13))
    assert "See all" not in body
    assert client.get(reverse("core:waiting_section", kwargs={"key": "other"})).status_code == 404


@pytest.mark.django_db
def test_a_section_in_full_stops_at_its_limit(providers, monkeypatch):
    monkeypatch.setattr(worktray, "IN_FULL", 8)
    worktray.register(_many, order=10)
    user = UserFactory()

    section = worktray.section_in_full(user, "many")

    assert (section.count, len(section.items), section.more) == (12, 8, 4)
    # The home page's limit is back afterwards.
    assert len(worktray.tray_for(user)[0].items) == worktray.SHOWN


@pytest.mark.django_db
def test_the_navigation_counts_what_waits_on_every_page(providers, client):
    waiting = {"n": 3}

    def provider(user):
        count, items = worktray.first(_Rows(waiting["n"]))
        return [
            TraySection(key="some", title="Some", count=count),
            TraySection(key="note", title="Note", count=4, informational=True),
        ]

    worktray.register(provider, order=10)
    sign_in_verified(client, UserFactory())
    counted = 'Home (3<span class="govuk-visually-hidden"> waiting for you</span>)'

    assert counted in client.get(reverse("core:privacy")).content.decode()
    home = client.get(reverse("core:home")).content.decode()
    assert counted.replace("Home", "Home</strong>") in home  # the current page's item is bold
    waiting["n"] = 0
    assert "waiting for you</span>)" not in client.get(reverse("core:privacy")).content.decode()


@pytest.mark.django_db
def test_counting_reads_no_list(providers, django_assert_num_queries):
    def provider(user):
        count, items = worktray.first(_Counted())
        assert items == []
        return [TraySection(key="some", title="Some", count=count)]

    worktray.register(provider, order=10)
    user = UserFactory()
    assert worktray.navigation_count(user) == 2


class _Counted(_Rows):
    def __init__(self):
        super().__init__(2)

    def __getitem__(self, index):
        raise AssertionError("the list was read")
