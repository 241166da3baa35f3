"""Demo data for the early help offer: the Cabinet report's five parenting programmes
(Strengthening Families Strengthening Communities, Steps, Speakeasy, SEN Family Links, Freedom)
and intensive key work, in the directory (an Open Referral UK 3.0 feed through ``oruk_import``)
and in the offer, run by the early support team; a running group of each programme with weekly
sessions; participants in Steps with their attendance (one session missed); and Freedom full,
with a waiting list on which one family has waited beyond the council's threshold.

Every directory id is a fixed uuid5 and every step looks first, so a second run adds nothing.
Families and people are the demo's synthetic ones; the referrals are made through the services
(audited) by ``team.leader``.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

from accounts.models import User
from core.models import Area, NeedLevel, Site
from directory.importer import oruk_import
from directory.models import Service
from offer import selectors, services
from offer.models import Programme, Referral
from people.models import Family, FamilyMember, FamilyTeam
from support_requests import services as request_services
from support_requests.models import SupportRequest, Triage
from support_requests.services import ChildDetails, TriageAnswers

NAMESPACE = uuid.UUID("0b3c1f0e-5a55-5d8e-8f3c-4f6e2f7c9a10")
ORGANISATION = "The council's early support service"

# name, kind, description (the report's words, §3.30 and §3.32), places per group or at once.
PROGRAMMES = (
    (
        "Strengthening Families, Strengthening Communities",
        Programme.Kind.PARENTING,
        "A parenting programme that reduces family violence and conflict at home, at school "
        "and in the community.",
        10,
    ),
    (
        "Steps",
        Programme.Kind.PARENTING,
        "A parenting programme that raises confidence and aspirations in the whole family.",
        8,
    ),
    (
        "Speakeasy",
        Programme.Kind.PARENTING,
        "Gives parents the confidence and skills to talk with their children about sex and "
        "relationships, including child sexual exploitation and grooming.",
        8,
    ),
    (
        "SEN Family Links",
        Programme.Kind.PARENTING,
        "Positive behaviour strategies for parents of children with additional needs.",
        8,
    ),
    (
        "Freedom",
        Programme.Kind.PARENTING,
        "For women and their families who have experienced, or are experiencing, domestic abuse.",
        3,
    ),
    (
        "Intensive key work",
        Programme.Kind.ONE_TO_ONE,
        "A key worker works intensively with the family, two or three visits a week for about "
        "nine months, often as step-down support from social care.",
        12,
    ),
)
FULL = "Freedom"
ATTENDING = "Steps"
SESSIONS = 6


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def feed() -> list[dict]:
    """The programmes as ORUK 3.0 services (the directory record the public sees)."""
    organisation = {
        "id": _id("organization", ORGANISATION),
        "name": ORGANISATION,
        "description": "The council's early support service: key workers, parenting support "
        "workers and group work across the four early help areas.",
        "email": "early.support@example.org",
        "website": "https://example.org/early-support",
    }
    return [
        {
            "id": _id("service", name),
            "name": name,
            "description": description,
            "status": "active",
            "email": "early.support@example.org",
            "url": f"https://example.org/early-support/{index + 1}",
            "organization_id": organisation["id"],
            "organization": organisation,
            "contacts": [
                {
                    "id": _id("contact", name),
                    "name": "Early support duty line",
                    "title": "Referrals are made by a professional working with the family",
                }
            ],
        }
        for index, (name, _kind, description, _places) in enumerate(PROGRAMMES)
    ]


def _families(count: int, team) -> list[tuple[Family, list]]:
    """Open demo families, with an adult member each (the parent who attends): first those the
    running team already works with, then those one other team works with. A referral links the
    programme's team to the family, so a closed family (no team works with it now) or one with
    two teams already would change shape: neither is taken."""
    members = (
        FamilyMember.objects.filter(
            family__reference__startswith="DEMO-",
            role=FamilyMember.Role.PARENT_CARER,
            family__team_links__ended_on__isnull=True,
        )
        .select_related("family", "person")
        .order_by("family__reference", "id")
    )
    ours = set(
        FamilyTeam.objects.filter(team=team, ended_on__isnull=True).values_list(
            "family_id", flat=True
        )
    )
    links = Counter(FamilyTeam.objects.values_list("family_id", flat=True))
    ordered = [m for m in members if m.family_id in ours] + [
        m for m in members if m.family_id not in ours and links[m.family_id] == 1
    ]
    # A parent may belong to more than one demo family: each family and each person is taken
    # once, so nobody is referred to (and enrolled in) the same group twice.
    seen, people, out = set(), set(), []
    for member in ordered:
        if member.family_id in seen or member.person_id in people:
            continue
        seen.add(member.family_id)
        people.add(member.person_id)
        out.append((member.family, [member.person]))
        if len(out) == count:
            break
    return out


def _priority(index: int) -> str:
    """The pack's priorities, most urgent first (0), least urgent last (-1)."""
    codes = [code for code, _name in selectors.priority_choices()]
    return codes[max(-len(codes), min(index, len(codes) - 1))]


