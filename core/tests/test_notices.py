"""Notices on another app's page (core.notices): each app's provider answers for many records at
once; the page shows the words escaped; an unknown place fails at registration."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from core import notices
from core.notices import Notice


@pytest.fixture
def providers(monkeypatch):
    registered: dict = {}
    monkeypatch.setattr(notices, "_providers", registered)
    return registered


def _repeat(user, records):
    return {
        record.pk: [Notice(key="repeat", title="Repeat referral", lines=("Had one in March",))]
        for record in records
        if record.pk % 2
    }


def _radar(user, records):
    return {records[0].pk: [Notice(key="radar", title="Drifting", url="/radar/", kind="info")]}


def _user():
    return SimpleNamespace(is_authenticated=True)


def test_providers_answer_for_many_records_in_order(providers):
    notices.register("episode", _radar, order=20)
    notices.register("episode", _repeat, order=10)
    notices.register("episode", _repeat, order=10)  # Django may call ready twice
    one, two = SimpleNamespace(pk=1), SimpleNamespace(pk=2)

    found = notices.notices_for_many("episode", user=_user(), records=[one, two])

    assert [notice.key for notice in found[1]] == ["repeat", "radar"]
    assert 2 not in found
    assert notices.notices_for("triage", user=_user(), record=one) == []


def test_no_notices_without_a_signed_in_reader(providers):
    notices.register("episode", _repeat, order=10)
    record = SimpleNamespace(pk=1)
    assert notices.notices_for("episode", user=AnonymousUser(), record=record) == []
    assert notices.notices_for("episode", user=_user(), record=None) == []


def test_an_unknown_place_is_refused_at_registration(providers):
    with pytest.raises(ValueError, match="Unknown place"):
        notices.register("episodes", _repeat, order=10)


def test_the_tag_shows_the_words_escaped(providers):
    def hostile(user, records):
        return {
            records[0].pk: [
                Notice(key="x", title="<script>t</script>", lines=("<b>line</b>",), url="/a/")
            ]
        }

    notices.register("person", hostile, order=10)
    html = Template('{% load notices %}{% page_notices "person" record %}').render(
        Context({"request": SimpleNamespace(user=_user()), "record": SimpleNamespace(pk=5)})
    )
    assert "<script>" not in html and "&lt;script&gt;t&lt;/script&gt;" in html
    assert "&lt;b&gt;line&lt;/b&gt;" in html
    assert 'data-notice="x"' in html and 'href="/a/"' in html
