"""Core's part of the work tray (``core.worktray``): the messages the product sent to the signed-in
person (``core.models.OutboundMessage``, matched by their email address), newest first.

Each item is the message's subject with its reference, nothing else: a message never holds a
family's details, and the tray repeats no more than the subject line. An item links to the record
the message is about when the app that owns that kind of record says where it is
(``register_message_links``, in the app's ``AppConfig.ready``; core imports no app above it);
otherwise it is shown without a link. The linked page applies its own scope.

The section is informational, not work: it is shown apart from what is waiting and is not counted
in it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from core import clock, selectors
from core.models import OutboundMessage
from core.notify import TEMPLATES
from core.worktray import TrayItem, TraySection, first

# For messages about one kind of record: {message id: path of the page to open}, for any of
# ``messages`` it can link. Called once per kind of record on the page, whatever the number of
# messages, so it may make one query for them all.
MessageLinks = Callable[[list[OutboundMessage]], dict[int, str]]

_message_links: dict[str, MessageLinks] = {}

_PLACEHOLDER = re.compile(r"\(\((\w+)\)\)")


def register_message_links(record_type: str, links: MessageLinks) -> None:
    """Say where messages about ``record_type`` ("panel.paneldecision") link. Registering a type
    again replaces it (Django may call ``ready`` twice in tests)."""
    _message_links[record_type] = links


def subject(message: OutboundMessage) -> str:
    """The message's subject line with its reference: the only text the tray shows of it."""
    template = TEMPLATES.get(message.template)
    if template is None:
        return f"Message {message.reference}".strip()

    def fill(match: re.Match) -> str:
        return message.reference if match.group(1) == "reference" else ""

    return " ".join(_PLACEHOLDER.sub(fill, template.subject).split())


def _links(messages: list[OutboundMessage]) -> dict[int, str]:
    by_type: dict[str, list[OutboundMessage]] = defaultdict(list)
    for message in messages:
        if message.record_type and message.record_id and message.record_type in _message_links:
            by_type[message.record_type].append(message)
    found: dict[int, str] = {}
    for record_type, group in by_type.items():
        found.update(_message_links[record_type](group))
    return found


def _hint(message: OutboundMessage) -> str:
    sent = f"{clock.local(message.created_at):%-d %B %Y}"
    if message.status == OutboundMessage.Status.FAILED:
        return f"Could not be sent on {sent}"
    return f"Sent {sent}"


def tray(user) -> list[TraySection]:
    count, messages = first(selectors.messages_to(user))
    if not count:
        return []
    links = _links(messages)
    items = [
        TrayItem(text=subject(message), url=links.get(message.pk, ""), hint=_hint(message))
        for message in messages
    ]
    return [
        TraySection(
            key="messages_to_me",
            title="Messages sent to you",
            count=count,
            items=items,
            informational=True,
        )
    ]
