"""Synthetic demonstration data: demo logins and families, deterministic from a seed.

Everything here is invented with Faker (``en_GB``, and a few other locales for families
whose heritage is Polish, Romanian or South Asian), and nothing names a real council:
areas, teams and agencies are read from whatever council pack is loaded.

The generator is *plan then write*. ``plan_users`` and ``plan_families`` build plans (unsaved
model instances for families) from a seeded ``random.Random`` (UUIDs included) and Faker
instances seeded from it, so the same seed always plans the same people with the same ids, and
tests can compare plans without touching the database. ``write_families`` then inserts a
batch of plans with ``bulk_create``: ``people.services`` cannot take a primary key (so they
could not give the same UUIDs twice) and write one audit event per row, which is too slow
for benchmark-sized runs. The search keys that the services would build are built here by
``people.search.person_search_keys``, the one builder the services use too (a test checks
the stored keys agree with the services' for every person written).
"""

from __future__ import annotations

import hashlib
import random
import time
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, RoleGrant, User
from core.audit import Action, audit_record
from core.models import Agency, Area, Council, Team
from demo.panel_and_casework import seed_panel_and_casework
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
    YesNoUnknown,
)
from people.reference import Ethnicity, Gender
from people.search import normalise_postcode, person_search_keys

DEMO_PASSWORD = "Demo-Password-2026!"
REFERENCE_PREFIX = "DEMO-"
DEFAULT_FAMILIES = 200
DEFAULT_SEED = 2026

# (username, role, label for the login table). One login for every role, plus a second
# practitioner in a different team to show that a family outside your teams is "not found".
DEMO_USERS: tuple[tuple[str, str, str], ...] = (
    ("practitioner", Role.PRACTITIONER, Role.PRACTITIONER.label),
    ("practitioner2", Role.PRACTITIONER, "Practitioner (another team)"),
    ("team.leader", Role.EARLY_SUPPORT_TEAM_LEADER, Role.EARLY_SUPPORT_TEAM_LEADER.label),
    ("business.support", Role.BUSINESS_SUPPORT, Role.BUSINESS_SUPPORT.label),
    ("panel.chair", Role.PANEL_CHAIR, Role.PANEL_CHAIR.label),
    ("panel.member", Role.PANEL_MEMBER, Role.PANEL_MEMBER.label),
    ("lead.professional", Role.LEAD_PROFESSIONAL, Role.LEAD_PROFESSIONAL.label),
    ("team.manager", Role.TEAM_MANAGER, Role.TEAM_MANAGER.label),
    ("strategic.lead", Role.STRATEGIC_LEAD, Role.STRATEGIC_LEAD.label),
    ("admin", Role.SYSTEM_ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR.label),
)


def demo_logins() -> list[tuple[str, str]]:
    """[(role label, username)] in the order the login table prints them."""
    return [(label, username) for username, _, label in DEMO_USERS]


class DemoSetupError(Exception):
    """The database is not ready for demo data (no council pack, too few teams, ...)."""


# ---------------------------------------------------------------------------------------
# The council as loaded: which teams the demo logins sit in and families are linked to.
# ---------------------------------------------------------------------------------------


@dataclass
class Setting:
    areas: list[Area]
    agencies: list[Agency]
    teams: list[Team]
    early_support: Agency
    early_support_team: Team | None  # the early support service's team in the first area
    practitioner_team: Team
    practitioner2_team: Team
    manager_extra_team: Team
    lead_team: Team
    panel_agency: Agency
    panel_team: Team | None

    def area_order(self, area: Area | None) -> int:
        return self.areas.index(area) if area in self.areas else len(self.areas)


def _is_early_support(team: Team) -> bool:
    return team.agency.is_early_support_service


def load_setting() -> Setting:
    """Read the loaded council pack and decide where the demo logins work.

    Choices are made from sectors, flags and area order, never from names, so any
    council's pack works.
    """
    if not Council.objects.exists():
        raise DemoSetupError(
            "No council pack is loaded. Load one first: python manage.py load_council_pack"
        )
    areas = list(Area.objects.order_by("sort_order", "code"))
    agencies = list(Agency.objects.prefetch_related("teams").order_by("sort_order", "code"))
    teams = list(Team.objects.select_related("agency", "area").order_by("code"))
    early_support = next((a for a in agencies if a.is_early_support_service), None)
    if not areas or early_support is None:
        raise DemoSetupError(
            "The council pack has no areas or no early support service; load a complete pack"
        )
    casework = [t for t in teams if not _is_early_support(t)]
    if len(casework) < 2:
        raise DemoSetupError(
            "Demo data needs at least two teams outside the early support service "
            "(one for each demo practitioner); add them to the council pack"
        )
    first_area = areas[0]
    area_pos = {area.pk: i for i, area in enumerate(areas)}

    def where(team: Team) -> tuple[int, int]:
        # Teams in the first area first, then other areas in order, then area-less teams.
        if team.area_id is None:
            return (2, 0)
        return (0 if team.area_id == first_area.pk else 1, area_pos.get(team.area_id, 0))

    def sector_rank(team: Team, order: tuple[str, ...]) -> int:
        sector = team.agency.sector
        return order.index(sector) if sector in order else len(order)

    # Practitioner: a family support (council) or school team, preferably in the first area.
    practitioner_team = min(
        casework,
        key=lambda t: (
            t.area_id is None,
            where(t),
            sector_rank(t, ("council", "education")),
            t.code,
        ),
    )
    # Practitioner 2: another team, ideally in the same area (so the 404 is a neighbour's family).
    others = [t for t in casework if t != practitioner_team]
    practitioner2_team = min(
        others,
        key=lambda t: (
            t.area_id != practitioner_team.area_id,
            sector_rank(t, ("education", "council", "health")),
            where(t),
            t.code,
        ),
    )
    # The manager manages the practitioner's team and one more: the same service elsewhere.
    extra = [t for t in others if t != practitioner2_team] or [practitioner2_team]
    manager_extra_team = min(
        extra,
        key=lambda t: (
            t.agency_id != practitioner_team.agency_id,
            t.area_id is None,
            where(t),
            t.code,
        ),
    )
    lead_team = min(
        casework,
        key=lambda t: (
            sector_rank(t, ("council",)),
            t.area_id is None,
            where(t),
            t.code,
        ),
    )
    es_teams = [t for t in teams if _is_early_support(t)]
    early_support_team = min(es_teams, key=lambda t: (where(t), t.code)) if es_teams else None
    seated = [a for a in agencies if a.panel_seat and not a.is_early_support_service]
    pool = seated or [a for a in agencies if not a.is_early_support_service] or [early_support]
    panel_agency = min(pool, key=lambda a: (a.sector != Agency.Sector.HEALTH, a.sort_order, a.code))
    panel_teams = sorted(panel_agency.teams.all(), key=lambda t: (where(t), t.code))
    return Setting(
        areas=areas,
        agencies=agencies,
        teams=teams,
        early_support=early_support,
        early_support_team=early_support_team,
        practitioner_team=practitioner_team,
        practitioner2_team=practitioner2_team,
        manager_extra_team=manager_extra_team,
        lead_team=lead_team,
        panel_agency=panel_agency,
        panel_team=panel_teams[0] if panel_teams else None,
    )


# ---------------------------------------------------------------------------------------
# Demo logins
# ---------------------------------------------------------------------------------------

JOB_BY_SECTOR = {
    Agency.Sector.COUNCIL: "Family support worker",
    Agency.Sector.EDUCATION: "Designated safeguarding lead",
    Agency.Sector.HEALTH: "Health visitor",
    Agency.Sector.POLICE: "Police community support officer",
    Agency.Sector.HOUSING: "Housing officer",
    Agency.Sector.JUSTICE: "Youth justice worker",
    Agency.Sector.VOLUNTARY: "Family worker",
    Agency.Sector.OTHER: "Practitioner",
}


