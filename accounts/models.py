from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from knox.models import AbstractAuthToken, AuthTokenManager
from knox.settings import CONSTANTS

from core import clock
from core.models import AppendOnlyModel

# Defined in core (the lowest layer: core's scoping is by role) and re-exported here.
from core.roles import Role  # noqa: F401


class User(AbstractUser):
    """A member of staff of one of the partnership's agencies."""

    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    team = models.ForeignKey(
        "core.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    managed_teams = models.ManyToManyField("core.Team", blank=True, related_name="managers")
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    # Demo logins may skip MFA, and only while settings.DEMO_MODE is on.
    is_demo = models.BooleanField(default=False)
    # Set with a temporary password (a new account, or an administrator's reset); until they
    # choose their own, a signed-in user can only change it or sign out
    # (accounts.middleware.RequirePasswordChangeMiddleware).
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expiry__gt=clock.now())


class ApiToken(AbstractAuthToken):
    """A member of staff's API token (django-rest-knox's token, ADR 0011).

    Only a SHA-512 digest of the token is stored; the token itself is shown once, when it is
    made. Revoking a token deletes its row, which is how knox refuses it; the audit trail
    keeps the history. Every token expires.
    """

    # knox keys its own model on the digest; an integer key keeps the digest out of URLs.
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    expiry = models.DateTimeField()
    name = models.CharField(max_length=100)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # knox's manager makes the token and stores only its digest: create() returns (token row, raw token).
    objects = AuthTokenManager.from_queryset(ApiTokenQuerySet)()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.user})"


class AccountChange(AppendOnlyModel):
    """A system administrator's action on a member of staff's account that needs a reason:
    disabling it, enabling it again, resetting its authenticator, setting a temporary password.
    The reason is kept here, not in the audit trail (the audit's detail holds no free text)."""

    class Kind(models.TextChoices):
        DISABLED = "disabled", "Account disabled"
        ENABLED = "enabled", "Account enabled"
        AUTHENTICATOR_RESET = "authenticator_reset", "Authenticator reset"
        TEMPORARY_PASSWORD = "temporary_password", "Temporary password set"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_changes")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.TextField()
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%d %B %Y})"


class TeamChange(AppendOnlyModel):
    """One change a system administrator made to a team (``core.Team``) on the teams pages: its
    creation, or one of its name, agency, area and managers, with the value before and after as
    they read then (names, not ids, so the history still reads after a rename)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Team added"
        NAME = "name", "Name changed"
        AGENCY = "agency", "Agency changed"
        AREA = "area", "Area changed"
        MANAGERS = "managers", "Managers changed"

    team = models.ForeignKey("core.Team", on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%d %B %Y})"
