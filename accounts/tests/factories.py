import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, RoleGrant, TeamChange, User
from core.tests.factories import TeamFactory

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A member of staff in a team; pass ``roles=[Role.X, ...]``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    team = factory.SubFactory(TeamFactory)
    agency = factory.LazyAttribute(lambda u: u.team.agency if u.team else None)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("roles", None)
        self.save()


class PractitionerFactory(UserFactory):
    roles = factory.PostGeneration(
        lambda user, create, extracted, **kw: _grant(user, extracted or [Role.PRACTITIONER])
    )


class ManagerFactory(UserFactory):
    """A team manager who manages their own team."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _grant(self, extracted or [Role.TEAM_MANAGER])
        if self.team_id:
            self.managed_teams.add(self.team)


class AdminFactory(UserFactory):
    team = None
    agency = None
    roles = factory.PostGeneration(
        lambda user, create, extracted, **kw: _grant(user, extracted or [Role.SYSTEM_ADMINISTRATOR])
    )


class TeamChangeFactory(factory.django.DjangoModelFactory):
    """A team's history row: a rename (pass ``kind`` for another change)."""

    class Meta:
        model = TeamChange

    team = factory.SubFactory(TeamFactory)
    kind = TeamChange.Kind.NAME
    before = factory.Sequence(lambda n: f"Old team {n}")
    after = factory.LazyAttribute(lambda c: c.team.name)
    by = factory.SubFactory(AdminFactory)


class TeamCreatedFactory(TeamChangeFactory):
    kind = TeamChange.Kind.CREATED
    before = ""


def _grant(user, roles):
    for role in roles:
        RoleGrant.objects.get_or_create(user=user, role=role)
    user.__dict__.pop("roles", None)
    user.save()


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


def sign_in_verified(client, user):
    """Sign ``user`` in with a real, confirmed TOTP device verified for the session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def issue_api_token(user, *, name: str = "Tests", days: int = 30) -> str:
    """A real API token for ``user``, made the way an operator would; returns the raw token."""
    from accounts.services import api_token_create

    return api_token_create(actor=None, user=user, name=name, days=days).raw


def token_client(client, user, **kwargs):
    """``client`` sending ``Authorization: Token <token>`` with a new token for ``user``."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue_api_token(user, **kwargs)}"
    return client