@dataclass
class UserPlan:
    username: str
    role: str
    first_name: str
    last_name: str
    job_title: str
    phone: str
    agency: Agency | None
    team: Team | None
    managed_teams: tuple[Team, ...] = ()


def _drama_landline(rng: random.Random) -> str:
    # Ofcom's range for drama: 01632 960000 to 960999 (never a real number).
    return f"01632 960{rng.randint(0, 999):03d}"


def _drama_mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def plan_users(setting: Setting, seed: int = DEFAULT_SEED) -> list[UserPlan]:
    rng = random.Random(f"demo-users-{seed}")
    fake = Faker("en_GB")
    fake.seed_instance(rng.getrandbits(64))
    s = setting

    def where(team: Team | None, agency: Agency | None = None) -> dict:
        return {"team": team, "agency": team.agency if team else agency}

    placement = {
        "practitioner": (
            where(s.practitioner_team),
            JOB_BY_SECTOR[s.practitioner_team.agency.sector],
        ),
        "practitioner2": (
            where(s.practitioner2_team),
            JOB_BY_SECTOR[s.practitioner2_team.agency.sector],
        ),
        "team.leader": (where(s.early_support_team, s.early_support), "Early support team leader"),
        "business.support": (
            where(s.early_support_team, s.early_support),
            "Business support officer",
        ),
        "panel.chair": (
            where(s.early_support_team, s.early_support),
            "Early support service manager",
        ),
        "panel.member": (where(s.panel_team, s.panel_agency), "Panel representative"),
        "lead.professional": (where(s.lead_team), "Key worker (lead professional)"),
        "team.manager": (where(s.practitioner_team), "Team manager"),
        "strategic.lead": (where(None, s.early_support), "Head of early help"),
        "admin": (where(None, None), "System administrator"),
    }
    plans = []
    for username, role, _ in DEMO_USERS:
        place, job = placement[username]
        female = rng.random() < 0.7
        plans.append(
            UserPlan(
                username=username,
                role=role,
                first_name=fake.first_name_female() if female else fake.first_name_male(),
                last_name=fake.last_name(),
                job_title=job,
                phone="" if username == "admin" else _drama_landline(rng),
                managed_teams=(
                    (s.practitioner_team, s.manager_extra_team)
                    if username == "team.manager"
                    else ()
                ),
                **place,
            )
        )
    return plans


def write_users(plans: list[UserPlan]) -> list[User]:
    """Create the demo logins that do not exist yet; never touch a real user's account."""
    taken = set(
        User.objects.filter(username__in=[p.username for p in plans], is_demo=False).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise DemoSetupError(
            f"These usernames belong to real (non-demo) accounts: {', '.join(sorted(taken))}; "
            "demo data was not loaded"
        )
    existing = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in plans])
    }
    encoded = None
    users = []
    for plan in plans:
        if plan.username in existing:
            users.append(existing[plan.username])
            continue
        user = User(
            username=plan.username,
            first_name=plan.first_name,
            last_name=plan.last_name,
            email=f"{plan.username}@example.org",
            job_title=plan.job_title,
            phone=plan.phone,
            agency=plan.agency,
            team=plan.team,
            is_demo=True,
            is_staff=False,
            is_superuser=False,
        )
        validate_password(DEMO_PASSWORD, user=user)
        # One hash for every demo login: hashing is deliberately slow, the password is public.
        encoded = encoded or make_password(DEMO_PASSWORD)
        user.password = encoded
        user.save()
        RoleGrant.objects.create(user=user, role=plan.role)
        if plan.managed_teams:
            user.managed_teams.set(plan.managed_teams)
        users.append(user)
    return users


# ---------------------------------------------------------------------------------------
# Families: the plan
# ---------------------------------------------------------------------------------------

LONE_PARENT = "lone_parent"
TWO_PARENTS = "two_parents"
BLENDED = "blended"
UNBORN = "unborn"
YOUNG_CARER = "young_carer"
EHCP = "ehcp"
CONFIDENTIAL = "confidential_address"
KINSHIP = "kinship_care"

# One shuffled deck per 20 families: every shape appears in any run of 20 or more.
SHAPE_DECK = (
    [LONE_PARENT] * 5
    + [TWO_PARENTS] * 4
    + [BLENDED] * 2
    + [UNBORN] * 2
    + [YOUNG_CARER] * 2
    + [EHCP] * 2
    + [CONFIDENTIAL] * 2
    + [KINSHIP]
)
# Lone parent, blended, refuge and kinship families with a child of 3 or more may have an
# earlier family record of that child (with a parent no longer here): one in four of them,
# about one family record in ten overall.
EARLIER_EVERY = 4
YEAR = 365.25  # days


@dataclass(frozen=True)
class Heritage:
    key: str
    weight: float
    names: str  # which name generator
    ethnicities: tuple[tuple[str, int], ...]
    language: str
    adult_language_share: float  # adults whose first language is ``language``
    child_language_share: float
    interpreter_share: float  # of those adults, how many need an interpreter


E = Ethnicity
# fmt: off
HERITAGES = (
    Heritage("british", 62, "en", ((E.WBRI, 82), (E.WIRI, 3), (E.WOTH, 3), (E.BCRB, 4), (E.BAFR, 3),
                                   (E.WIRT, 1), (E.CHNE, 1), (E.AIND, 1), (E.OOTH, 1), (E.NOBT, 1)),
             "English", 1.0, 1.0, 0.0),
    Heritage("pakistani", 14, "pk", ((E.APKN, 90), (E.ABAN, 5), (E.AOTH, 5)), "Urdu", 0.6, 0.2, 0.4),
    Heritage("polish", 8, "pl", ((E.WOTH, 100),), "Polish", 0.85, 0.4, 0.5),
    Heritage("romanian", 6, "ro", ((E.WOTH, 70), (E.WROM, 30)), "Romanian", 0.85, 0.3, 0.5),
    Heritage("arabic", 5, "pk", ((E.AOTH, 40), (E.OOTH, 35), (E.BAFR, 25)), "Arabic", 0.9, 0.3, 0.6),
    Heritage("other", 5, "en", ((E.BAFR, 30), (E.BCRB, 20), (E.AIND, 20), (E.ABAN, 10), (E.CHNE, 10),
                                (E.WIRT, 10)),
             "English", 1.0, 1.0, 0.0),
)
# fmt: on

# Faker's Pakistani locale lists only male given names; these are common female ones.
# fmt: off
SOUTH_ASIAN_FEMALE = (
    "Aisha", "Amina", "Ayesha", "Fatima", "Hafsa", "Hira", "Iqra", "Khadija", "Maryam", "Mehwish",
    "Nadia", "Noor", "Rabia", "Saima", "Sana", "Shazia", "Sumaira", "Zainab", "Zara", "Yasmin",
)
# fmt: on
# A few accented given names, so search is exercised on "Zoë" typed as "Zoe".
ACCENTED = {
    "female": ("Zoë", "Chloé", "Renée", "Anaïs", "Siân", "Zoé", "Léa", "Noémie", "Chloë", "Róisín"),
    "male": ("Seán", "Eóin", "Noël", "José", "René", "Aarón"),
}

PARENT_DISABILITY = (
    "Multiple sclerosis; uses a wheelchair outdoors",
    "Long-term mental health condition",
    "Chronic pain after a back injury; limited mobility",
    "Sight loss; registered severely sight impaired",
    "Chronic fatigue syndrome (ME)",
    "Epilepsy; seizures not well controlled",
)
EHCP_NEEDS = (
    "Autism spectrum condition",
    "Speech, language and communication needs",
    "Moderate learning difficulties",
    "Cerebral palsy; uses a walking frame",
    "Hearing impairment; uses hearing aids",
    "Social, emotional and mental health needs",
    "Down's syndrome",
)
CHILD_DISABILITY = ("ADHD (diagnosed)", "Type 1 diabetes", "Dyslexia", "Hearing loss in one ear")


