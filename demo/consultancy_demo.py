"""Demo data for casework consultancy: ``lead.professional`` and ``practitioner2`` are casework
consultants (designated by ``team.leader``), and ``practitioner`` has asked for consultancy six
times, one request in each state: waiting for a consultant, picked up by the lead professional
and not answered yet, accepted, declined, completed (coaching, then a Team Around the Family) and
withdrawn.

Written through the services (audited); only the dates asked for are moved back afterwards, so the
counts' timeliness has something to measure. A second run adds nothing (each step looks first).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from consultancy import services
from consultancy.models import CaseworkConsultant, ConsultancyRequest
from people.selectors import families_for

Kind = ConsultancyRequest.Kind


def _demo(username: str) -> User | None:
    return User.objects.filter(username=username, is_demo=True, is_active=True).first()


def seed(*, today: date, counts: Counter) -> None:
    leader, asker = _demo("team.leader"), _demo("practitioner")
    consultants = [u for u in (_demo("lead.professional"), _demo("practitioner2")) if u]
    if leader is None or asker is None or not consultants:
        return
    for user in consultants:
        if not CaseworkConsultant.objects.filter(user=user).exists():
            services.consultant_add(actor=leader, user=user, starts_on=today - timedelta(days=90))
            counts["casework consultants"] += 1
    if ConsultancyRequest.objects.filter(requested_by=asker).exists():
        return
    family = families_for(asker).order_by("reference").first()
    lead, other = consultants[0], consultants[-1]

    def ask(kind, help_wanted, days_ago, *, about=None, dates=""):
        made = services.consultancy_request_ask(
            actor=asker,
            kind=kind,
            help_wanted=help_wanted,
            preferred_dates=dates,
            family=about,
        )
        ConsultancyRequest.objects.filter(pk=made.pk).update(
            requested_on=today - timedelta(days=days_ago)
        )
        made.refresh_from_db()
        counts["consultancy requests"] += 1
        return made

    ask(
        Kind.CONSULTATION,
        "Advice on a nine-year-old who is often late and hungry at school: what should I ask "
        "the family, and is this early help?",
        2,
        about=family,
        dates="Any morning this week",
    )
    waiting = ask(
        Kind.COACHING,
        "Coaching to run my first Team Around the Family meeting as lead professional.",
        5,
        dates="Wednesday afternoons",
    )
    services.consultancy_request_pick_up(actor=lead, request=waiting, expected_version=1)
    accepted = ask(
        Kind.CO_WORKING,
        "A joint home visit and help to chair the first review: the family has had many "
        "workers and is wary of new ones.",
        12,
        about=family,
    )
    accepted = services.consultancy_request_pick_up(
        actor=lead, request=accepted, expected_version=1
    )
    services.consultancy_request_accept(
        actor=lead,
        request=accepted,
        expected_version=accepted.version,
        note="I can do the visit next Tuesday.",
    )
    declined = ask(Kind.CONSULTATION, "Advice on housing benefit for a family.", 20)
    declined = services.consultancy_request_assign(
        actor=leader, request=declined, expected_version=1, consultant=other
    )
    services.consultancy_request_decline(
        actor=other,
        request=declined,
        expected_version=declined.version,
        reason="Better answered by the council’s welfare rights team: ask them directly.",
    )
    done = ask(Kind.COACHING, "Coaching on talking with a parent about neglect.", 40)
    done = services.consultancy_request_pick_up(actor=lead, request=done, expected_version=1)
    done = services.consultancy_request_accept(
        actor=lead, request=done, expected_version=done.version
    )
    services.consultancy_request_complete(
        actor=lead,
        request=done,
        expected_version=done.version,
        what_was_done="Three coaching sessions on using the graded care profile with the parent.",
        coaching_sessions=3,
        next_step=ConsultancyRequest.NextStep.TAF,
        outcome_note="The practitioner now leads a Team Around the Family.",
    )
    gone = ask(Kind.CONSULTATION, "Advice on a family that has since moved away.", 8)
    services.consultancy_request_withdraw(
        actor=asker, request=gone, expected_version=1, reason="The family moved out of the area."
    )
