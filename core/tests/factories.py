import factory

from core.models import Agency, Area, Council, CouncilValueChange, NeedLevel, Site, Team


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("code",)

    code = "testshire"
    name = "Testshire Council"
    service_name = "Early help"
    duty_team_name = "Duty and Advice Team"
    duty_team_phone = "01234 567890"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"site-{n}")
    area = factory.SubFactory(AreaFactory)
    kind = Site.Kind.HUB
    name = factory.Sequence(lambda n: f"Hub {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    sector = Agency.Sector.EDUCATION


class EarlySupportAgencyFactory(AgencyFactory):
    name = "Early Support Service"
    sector = Agency.Sector.COUNCIL
    is_early_support_service = True
    panel_seat = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    agency = factory.SubFactory(AgencyFactory)
    area = factory.SubFactory(AreaFactory)


class NeedLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedLevel
        django_get_or_create = ("level",)

    level = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Level {n + 1}")
    description = "Needs at this level."


class CouncilValueChangeFactory(factory.django.DjangoModelFactory):
    """A change made on the council page (pass ``actor``); ``PackValueChangeFactory`` for the
    pack's loader."""

    class Meta:
        model = CouncilValueChange

    council = factory.SubFactory(CouncilFactory)
    field = "duty_team_phone"
    old_value = "01234 567890"
    new_value = factory.Faker("phone_number", locale="en_GB")
    source = CouncilValueChange.Source.PAGE
    reason = "The duty team moved to a new number"


class PackValueChangeFactory(CouncilValueChangeFactory):
    source = CouncilValueChange.Source.PACK
    actor = None
    reason = ""