@dataclass(frozen=True)
class ProfessionalKind:
    role: str
    sector: str | None  # None: not one of the partnership's agencies
    keywords: tuple[str, ...]  # preferred agency if its name or a team's name has one
    fallback_organisation: str
    for_whom: str  # "under5", "unborn", "school", "teen", "adult", "ehcp", "young_carer", "refuge", "anyone"


# fmt: off
PROFESSIONALS = (
    ProfessionalKind("Health visitor", "health", ("health visit", "0-19", "health"),
                     "Health visiting service", "under5"),
    ProfessionalKind("Community midwife", "health", ("midwif",), "Maternity service", "unborn"),
    ProfessionalKind("Designated safeguarding lead", "education", ("school",), "School", "school"),
    ProfessionalKind("School nurse", "health", ("school nurs", "0-19"), "School nursing service", "school"),
    ProfessionalKind("Education welfare officer", "education", ("welfare", "attendance"),
                     "Attendance service", "school"),
    ProfessionalKind("SEND case officer", "education", ("send", "special educational"), "SEND service", "ehcp"),
    ProfessionalKind("Youth worker", "council", ("youth",), "Youth service", "teen"),
    ProfessionalKind("CAMHS practitioner", "health", ("camhs", "mental health"), "CAMHS", "teen"),
    ProfessionalKind("GP", None, (), "", "anyone"),
    ProfessionalKind("Housing officer", "housing", ("housing", "tenan"), "Housing association", "adult"),
    ProfessionalKind("Police community support officer", "police", ("neighbourhood", "police"), "Police",
                     "adult"),
    ProfessionalKind("Young carers support worker", "voluntary", ("carer",), "Young carers service",
                     "young_carer"),
    ProfessionalKind("Domestic abuse support worker (IDVA)", "voluntary", ("domestic", "abuse"),
                     "Domestic abuse service", "refuge"),
)
# fmt: on

C = ChronologyEntry.Category


@dataclass(frozen=True)
class Event:
    category: str
    who: str  # "child" or "adult"
    min_age: int
    max_age: int
    summary: str
    sector: str | None
    keywords: tuple[str, ...] = ()
    fallback_source: str = ""


# fmt: off
HEALTH_VISITING = ("health visit", "0-19", "health")
POLICE = ("police", "neighbourhood")
HOUSING = ("housing", "tenan")
EVENTS = (
    Event(C.WAS_NOT_BROUGHT, "child", 1, 3, "Was not brought to the two-year health and development review.",
          "health", HEALTH_VISITING, "Health visiting"),
    Event(C.WAS_NOT_BROUGHT, "child", 1, 17,
          "Was not brought to a dental appointment; the second missed this year.", None, (), "Dental practice"),
    Event(C.WAS_NOT_BROUGHT, "child", 2, 17, "Was not brought to a paediatric outpatient appointment; rebooked.",
          None, (), "Hospital paediatrics"),
    Event(C.EDUCATION, "child", 4, 11, "Started at a new primary school mid-year after a house move.",
          "education", ("school",), "School"),
    Event(C.EDUCATION, "child", 5, 16, "Attendance below 90% this term; letter sent home.",
          "education", ("welfare", "school"), "School"),
    Event(C.EDUCATION, "child", 11, 16, "One-day suspension after a fight at school.",
          "education", ("school",), "School"),
    Event(C.EDUCATION, "child", 11, 12, "Moved up to secondary school; settling in slowly.",
          "education", ("school",), "School"),
    Event(C.POLICE, "child", 0, 17, "Police attended a report of shouting at the home; children present; no arrests.",
          "police", POLICE, "Police"),
    Event(C.POLICE, "child", 12, 17, "Found by police with older young people late at night; taken home.",
          "police", POLICE, "Police"),
    Event(C.HEALTH, "child", 0, 17, "Seen at A&E after a fall at home; no concerns about the injury.",
          None, (), "Hospital emergency department"),
    Event(C.HEALTH, "adult", 16, 99, "Referred to talking therapies for low mood.", None, (), "GP practice"),
    Event(C.HOUSING, "adult", 16, 99, "Housing officer visited about damp and mould; repairs requested.",
          "housing", HOUSING, "Housing association"),
    Event(C.HOUSING, "adult", 16, 99, "Rent arrears; agreed a repayment plan with the landlord.",
          "housing", HOUSING, "Housing association"),
    Event(C.SERVICE, "adult", 16, 99, "Attended four of eight sessions of a parenting programme.",
          "council", ("family", "parent"), "Parenting programme"),
    Event(C.FAMILY, "child", 0, 17, "Parents separated; the children stayed with their mother.",
          None, (), "Family"),
)
# fmt: on


@dataclass
class FamilyPlan:
    """One family (and perhaps an earlier family record of one of its children), unsaved."""

    shape: str
    families: list[Family] = field(default_factory=list)
    team_links: list[FamilyTeam] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    other_names: list[PersonName] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    person_addresses: list[PersonAddress] = field(default_factory=list)
    members: list[FamilyMember] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    household_members: list[HouseholdMember] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    parental_responsibility: list[ParentalResponsibility] = field(default_factory=list)
    professionals: list[ProfessionalInvolvement] = field(default_factory=list)
    chronology: list[ChronologyEntry] = field(default_factory=list)

    @property
    def family(self) -> Family:
        return self.families[0]


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in ".-")).lower()