def _measure(preferred: str) -> str:
    codes = [code for code, _name in selectors.impact_measure_choices()]
    return preferred if preferred in codes else codes[0]


def _refer(leader, family, people, service, *, priority, reason) -> Referral:
    return services.referral_make(
        actor=leader,
        family=family,
        service=service,
        people=people,
        source=Referral.Source.DIRECT,
        handover_to="Parenting support worker",
        agreed_with_family=True,
        priority=priority,
        reason=reason,
    )


def seed(*, today: date, counts: Counter) -> None:
    leader = User.objects.filter(
        username="team.leader", is_demo=True, is_active=True, team__isnull=False
    ).first()
    if leader is None:
        return
    ids = [_id("service", name) for name, *_rest in PROGRAMMES]
    if Programme.objects.filter(service_id__in=ids).count() == len(ids):
        return  # seeded before: nothing to add
    report = oruk_import(actor=None, data=feed(), dry_run=False, kind="service")
    if report.errors:
        raise RuntimeError(f"The offer's demo feed did not import: {report.errors[:3]}")
    venue = Site.objects.order_by("code").first()
    created: dict[str, Programme] = {}
    for name, kind, _description, places in PROGRAMMES:
        service = Service.objects.get(pk=_id("service", name))
        programme = Programme.objects.filter(service=service).first()
        if programme is not None:
            continue
        programme = services.programme_create(
            actor=leader,
            service=service,
            kind=kind,
            team=leader.team,
            capacity=places if kind == Programme.Kind.ONE_TO_ONE else 0,
        )
        counts["offer programmes"] += 1
        created[name] = programme
        if kind == Programme.Kind.ONE_TO_ONE:
            continue
        starts = today - timedelta(days=21)
        group = services.group_create(
            actor=leader,
            programme=programme,
            name=f"{name}: {starts:%B %Y}",
            capacity=places,
            starts_on=starts,
            venue=venue,
            facilitators=[leader],
        )
        services.group_update(actor=leader, group=group, status="running")
        for week in range(SESSIONS):
            services.session_add(actor=leader, group=group, held_on=starts + timedelta(weeks=week))
        counts["offer groups"] += 1
    if not created:
        return  # the offer was seeded before: nothing more to add
    families = _families(8, leader.team)
    if len(families) < 8:
        return
    # Steps: three parents enrolled, attendance at the sessions held so far (one missed).
    if ATTENDING in created:
        programme = created[ATTENDING]
        group = programme.groups.get()
        for family, people in families[:3]:
            referral = _refer(
                leader,
                family,
                people,
                programme.service,
                priority=_priority(-1),
                reason="Low confidence in managing the children's behaviour",
            )
            services.referral_enrol(actor=leader, referral=referral, group=group)
            counts["offer referrals"] += 1
        # Today's session is left for the facilitator to record (their work tray shows it).
        held = [s for s in group.sessions.order_by("number") if s.held_on < today]
        enrolments = list(group.enrolments.order_by("id"))
        for session in held:
            marks = {e.pk: "attended" for e in enrolments}
            if session.number == 2:
                marks[enrolments[0].pk] = "absent"
            services.attendance_record(actor=leader, session=session, marks=marks)
    # Strengthening Families: an earlier run, finished, with a parent who completed it and the
    # impact she reported.
    first = "Strengthening Families, Strengthening Communities"
    if first in created:
        _earlier_run(leader, created[first], families[0], today=today)
    # A signpost with a handover to a community service, taken up.
    community = Service.objects.filter(status="active", programme__isnull=True).order_by("name")
    if community.exists():
        family, people = families[1]
        signpost = services.referral_make(
            actor=leader,
            family=family,
            service=community.first(),
            people=people,
            source=Referral.Source.DIRECT,
            handover_to="Community co-ordinator",
            handover_on=today,
            agreed_with_family=True,
            priority=_priority(-1),
            reason="Isolated since moving to the area; wants to meet other parents",
        )
        services.referral_uptake_record(
            actor=leader, referral=signpost, taken_up=True, note="Went to the drop-in twice"
        )
        counts["offer referrals"] += 1
        _triage_signpost(leader, community.first(), today=today, counts=counts)
    # Freedom: full (three places, three parents), and three families waiting.
    if FULL in created:
        programme = created[FULL]
        group = programme.groups.get()
        for family, people in families[3:6]:
            referral = _refer(
                leader,
                family,
                people,
                programme.service,
                priority=_priority(1),
                reason="Recently left an abusive relationship",
            )
            services.referral_enrol(actor=leader, referral=referral, group=group)
            counts["offer referrals"] += 1
        enrolments = list(group.enrolments.order_by("id"))
        for session in group.sessions.filter(held_on__lt=today).order_by("number"):
            services.attendance_record(
                actor=leader, session=session, marks={e.pk: "attended" for e in enrolments}
            )
        waits = (
            (families[6], _priority(-1), 9),  # beyond the threshold (6 weeks)
            (families[7], _priority(0), 1),
        )
        for (family, people), priority, weeks in waits:
            referral = _refer(
                leader,
                family,
                people,
                programme.service,
                priority=priority,
                reason="Domestic abuse in the last year; wants to understand its effect on "
                "the children",
            )
            # Backdated as if referred some weeks ago (a demo's history; no service does this).
            Referral.objects.filter(pk=referral.pk).update(
                made_on=today - timedelta(weeks=weeks),
                waiting_since=today - timedelta(weeks=weeks),
            )
            counts["offer referrals"] += 1


