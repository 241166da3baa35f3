from datetime import date, time

import factory

from core.tests.factories import AgencyFactory, CouncilFactory
from panel.models import Panel, PanelMeeting, PanelSeat, PanelSeatMember

# The first Wednesday of 2027: the rhythm every test panel keeps unless told otherwise.
ANCHOR_2027 = date(2027, 1, 6)


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    council = factory.SubFactory(CouncilFactory)
    area = None
    name = factory.Sequence(lambda n: f"Early Support Multi-Agency Panel {n}")
    weekday = 2
    first_meeting_date = ANCHOR_2027
    start_time = time(9, 30)
    end_time = time(12, 0)
    location = "Civic Centre, Meeting Room 1"


class PanelSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelSeat

    panel = factory.SubFactory(PanelFactory)
    agency = factory.SubFactory(AgencyFactory, panel_seat=True)


class PanelSeatMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelSeatMember

    seat = factory.SubFactory(PanelSeatFactory)
    # A seat's members hold the panel-member role, as they do in a council's set-up.
    user = factory.SubFactory("accounts.tests.factories.UserFactory", roles=["panel_member"])
    is_substitute = False


class PanelMeetingFactory(factory.django.DjangoModelFactory):
    """A meeting on the panel's rhythm; its times come from the panel's calendar."""

    class Meta:
        model = PanelMeeting

    panel = factory.SubFactory(PanelFactory)
    date = ANCHOR_2027
    location = factory.LazyAttribute(lambda m: m.panel.location)
    starts_at = factory.LazyAttribute(lambda m: m.panel.calendar.slot(m.date).starts_at)
    ends_at = factory.LazyAttribute(lambda m: m.panel.calendar.slot(m.date).ends_at)
    referral_cutoff = factory.LazyAttribute(lambda m: m.panel.calendar.slot(m.date).cutoff)
    publish_by = factory.LazyAttribute(lambda m: m.panel.calendar.slot(m.date).publish_by)


def demo_panel(*, council=None, agencies=(), chair=None, deputy=None, year: int = 2027) -> Panel:
    """A panel with a seat per agency (one member and one substitute each) and a scheduled year.

    Used by tests and as the shape of the demo data; goes through the services so it is audited.
    """
    from django.db import transaction

    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from panel import services

    with transaction.atomic():
        # Panels and their seats are set up by the council's administrator
        # (``panel.manage_membership``).
        admin = UserFactory(team=None, roles=[Role.SYSTEM_ADMINISTRATOR])
        panel = services.panel_create(
            actor=admin,
            council=council or CouncilFactory(),
            name="Early Support Multi-Agency Panel",
            first_meeting_date=ANCHOR_2027,
            location="Civic Centre, Meeting Room 1",
            chair=chair,
            deputy=deputy,
        )
        for agency in agencies:
            seat = services.panel_seat_add(actor=admin, panel=panel, agency=agency)
            for substitute in (False, True):
                member = UserFactory(team=None, agency=agency, roles=[Role.PANEL_MEMBER])
                services.panel_seat_member_add(
                    actor=admin, seat=seat, user=member, is_substitute=substitute
                )
        services.panel_schedule_year(actor=chair, panel=panel, year=year)
    return panel


def panel_referral(
    panel: Panel, submitted_at=None, *, children=None, consent: bool = True, **kwargs
):
    """A submitted panel referral of a family in ``panel``'s area, submitted at ``submitted_at``.

    ``submitted_at`` is auto-set on create, so it is written afterwards when given. As in the
    product, the family consented to the referral (naming no agency in particular, so every
    seat's agency may read the pack); ``consent=False`` leaves consent to the test.
    """
    from assessments.tests.factories import CompletedAssessmentFactory, PanelReferralFactory
    from consent.tests.factories import ConsentDecisionFactory
    from core.tests.factories import AreaFactory

    assessment_kwargs = {} if children is None else {"children": children}
    assessment = CompletedAssessmentFactory(**assessment_kwargs)
    family = assessment.family
    area = panel.area or AreaFactory()
    if family.area_id != area.pk:
        family.area = area
        family.save(update_fields=["area"])
    if consent:
        ConsentDecisionFactory(family=family)
    referral = PanelReferralFactory(assessment=assessment, family=family, **kwargs)
    if submitted_at is not None:
        type(referral).objects.filter(pk=referral.pk).update(submitted_at=submitted_at)
        referral.refresh_from_db()
    return referral