class _Planner:
    """Plans families one by one; all randomness comes from the seed, in a fixed order."""

    def __init__(self, setting: Setting, seed: int, today: date):
        self.s = setting
        self.today = today
        self.rng = random.Random(f"demo-families-{seed}")
        self.fake = {}
        for key, locale in (("en", "en_GB"), ("pk", "en_PK"), ("pl", "pl_PL"), ("ro", "ro_RO")):
            fake = Faker(locale)
            fake.seed_instance(self.rng.getrandbits(64))
            self.fake[key] = fake
        self.references: set[str] = set()
        self.deck: list[str] = []
        self.eligible = 0
        self.index = 0
        self._agency_cache: dict[tuple, list[Agency]] = {}
        casework = [t for t in setting.teams if not _is_early_support(t)]
        special = {setting.practitioner_team.pk, setting.practitioner2_team.pk}
        self.area_teams = {
            area.pk: [t for t in casework if t.area_id == area.pk and t.pk not in special]
            for area in setting.areas
        }
        self.roaming = [t for t in casework if t.area_id is None and t.pk not in special]
        self.es_teams = {
            area.pk: [t for t in setting.teams if _is_early_support(t) and t.area_id == area.pk]
            for area in setting.areas
        }
        self.all_es = [t for t in setting.teams if _is_early_support(t)]

    # -- small helpers --------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def born_aged(self, min_years: int, max_years: int) -> date:
        """A birthday making someone ``min_years`` to ``max_years`` old today (at least 2 weeks)."""
        lo = max(int(min_years * YEAR) + 2, 14)
        hi = int((max_years + 1) * YEAR) - 2
        return self.ago(self.rng.randint(lo, max(hi, lo)))

    def years(self, person: Person, on: date | None = None) -> int:
        """Age in whole years, from the number of days only.

        Not ``Person.age_on``: calendar ages shift with leap days, so the same seed run on
        another day could take a different branch and plan different people.
        """
        return int(((on or self.today) - person.date_of_birth).days // YEAR)

    def weighted(self, pairs):
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def reference(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        while True:
            ref = REFERENCE_PREFIX + "".join(self.rng.choice(alphabet) for _ in range(6))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    # -- names and people ----------------------------------------------------------

    def given_name(self, h: Heritage, gender: str) -> str:
        female = gender == Gender.FEMALE or (
            gender not in (Gender.MALE, Gender.FEMALE) and self.chance(0.5)
        )
        fake = self.fake[h.names]
        if h.names == "en" and self.chance(0.06):
            return self.rng.choice(ACCENTED["female" if female else "male"])
        if h.names == "pk" and female:
            return self.rng.choice(SOUTH_ASIAN_FEMALE)
        return fake.first_name_female() if female else fake.first_name_male()

    def surname(self, h: Heritage) -> str:
        fake = self.fake[h.names]
        return fake.last_name_male() if h.names == "pl" else fake.last_name()

    @staticmethod
    def surname_for(surname: str, h: Heritage, gender: str) -> str:
        # Polish surnames ending -ski/-cki/-dzki take -ska/-cka/-dzka for women and girls.
        if h.names == "pl" and gender == Gender.FEMALE and surname.endswith(("ski", "cki", "dzki")):
            return surname[:-1] + "a"
        return surname

    def language(self, h: Heritage, adult: bool) -> tuple[str, bool, str]:
        share = h.adult_language_share if adult else h.child_language_share
        if h.language == "English" or not self.chance(share):
            return "English", False, ""
        interpreter = adult and self.chance(h.interpreter_share)
        needs = f"{h.language} interpreter needed for meetings and letters" if interpreter else ""
        return h.language, interpreter, needs

    def person(
        self,
        plan: FamilyPlan,
        h: Heritage,
        *,
        kind: str,
        gender: str,
        last_name: str,
        ethnicity: str,
        dob: date | None = None,
        edd: date | None = None,
        first_name: str | None = None,
    ) -> Person:
        adult = kind == Person.Kind.ADULT
        if kind == Person.Kind.UNBORN:
            first_name, middle, language = "", "", ("English", False, "")
        else:
            first_name = first_name or self.given_name(h, gender)
            middle = self.given_name(h, gender) if self.chance(0.3) else ""
            language = self.language(h, adult)
        person = Person(
            id=self.uuid(),
            kind=kind,
            first_name=first_name,
            middle_names=middle,
            last_name=self.surname_for(last_name, h, gender),
            date_of_birth=dob,
            expected_date_of_delivery=edd,
            gender=gender,
            ethnicity=ethnicity,
            disability=YesNoUnknown.UNKNOWN
            if kind == Person.Kind.UNBORN
            else (YesNoUnknown.NO if self.chance(0.85) else YesNoUnknown.UNKNOWN),
            first_language=language[0],
            interpreter_required=language[1],
            communication_needs=language[2],
        )
        plan.people.append(person)
        return person

    def adult(self, plan, h, gender, *, age=(20, 45), last_name=None, ethnicity=None) -> Person:
        dob = self.born_aged(*age)
        return self.person(
            plan,
            h,
            kind=Person.Kind.ADULT,
            gender=gender,
            dob=dob,
            last_name=last_name or self.surname(h),
            ethnicity=ethnicity or self.weighted(h.ethnicities),
        )

    def child_gender(self) -> str:
        return self.weighted(
            (
                (Gender.MALE, 49),
                (Gender.FEMALE, 49),
                (Gender.NOT_SPECIFIED, 1),
                (Gender.NOT_KNOWN, 1),
            )
        )

    def child_ethnicity(self, *parents: Person) -> str:
        codes = {p.ethnicity for p in parents if p is not None}
        if self.chance(0.02):
            return Ethnicity.NOBT
        if len(codes) == 1:
            return codes.pop()
        if codes == {Ethnicity.WBRI, Ethnicity.BCRB}:
            return Ethnicity.MWBC
        if codes == {Ethnicity.WBRI, Ethnicity.BAFR}:
            return Ethnicity.MWBA
        if Ethnicity.WBRI in codes and codes & {Ethnicity.AIND, Ethnicity.APKN, Ethnicity.ABAN}:
            return Ethnicity.MWAS
        return Ethnicity.MOTH

    def children(
        self,
        plan,
        h,
        mother: Person,
        *,
        count: int,
        last_name: str,
        other_parent=None,
        min_age=0,
        max_age=17,
    ) -> list[Person]:
        """Children of ``mother`` (born when she was at least 17), eldest first."""
        mother_age = self.years(mother)
        max_age = max(min(max_age, mother_age - 17), min_age)
        kids = []
        for _ in range(count):
            gender = self.child_gender()
            kid = self.person(
                plan,
                h,
                kind=Person.Kind.CHILD,
                gender=gender,
                last_name=last_name,
                dob=self.born_aged(min_age, max_age),
                ethnicity=self.child_ethnicity(mother, other_parent),
            )
            if self.chance(0.05):
                kid.disability = YesNoUnknown.YES
                kid.disability_details = self.rng.choice(CHILD_DISABILITY)
            kids.append(kid)
        kids.sort(key=lambda k: k.date_of_birth)
        return kids

    def other_name(self, plan, person: Person, kind: str, first: str = "", last: str = "") -> None:
        plan.other_names.append(
            PersonName(person_id=person.id, kind=kind, first_name=first, last_name=last)
        )

    # -- addresses and households --------------------------------------------------

    def address(self, plan, *, refuge: bool = False) -> Address:
        fake = self.fake["en"]
        line_1 = f"{fake.building_number()} {fake.street_name()}"
        if refuge:
            line_1 = f"Flat {self.rng.randint(1, 12)}, {line_1}"
        postcode = fake.postcode()
        address = Address(
            line_1=line_1,
            town=fake.city(),
            postcode=postcode,
            postcode_normalised=normalise_postcode(postcode),
        )
        plan.addresses.append(address)
        return address

    def lives_at(
        self,
        plan,
        person: Person,
        address: Address,
        moved_in: date,
        moved_out: date | None = None,
        confidential: bool = False,
    ) -> None:
        born = person.date_of_birth or self.today
        start = max(moved_in, born)
        if moved_out is not None and moved_out <= born:
            return  # the person was not born yet when the family lived there
        plan.person_addresses.append(
            PersonAddress(
                person_id=person.id,
                address=address,
                moved_in=start,
                moved_out=moved_out,
                is_confidential=confidential,
            )
        )

    def household(
        self,
        plan,
        family: Family,
        name: str,
        address: Address | None,
        people: Iterable[Person],
        moved_in: date,
        *,
        part_time: Iterable[Person] = (),
        confidential: bool = False,
    ) -> Household:
        household = Household(
            family_id=family.id, name=name, address=address, is_confidential=confidential
        )
        plan.households.append(household)
        part = {id(p) for p in part_time}
        for person in people:
            born = person.date_of_birth
            plan.household_members.append(
                HouseholdMember(
                    household=household,
                    person_id=person.id,
                    from_date=max(moved_in, born) if born else moved_in,
                    stays_part_time=id(person) in part,
                )
            )
        return household

    def home(
        self,
        plan,
        family: Family,
        name: str,
        people: list[Person],
        *,
        prior_move: float = 0.35,
        confidential: bool = False,
    ) -> tuple[Household, date]:
        """A household at a current address, sometimes with a previous address for everyone."""
        address = self.address(plan, refuge=confidential)
        moved_in = self.ago(
            self.rng.randint(14, 240) if confidential else self.rng.randint(90, 3000)
        )
        if confidential or self.chance(prior_move):
            previous = self.address(plan)
            previous_in = moved_in - timedelta(days=self.rng.randint(300, 2500))
            for person in people:
                if person.kind != Person.Kind.UNBORN:
                    self.lives_at(plan, person, previous, previous_in, moved_out=moved_in)
        for person in people:
            if person.kind != Person.Kind.UNBORN:
                self.lives_at(plan, person, address, moved_in, confidential=confidential)
        return self.household(
            plan, family, name, address, people, moved_in, confidential=confidential
        ), moved_in

    # -- links between people ------------------------------------------------------

    def relate(self, plan, person: Person, relative: Person, kind: str) -> None:
        plan.relationships.append(
            Relationship(person_id=person.id, relative_id=relative.id, kind=kind)
        )

    def siblings(self, plan, kids: list[Person], kind=Relationship.Kind.SIBLING) -> None:
        for i, older in enumerate(kids):
            for younger in kids[i + 1 :]:
                self.relate(plan, older, younger, kind)

    def pr(
        self, plan, child: Person, adult: Person, basis: str, from_date: date | None = None
    ) -> None:
        if child.kind == Person.Kind.UNBORN:
            return  # nobody has parental responsibility for an unborn baby
        plan.parental_responsibility.append(
            ParentalResponsibility(
                child_id=child.id,
                adult_id=adult.id,
                basis=basis,
                from_date=from_date or child.date_of_birth,
            )
        )

    def parent_of(self, plan, parent: Person, kids: Iterable[Person], basis: str | None) -> None:
        kind = (
            Relationship.Kind.MOTHER if parent.gender == Gender.FEMALE else Relationship.Kind.FATHER
        )
        for kid in kids:
            self.relate(plan, parent, kid, kind)
            if basis:
                self.pr(plan, kid, parent, basis)

    def father_basis(self, married: bool) -> str | None:
        if married:
            return ParentalResponsibility.Basis.MARRIED_OR_CIVIL_PARTNER
        # Most unmarried fathers are named on the birth certificate; some are not.
        return ParentalResponsibility.Basis.BIRTH_REGISTRATION if self.chance(0.85) else None

    def member(self, plan, family: Family, person: Person, role: str, joined: date) -> None:
        plan.members.append(
            FamilyMember(family_id=family.id, person_id=person.id, role=role, joined_on=joined)
        )

    # -- teams ---------------------------------------------------------------------

    def teams_for(self, index: int) -> tuple[Area, list[Team]]:
        """The family's area and the teams working with it.

        One family in eight is the demo practitioner's team's, another one in eight the
        second practitioner's, so each has roughly 25 of 200, and the two never overlap.
        """
        s, rng = self.s, self.rng
        slot = index % 8
        if slot == 0:
            primary = s.practitioner_team
        elif slot == 4:
            primary = s.practitioner2_team
        else:
            primary = None
        if primary is not None:
            area = primary.area if primary.area in s.areas else rng.choice(s.areas)
        else:
            area = rng.choice(s.areas)
            pool = (
                self.area_teams[area.pk]
                or self.roaming
                or self.es_teams[area.pk]
                or self.all_es
                or [s.practitioner2_team]
            )
            primary = rng.choice(pool)
        teams = [primary]
        if self.chance(0.4):
            second = [
                t
                for t in self.es_teams[area.pk] + self.roaming + self.area_teams[area.pk]
                if t != primary
            ]
            if second:
                teams.append(rng.choice(second))
        return area, teams

    def link(
        self, plan, family: Family, teams: list[Team], started: date, ended: date | None = None
    ):
        for team in teams:
            plan.team_links.append(
                FamilyTeam(family_id=family.id, team_id=team.pk, started_on=started, ended_on=ended)
            )

    # -- agencies, professionals, chronology ----------------------------------------

    def agency_for(self, sector: str | None, keywords: tuple[str, ...]) -> Agency | None:
        if sector is None:
            return None
        key = (sector, keywords)
        if key not in self._agency_cache:
            of_sector = [
                a for a in self.s.agencies if a.sector == sector and not a.is_early_support_service
            ]

            def text(agency: Agency) -> str:
                return " ".join([agency.name, *(t.name for t in agency.teams.all())]).lower()

            # Keywords in order of preference: the first one that any agency matches wins.
            options = of_sector
            for keyword in keywords:
                matching = [a for a in of_sector if keyword in text(a)]
                if matching:
                    options = matching
                    break
            self._agency_cache[key] = options
        options = self._agency_cache[key]
        return self.rng.choice(options) if options else None

    def professional(self, plan, kind: ProfessionalKind, person: Person) -> None:
        fake = self.fake["en"]
        female = self.chance(0.75)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = fake.last_name()
        agency = self.agency_for(kind.sector, kind.keywords)
        organisation = ""
        if agency is None:
            organisation = (
                f"{fake.street_name()} Surgery" if kind.role == "GP" else kind.fallback_organisation
            )
        earliest = person.date_of_birth or self.ago(240)
        started = max(self.ago(self.rng.randint(0, 1095)), earliest)
        plan.professionals.append(
            ProfessionalInvolvement(
                person_id=person.id,
                name=f"{'Dr ' if kind.role == 'GP' else ''}{first} {last}",
                role=kind.role,
                agency_id=agency.pk if agency else None,
                organisation=organisation,
                phone=_drama_landline(self.rng) if self.chance(0.5) else _drama_mobile(self.rng),
                email=f"{_ascii(first)}.{_ascii(last)}@example.org",
                started_on=started,
                ended_on=None
                if self.chance(0.85)
                else max(started, self.ago(self.rng.randint(0, 180))),
            )
        )

    def professionals(self, plan, shape: str, adults: list[Person], kids: list[Person]) -> None:
        def age(p):
            return self.years(p) if p.date_of_birth else -1

        who = {
            "under5": [k for k in kids if k.kind != Person.Kind.UNBORN and age(k) < 5],
            "unborn": adults[:1] if any(k.kind == Person.Kind.UNBORN for k in kids) else [],
            "school": [k for k in kids if 4 <= age(k) <= 16],
            "teen": [k for k in kids if 11 <= age(k) <= 17],
            "adult": adults,
            "ehcp": [k for k in kids if k.has_ehcp],
            "young_carer": [k for k in kids if k.is_young_carer],
            "refuge": adults[:1] if shape == CONFIDENTIAL else [],
            "anyone": adults + [k for k in kids if k.kind != Person.Kind.UNBORN],
        }
        # The shape's own professional first, then others that fit, 1 to 4 in all.
        must = {
            UNBORN: "unborn",
            EHCP: "ehcp",
            YOUNG_CARER: "young_carer",
            CONFIDENTIAL: "refuge",
        }.get(shape)
        options = [k for k in PROFESSIONALS if who[k.for_whom]]
        self.rng.shuffle(options)
        options.sort(key=lambda k: k.for_whom != must)
        for kind in options[: self.rng.randint(1, 4)]:
            self.professional(plan, kind, self.rng.choice(who[kind.for_whom]))

    def event(
        self,
        plan,
        person: Person,
        occurred: date,
        category: str,
        summary: str,
        sector: str | None,
        keywords: tuple[str, ...] = (),
        fallback: str = "",
    ) -> None:
        agency = self.agency_for(sector, keywords)
        plan.chronology.append(
            ChronologyEntry(
                person_id=person.id,
                occurred_on=occurred,
                category=category,
                summary=summary,
                source=agency.name if agency else fallback,
            )
        )

    def chronology(
        self,
        plan,
        adults: list[Person],
        kids: list[Person],
        count: int,
        window: tuple[int, int] = (0, 1095),
    ) -> None:
        """``count`` events over the window (days ago), each fitting the person's age then."""
        born = [k for k in kids if k.date_of_birth]
        for kid in born:
            if count and window[0] <= (self.today - kid.date_of_birth).days <= window[1]:
                early = self.chance(0.15)
                summary = (
                    "Born at 34 weeks; ten days on the neonatal unit."
                    if early
                    else "Born at full term; went home with mother the next day."
                )
                self.event(
                    plan,
                    kid,
                    kid.date_of_birth,
                    C.BIRTH,
                    summary,
                    "health",
                    ("midwif",),
                    "Maternity service",
                )
                count -= 1
        attempts = 0
        while count > 0 and attempts < 40:
            attempts += 1
            ev = self.rng.choice(EVENTS)
            day = self.ago(self.rng.randint(*window))
            people = [
                p
                for p in (adults if ev.who == "adult" else born)
                if p.date_of_birth
                and p.date_of_birth <= day
                and ev.min_age <= self.years(p, day) <= ev.max_age
            ]
            if not people:
                continue
            self.event(
                plan,
                self.rng.choice(people),
                day,
                ev.category,
                ev.summary,
                ev.sector,
                ev.keywords,
                ev.fallback_source,
            )
            count -= 1

    # -- the shapes ----------------------------------------------------------------

    def plan(self, remaining: int) -> FamilyPlan:
        if not self.deck:
            self.deck = list(SHAPE_DECK)
            self.rng.shuffle(self.deck)
        shape = self.deck.pop()
        plan = FamilyPlan(shape=shape)
        h = self.weighted((hh, hh.weight) for hh in HERITAGES)
        area, teams = self.teams_for(self.index)
        self.index += 1
        started = self.ago(self.rng.randint(30, 700))
        family = Family(id=self.uuid(), reference=self.reference(), name="", area_id=area.pk)
        plan.families.append(family)
        adults, kids, earlier_with = getattr(self, f"_{shape}")(plan, family, h, started)
        family.name = f"{(adults[0] if adults else kids[0]).last_name} family"
        self.link(plan, family, teams, started)
        self.professionals(plan, shape, adults, kids)
        # 2 to 8 entries per family, counting those the shape already recorded.
        self.chronology(plan, adults, kids, max(self.rng.randint(2, 8) - len(plan.chronology), 0))
        if earlier_with:
            self.eligible += 1
            if (self.eligible - 1) % EARLIER_EVERY == 0 and remaining >= 2:
                self.earlier_family(plan, family, h, *earlier_with)
        return plan

    def _lone_parent(self, plan, family, h, started, *, min_age=0):
        parent_gender = Gender.MALE if self.chance(0.1) else Gender.FEMALE
        parent = self.adult(plan, h, parent_gender, age=(max(19, min_age + 18), 45))
        father = None
        if parent_gender == Gender.FEMALE and self.chance(0.6):
            father = self.adult(
                plan,
                h,
                Gender.MALE,
                age=(self.years(parent) - 1, self.years(parent) + 6),
            )
        last = father.last_name if father and self.chance(0.4) else parent.last_name
        kids = self.children(
            plan,
            h,
            parent if parent_gender == Gender.FEMALE else self._virtual_mother(parent),
            count=self.rng.randint(1, 3),
            last_name=last,
            other_parent=father,
            min_age=min_age,
        )
        basis = (
            ParentalResponsibility.Basis.BIRTH_MOTHER
            if parent_gender == Gender.FEMALE
            else (ParentalResponsibility.Basis.BIRTH_REGISTRATION)
        )
        self.parent_of(plan, parent, kids, basis)
        self.siblings(plan, kids)
        self.home(plan, family, "Home", [parent, *kids])
        self.member(plan, family, parent, FamilyMember.Role.PARENT_CARER, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        if father is not None:
            # The children's father lives elsewhere: a significant person, with his own address.
            self.parent_of(plan, father, kids, self.father_basis(married=False))
            self.lives_at(plan, father, self.address(plan), self.ago(self.rng.randint(100, 2000)))
            self.member(plan, family, father, FamilyMember.Role.SIGNIFICANT, started)
        older = [k for k in kids if self.years(k) >= 3]
        return (
            [parent],
            kids,
            ((older[0], parent, father) if older and parent_gender == Gender.FEMALE else None),
        )

    def _virtual_mother(self, father: Person) -> Person:
        # A lone father's children are at most (his age - 17); only used for that age limit.
        return Person(date_of_birth=father.date_of_birth, ethnicity=father.ethnicity)

    def _two_parents(self, plan, family, h, started, *, count=None, min_age=0, max_age=17):
        mother = self.adult(plan, h, Gender.FEMALE, age=(max(20, min_age + 18), 45))
        mother_age = self.years(mother)
        father_h = h if self.chance(0.85) else self.weighted((hh, hh.weight) for hh in HERITAGES)
        father = self.adult(plan, father_h, Gender.MALE, age=(mother_age - 2, mother_age + 7))
        married = self.chance(0.6)
        if married:
            self.other_name(plan, mother, PersonName.Kind.PREVIOUS, last=mother.last_name)
            mother.last_name = self.surname_for(father.last_name, h, Gender.FEMALE)
        kids = self.children(
            plan,
            h,
            mother,
            count=count or self.rng.randint(1, 4),
            last_name=father.last_name,
            other_parent=father,
            min_age=min_age,
            max_age=max_age,
        )
        self.parent_of(plan, mother, kids, ParentalResponsibility.Basis.BIRTH_MOTHER)
        self.parent_of(plan, father, kids, self.father_basis(married))
        self.siblings(plan, kids)
        self.home(plan, family, "Home", [mother, father, *kids])
        for adult in (mother, father):
            self.member(plan, family, adult, FamilyMember.Role.PARENT_CARER, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        return [mother, father], kids, None

    def _blended(self, plan, family, h, started):
        mother = self.adult(plan, h, Gender.FEMALE, age=(26, 45))
        age = self.years(mother)
        dad = self.adult(plan, h, Gender.MALE, age=(age - 2, age + 6))
        step = self.adult(plan, h, Gender.MALE, age=(age - 3, age + 8))
        older = self.children(
            plan,
            h,
            mother,
            count=self.rng.randint(1, 2),
            last_name=dad.last_name,
            other_parent=dad,
            min_age=4,
        )
        youngest_older = min(self.years(k) for k in older)
        half = self.children(
            plan,
            h,
            mother,
            count=1,
            last_name=step.last_name,
            other_parent=step,
            max_age=max(youngest_older - 2, 0),
        )
        kids = older + half
        self.parent_of(plan, mother, kids, ParentalResponsibility.Basis.BIRTH_MOTHER)
        self.parent_of(plan, dad, older, self.father_basis(married=self.chance(0.3)))
        self.parent_of(plan, step, half, self.father_basis(married=self.chance(0.5)))
        for kid in older:
            self.relate(plan, step, kid, Relationship.Kind.STEP_PARENT)
            if self.chance(0.3):
                self.pr(
                    plan,
                    kid,
                    step,
                    ParentalResponsibility.Basis.AGREEMENT,
                    self.ago(self.rng.randint(60, 900)),
                )
            if self.chance(0.3):  # known at school by the step-father's surname
                self.other_name(
                    plan, kid, PersonName.Kind.ALIAS, first=kid.first_name, last=step.last_name
                )
            for baby in half:
                self.relate(plan, kid, baby, Relationship.Kind.HALF_SIBLING)
        self.siblings(plan, older)
        self.home(plan, family, "Mum's house", [mother, step, *kids])
        # The eldest also stays with their dad every other weekend: a second household.
        dads_address = self.address(plan)
        dad_in = self.ago(self.rng.randint(200, 2500))
        self.lives_at(plan, dad, dads_address, dad_in)
        self.household(
            plan, family, "Dad's house", dads_address, [dad, older[0]], dad_in, part_time=[older[0]]
        )
        for adult, role in (
            (mother, FamilyMember.Role.PARENT_CARER),
            (step, FamilyMember.Role.PARENT_CARER),
            (dad, FamilyMember.Role.PARENT_CARER),
        ):
            self.member(plan, family, adult, role, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        return (
            [mother, step, dad],
            kids,
            (older[0], mother, dad) if self.years(older[0]) >= 3 else None,
        )

    def _unborn(self, plan, family, h, started):
        mother = self.adult(plan, h, Gender.FEMALE, age=(17, 40))
        partner = (
            self.adult(plan, h, Gender.MALE, age=(self.years(mother), self.years(mother) + 6))
            if self.chance(0.5)
            else None
        )
        older = []
        if self.years(mother) >= 20 and self.chance(0.6):
            older = self.children(
                plan,
                h,
                mother,
                count=self.rng.randint(1, 2),
                last_name=mother.last_name,
                other_parent=partner,
            )
        edd = self.today + timedelta(days=self.rng.randint(31, 240))
        baby = self.person(
            plan,
            h,
            kind=Person.Kind.UNBORN,
            gender=Gender.NOT_KNOWN,
            last_name=mother.last_name,
            edd=edd,
            ethnicity=self.child_ethnicity(mother, partner),
        )
        kids = [*older, baby]
        self.parent_of(plan, mother, kids, ParentalResponsibility.Basis.BIRTH_MOTHER)
        if partner is not None:
            self.parent_of(plan, partner, kids, self.father_basis(married=False))
        self.siblings(plan, kids)
        adults = [mother] + ([partner] if partner else [])
        self.home(plan, family, "Home", [*adults, *kids])
        for adult in adults:
            self.member(plan, family, adult, FamilyMember.Role.PARENT_CARER, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        self.event(
            plan,
            mother,
            self.ago(self.rng.randint(20, 150)),
            C.HEALTH,
            "Booked for antenatal care; midwife to visit at home.",
            "health",
            ("midwif",),
            "Maternity service",
        )
        return adults, kids, None

    def _young_carer(self, plan, family, h, started):
        if self.chance(0.5):
            adults, kids, _ = self._two_parents(plan, family, h, started, min_age=8)
        else:
            adults, kids, _ = self._lone_parent(plan, family, h, started, min_age=8)
        parent = adults[0]
        parent.disability = YesNoUnknown.YES
        parent.disability_details = self.rng.choice(PARENT_DISABILITY)
        carers = [k for k in kids if self.years(k) >= 8] or kids[:1]
        carer = carers[0]
        carer.is_young_carer = True
        self.event(
            plan,
            carer,
            self.ago(self.rng.randint(10, 400)),
            C.SERVICE,
            "Young carer's needs assessment completed; caring for a parent most evenings.",
            "voluntary",
            ("carer",),
            "Young carers service",
        )
        return adults, kids, None

    def _ehcp(self, plan, family, h, started):
        if self.chance(0.6):
            adults, kids, _ = self._two_parents(plan, family, h, started, min_age=4)
        else:
            adults, kids, _ = self._lone_parent(plan, family, h, started, min_age=4)
        school_age = [k for k in kids if self.years(k) >= 4] or kids
        child = school_age[0]
        child.has_ehcp = True
        child.disability = YesNoUnknown.YES
        child.disability_details = self.rng.choice(EHCP_NEEDS)
        return adults, kids, None

    def _confidential_address(self, plan, family, h, started):
        mother = self.adult(plan, h, Gender.FEMALE, age=(20, 42))
        age = self.years(mother)
        ex = self.adult(plan, h, Gender.MALE, age=(age - 1, age + 8))
        kids = self.children(
            plan, h, mother, count=self.rng.randint(1, 3), last_name=ex.last_name, other_parent=ex
        )
        self.parent_of(plan, mother, kids, ParentalResponsibility.Basis.BIRTH_MOTHER)
        self.parent_of(plan, ex, kids, self.father_basis(married=self.chance(0.4)))
        self.siblings(plan, kids)
        # Mother and children at a refuge: confidential, with their previous (shared) home kept.
        _, moved_in = self.home(plan, family, "Refuge", [mother, *kids], confidential=True)
        self.member(plan, family, mother, FamilyMember.Role.PARENT_CARER, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        self.member(plan, family, ex, FamilyMember.Role.SIGNIFICANT, started)
        self.lives_at(plan, ex, self.address(plan), self.ago(self.rng.randint(400, 3000)))
        incident = moved_in - timedelta(days=self.rng.randint(1, 10))
        witness = kids[0] if kids[0].date_of_birth <= incident else mother
        self.event(
            plan,
            witness,
            incident,
            C.DOMESTIC_ABUSE,
            "Police attended a domestic abuse incident at the family home; the children were present. "
            "Mother and children moved to refuge accommodation.",
            "police",
            ("police", "neighbourhood"),
            "Police",
        )
        return [mother], kids, ((kids[0], mother, ex) if self.years(kids[0]) >= 3 else None)

    def _kinship_care(self, plan, family, h, started):
        grandmother = self.adult(plan, h, Gender.FEMALE, age=(48, 68))
        grandfather = (
            self.adult(plan, h, Gender.MALE, age=(50, 72), last_name=grandmother.last_name)
            if self.chance(0.5)
            else None
        )
        mother_age = self.rng.randint(18, min(40, self.years(grandmother) - 17))
        mother = self.adult(
            plan,
            h,
            Gender.FEMALE,
            age=(mother_age, mother_age),
            last_name=grandmother.last_name,
            ethnicity=grandmother.ethnicity,
        )
        kids = self.children(
            plan, h, mother, count=self.rng.randint(1, 2), last_name=mother.last_name
        )
        carers = [grandmother] + ([grandfather] if grandfather else [])
        sgo = self.ago(self.rng.randint(60, 1000))
        for kid in kids:
            order_date = max(sgo, kid.date_of_birth)
            for carer in carers:
                self.relate(plan, carer, kid, Relationship.Kind.GRANDPARENT)
                self.relate(plan, carer, kid, Relationship.Kind.SPECIAL_GUARDIAN)
                self.pr(
                    plan, kid, carer, ParentalResponsibility.Basis.SPECIAL_GUARDIANSHIP, order_date
                )
        # The birth mother keeps parental responsibility and stays in the children's lives.
        self.parent_of(plan, mother, kids, ParentalResponsibility.Basis.BIRTH_MOTHER)
        self.relate(plan, grandmother, mother, Relationship.Kind.MOTHER)
        self.siblings(plan, kids)
        self.home(plan, family, "Grandparents' home", [*carers, *kids])
        self.lives_at(plan, mother, self.address(plan), self.ago(self.rng.randint(60, 1200)))
        for carer in carers:
            self.member(plan, family, carer, FamilyMember.Role.PARENT_CARER, started)
        for kid in kids:
            self.member(plan, family, kid, FamilyMember.Role.CHILD, started)
        self.member(plan, family, mother, FamilyMember.Role.SIGNIFICANT, started)
        self.event(
            plan,
            kids[0],
            max(sgo, kids[0].date_of_birth),
            C.FAMILY,
            "Special guardianship order made to grandparent(s).",
            None,
            (),
            "Family court",
        )
        older = [k for k in kids if self.years(k) >= 3]
        return carers, kids, ((older[0], mother, None) if older else None)

    def earlier_family(
        self,
        plan: FamilyPlan,
        current: Family,
        h: Heritage,
        child: Person,
        parent: Person,
        other: Person | None,
    ) -> None:
        """An earlier, closed family record holding the same child: its history follows them."""
        earlier = Family(
            id=self.uuid(),
            reference=self.reference(),
            name=f"{(other or parent).last_name} family",
            area_id=current.area_id,
        )
        plan.families.append(earlier)
        # Closed a year or two ago, so its events fall within the three-year chronology.
        ended = self.ago(self.rng.randint(450, 700))
        started = max(ended - timedelta(days=self.rng.randint(120, 350)), child.date_of_birth)
        pool = (
            self.area_teams[current.area_id]
            or self.roaming
            or self.all_es
            or [self.s.practitioner2_team]
        )
        self.link(plan, earlier, [self.rng.choice(pool)], started, ended)
        people = [parent] + ([other] if other else [])
        for adult in people:
            self.member(plan, earlier, adult, FamilyMember.Role.PARENT_CARER, started)
        self.member(plan, earlier, child, FamilyMember.Role.CHILD, started)
        # No address: where they lived then is already in each person's own address history.
        lived_from = started - timedelta(days=self.rng.randint(30, 700))
        self.household(plan, earlier, "Home (then)", None, [*people, child], lived_from)
        window = ((self.today - ended).days, (self.today - started).days)
        entries = [
            (
                C.WAS_NOT_BROUGHT,
                "Was not brought to two health appointments in a row.",
                "health",
                ("health visit", "0-19"),
                "Health",
            ),
            (
                C.POLICE,
                "Police called by a neighbour to shouting at the home; the child was present.",
                "police",
                ("police",),
                "Police",
            ),
            (
                C.SERVICE,
                "Family support offered during an earlier episode; the family stopped engaging.",
                "council",
                ("family",),
                "Family support",
            ),
        ]
        for category, summary, sector, keywords, fallback in self.rng.sample(
            entries, self.rng.randint(1, 3)
        ):
            day = self.ago(self.rng.randint(*window))
            if day >= child.date_of_birth:
                self.event(plan, child, day, category, summary, sector, keywords, fallback)


def plan_families(
    setting: Setting,
    *,
    families: int = DEFAULT_FAMILIES,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
) -> Iterator[FamilyPlan]:
    """Yield family plans until ``families`` family records (earlier ones included) are planned."""
    planner = _Planner(setting, seed, today or timezone.localdate())
    planned = 0
    while planned < families:
        plan = planner.plan(remaining=families - planned)
        planned += len(plan.families)
        yield plan


def plan_fingerprint(plans: Iterable[FamilyPlan]) -> str:
    """A hash of what identifies the plan: references, ids and names (dates depend on today)."""
    digest = hashlib.sha256()
    for plan in plans:
        for family in plan.families:
            digest.update(f"F|{family.id}|{family.reference}|{family.name}\n".encode())
        for person in plan.people:
            digest.update(
                f"P|{person.id}|{person.first_name}|{person.middle_names}|{person.last_name}\n".encode()
            )
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def confidential_addresses(plans: Iterable[FamilyPlan]) -> set[int]:
    """Addresses (by object identity: they have no primary key yet) that any link marks
    confidential — anyone's, or a household's — as ``people.selectors`` judges them."""
    flagged = set()
    for plan in plans:
        flagged |= {id(pa.address) for pa in plan.person_addresses if pa.is_confidential}
        flagged |= {id(h.address) for h in plan.households if h.is_confidential and h.address}
    return flagged


WRITE_ORDER = (
    ("families", Family),
    ("people", Person),
    ("other_names", PersonName),
    ("addresses", Address),
    ("person_addresses", PersonAddress),
    ("team_links", FamilyTeam),
    ("members", FamilyMember),
    ("households", Household),
    ("household_members", HouseholdMember),
    ("relationships", Relationship),
    ("parental_responsibility", ParentalResponsibility),
    ("professionals", ProfessionalInvolvement),
    ("chronology", ChronologyEntry),
)


def write_families(plans: list[FamilyPlan], counts: dict[str, int] | None = None) -> dict[str, int]:
    """Insert a batch of plans with bulk_create, search keys filled as the services would."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DemoSetupError(
            "This database cannot return ids from bulk inserts (SQLite 3.35+ or PostgreSQL)"
        )
    counts = counts if counts is not None else defaultdict(int)
    names_of: dict[uuid.UUID, list[PersonName]] = defaultdict(list)
    addresses_of: dict[uuid.UUID, list[PersonAddress]] = defaultdict(list)
    for plan in plans:
        for other in plan.other_names:
            names_of[other.person_id].append(other)
        for pa in plan.person_addresses:
            addresses_of[pa.person_id].append(pa)
    flagged = confidential_addresses(plans)
    for plan in plans:
        for person in plan.people:
            keys = person_search_keys(
                person,
                names_of[person.id],
                [pa.address for pa in addresses_of[person.id]],
                is_confidential=lambda address: id(address) in flagged,
            )
            person.search_names, person.search_phonetic, person.search_postcodes = keys
    batch = 2000 if connection.vendor == "postgresql" else None
    for attr, model in WRITE_ORDER:
        rows = [row for plan in plans for row in getattr(plan, attr)]
        if rows:
            model.objects.bulk_create(rows, batch_size=batch)
        counts[attr] += len(rows)
    return counts


def demo_families():
    return Family.objects.filter(reference__startswith=REFERENCE_PREFIX)


def demo_data_exists() -> bool:
    return demo_families().exists()


@dataclass
class SeedResult:
    created: bool
    counts: dict[str, int]
    users: int
    seconds: float
    # The panel set-up and case work added by this run (``demo.panel_and_casework``).
    extras: dict[str, int] = field(default_factory=dict)

    def extras_summary(self) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(self.extras.items()) if n)

    def summary(self) -> str:
        c = self.counts
        if not self.created:
            added = self.extras_summary()
            return (
                f"Demo data already present ({c.get('families', 0)} demo families, "
                f"{self.users} demo logins); "
                + (
                    f"added the missing panel set-up and case work: {added}."
                    if added
                    else "nothing changed."
                )
            )
        added = self.extras_summary()
        return (
            f"Demo data created in {self.seconds:.1f}s: {c['families']} families "
            f"({c.get('earlier_families', 0)} of them earlier records of a child's family), "
            f"{c['people']} people, {c['households']} households, {c['relationships']} relationships, "
            f"{c['professionals']} professionals, {c['chronology']} chronology entries, "
            f"{self.users} demo logins" + (f"; panel and case work: {added}." if added else ".")
        )


def _batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def seed_demo(
    *,
    families: int = DEFAULT_FAMILIES,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    batch_families: int = 500,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Load the demo logins and families, all or nothing; do nothing if they are already there."""
    began = time.monotonic()
    setting = load_setting()
    today = today or timezone.localdate()
    if demo_data_exists():
        # Families are never re-planned, but the panel set-up and case work are topped up, so
        # an installation seeded before they existed gets them (and a re-run adds nothing).
        extras = seed_panel_and_casework(seed=seed, today=today, password=DEMO_PASSWORD)
        return SeedResult(
            created=False,
            counts={"families": demo_families().count()},
            users=User.objects.filter(is_demo=True).count(),
            seconds=time.monotonic() - began,
            extras=extras,
        )
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        write_users(plan_users(setting, seed))
        done = 0
        for chunk in _batched(
            plan_families(setting, families=families, seed=seed, today=today), batch_families
        ):
            write_families(chunk, counts)
            counts["earlier_families"] += sum(len(p.families) - 1 for p in chunk)
            done += sum(len(p.families) for p in chunk)
            if progress:
                progress(done)
        # The load itself is on the audit trail (counts only, never personal data).
        audit_record(
            actor=None,
            action=Action.CREATE,
            target="demo.seed",
            detail={"families": counts["families"], "people": counts["people"], "seed": seed},
        )
        extras = seed_panel_and_casework(seed=seed, today=today, password=DEMO_PASSWORD)
    return SeedResult(
        created=True,
        counts=dict(counts),
        users=User.objects.filter(is_demo=True).count(),
        seconds=time.monotonic() - began,
        extras=extras,
    )