SIGNPOSTED_REQUESTER = "Demo Parent (signposted)"


def _triage_signpost(leader, service: Service, *, today: date, counts: Counter) -> None:
    """A member of the public's request, triaged by the team leader as a signpost to a community
    service: no family record is made, so the referral names no one and hangs off the request."""
    if SupportRequest.objects.filter(requester_name=SIGNPOSTED_REQUESTER).exists():
        return
    area = (leader.team.area if leader.team else None) or Area.objects.order_by(
        "sort_order", "code"
    ).first()
    level = NeedLevel.objects.filter(is_statutory=False).order_by("level").first()
    if area is None or level is None:
        return
    request = request_services.support_request_submit_public(
        area=area,
        requester_name=SIGNPOSTED_REQUESTER,
        requester_relationship=SupportRequest.Relationship.PARENT_CARER,
        requester_phone="07700 900789",
        can_call=True,
        can_leave_message=True,
        safe_to_write=False,
        children=[ChildDetails(first_name="Toddler", age_years=2)],
        what_is_happening="We moved here in the summer and I do not know anyone.",
        help_wanted="Somewhere to meet other parents.",
        consent_to_contact_agencies=SupportRequest.Consent.YES,
        # A documentation address (RFC 5737), away from the other journeys' ones.
        client_address="198.51.100.2",
    )
    request_services.support_request_start_triage(actor=leader, support_request=request)
    request_services.triage_record_decision(
        actor=leader,
        support_request=request,
        answers=TriageAnswers(
            conversation_date=today,
            conversation_with="The parent, by phone",
            conversation_summary="Isolated since the move; no worries about the children's care.",
            cin_cp_concern=False,
            need_level=level,
            decision=Triage.Decision.SIGNPOST,
            signpost_service=service,
            handover_contact="Community co-ordinator",
            handover_date=today,
            agreed_with_family=True,
        ),
    )
    counts["support requests"] += 1
    counts["offer referrals"] += 1


def _earlier_run(leader, programme: Programme, member: tuple, *, today: date) -> None:
    family, people = member
    starts = today - timedelta(weeks=16)
    group = services.group_create(
        actor=leader,
        programme=programme,
        name=f"{programme.service.name}: {starts:%B %Y}",
        capacity=10,
        starts_on=starts,
        facilitators=[leader],
    )
    services.group_update(actor=leader, group=group, status="running")
    sessions = [
        services.session_add(actor=leader, group=group, held_on=starts + timedelta(weeks=week))
        for week in range(SESSIONS)
    ]
    referral = _refer(
        leader,
        family,
        people,
        programme.service,
        priority=_priority(1),
        reason="Conflict at home and at school",
    )
    (enrolment,) = services.referral_enrol(
        actor=leader, referral=referral, group=group, enrolled_on=starts
    )
    for session in sessions:
        services.attendance_record(actor=leader, session=session, marks={enrolment.pk: "attended"})
    services.enrolment_complete(
        actor=leader, enrolment=enrolment, completed_on=sessions[-1].held_on
    )
    services.impact_record(
        actor=leader,
        enrolment=enrolment,
        measure=_measure("relationships-improved"),
        note="Fewer arguments at home; the school reports calmer mornings",
    )
    services.group_update(actor=leader, group=group, status="finished")
