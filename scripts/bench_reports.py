"""Benchmark of the partnership's reports at national scale (issue 13, Build 8). Not a test.

Builds a synthetic data set in its own PostgreSQL database (by default 1,000,000 people in
400,000 families, 300,000 episodes with their requests, triage, assessments, panel decisions,
allocations, meetings, contacts, reviews, neglect concerns and outcome scores), then times the
reports a strategic lead runs: the quarterly neglect booklet (contents, PDF and XLSX), a report card
for the whole partnership and for one area, and the dashboard. Each is run three times; the median
is printed and compared with the 5-second target.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/earlyhelp_bench \\
        .venv/bin/python scripts/bench_reports.py [--people 1000000] [--episodes 300000]

The database is created if missing and built once: a second run with the same sizes only times.
``--rebuild`` starts again. Everything is made by SQL (``INSERT … SELECT`` over
``generate_series``), so building takes minutes, not hours; the names are fixed synthetic words.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 5.0


def say(*parts, flush: bool = True) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    if flush:
        sys.stdout.flush()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--episodes", type=int, default=300_000)
    parser.add_argument("--rebuild", action="store_true", help="drop the data and build it again")
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (its own: it is filled with data).")
    _ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earlyhelp.settings")
    import django

    django.setup()


# ------------------------------------------------------------------------------------ building


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literal(field) -> str:
    """SQL for a NOT NULL column nobody gave a value: the field's default, or an empty value."""
    import json

    from django.db import models

    if isinstance(field, models.UUIDField):
        return "gen_random_uuid()"
    if isinstance(field, models.DateTimeField):
        return "now()"
    if isinstance(field, models.DateField):
        return "current_date"
    if field.has_default():
        default = field.get_default()
        if isinstance(field, models.JSONField):
            return _quote(json.dumps(default)) + "::jsonb"
        if isinstance(default, bool):
            return "true" if default else "false"
        if isinstance(default, int):
            return str(default)
        return _quote(str(default))
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return "0"
    if isinstance(field, models.CharField | models.TextField):
        return "''"
    raise ValueError(f"{field.model.__name__}.{field.name}: give it a value")


def insert_select(model, source: str, values: dict[str, str]) -> int:
    """``INSERT INTO model (…) SELECT … FROM source``: the given SQL for the named fields, NULL
    for nullable ones, the default or an empty value for the rest. Returns the rows made."""
    from django.db import connection, models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.name in values:
            expression = values[field.name]
        elif isinstance(field, models.AutoField) or field.null:
            continue
        elif field.is_relation:
            raise ValueError(f"{model.__name__}.{field.name}: give it a value")
        else:
            expression = _literal(field)
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)  # no parameters: '%' is SQL's modulo here
        return cursor.rowcount


def _sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else cursor.rowcount


def _step(label: str, action) -> None:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        made = action()
    say(f"  {label}: {made:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


FIRST_NAMES = (
    "Amelia Oliver Isla George Ava Noah Mia Arthur Ivy Leo Freya Oscar Lily Harry Ella Jack Grace "
    "Charlie Evie Theo"
)
LAST_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke"
)
FIRST = f"string_to_array('{FIRST_NAMES}', ' ')"
LAST = f"string_to_array('{LAST_NAMES}', ' ')"


def _ids(name: str, count: int) -> int:
    """An unlogged table of ``count`` numbered uuids, to join the tables made from it."""
    _sql(f"DROP TABLE IF EXISTS {name}")
    _sql(
        f"CREATE UNLOGGED TABLE {name} AS SELECT g, gen_random_uuid() AS id "
        f"FROM generate_series(1, {count}) g"
    )
    _sql(f"CREATE UNIQUE INDEX ON {name} (g)")
    return count


def build(people: int, episodes: int) -> None:
    """The data set, one transaction per table. Every date counts back from today, over three
    years, so every quarter a report asks about has data; each family's first child is the one
    the records are mostly about."""
    from django.core.management import call_command

    from accounts.models import User
    from assessments.models import Assessment, AssessmentChild, AssessmentSection, PanelReferral
    from casework.models import Contact, Episode, FamilyPlan, PlanOutcome, PlanReview, TafMeeting
    from core.models import Agency, Area, NeedLevel, Team
    from neglect.models import NeglectConcern, NeglectObservation
    from outcomes.models import OutcomeScore
    from panel.models import LeadProfessionalAllocation, Panel, PanelCase, PanelDecision
    from people.models import Family, FamilyMember, Person
    from support_requests.models import SupportRequest, SupportRequestChild, Triage

    families = max(1, int(people / 2.5))
    requests = int(episodes * 1.2)
    # About 15 episodes each over three years, so a caseload is a few open at once, as in life.
    workers = max(20, episodes // 15)
    say(
        f"Building {people:,} people in {families:,} families, {requests:,} requests and "
        f"{episodes:,} episodes …",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    call_command("load_council_pack", str(ROOT / "config_packs" / "kirklees.yaml"), verbosity=0)
    area_ids = list(Area.objects.order_by("pk").values_list("pk", flat=True))
    teams = list(Team.objects.order_by("pk").values_list("pk", "agency_id"))
    panel_id = Panel.objects.order_by("pk").values_list("pk", flat=True).first()
    agency_id = Agency.objects.order_by("pk").values_list("pk", flat=True).first()
    need_level_id = NeedLevel.objects.order_by("level").values_list("pk", flat=True).last()

    def area(g: str) -> str:
        return f"(ARRAY{area_ids})[1 + ({g} % {len(area_ids)})]"

    def worker(g: str) -> str:
        return f"(SELECT id FROM b_workers w WHERE w.n = 1 + ({g} % {workers}))"

    _step(
        "ids",
        lambda: (
            _ids("b_people", people)
            + _ids("b_families", families)
            + _ids("b_requests", requests)
            + _ids("b_episodes", episodes)
        ),
    )
    _step(
        "workers",
        lambda: insert_select(
            User,
            f"generate_series(1, {workers}) g",
            {
                "username": "'bench-worker-' || g",
                "password": "'!'",
                "first_name": f"({FIRST})[1 + g % 20]",
                "last_name": f"({LAST})[1 + (g / 20) % 20]",
                "team": f"(ARRAY{[t for t, _ in teams]})[1 + g % {len(teams)}]",
                "agency": f"(ARRAY{[a for _, a in teams]})[1 + g % {len(teams)}]",
                "is_active": "true",
            },
        ),
    )
    _sql("DROP TABLE IF EXISTS b_workers")
    _sql(
        "CREATE UNLOGGED TABLE b_workers AS SELECT row_number() OVER (ORDER BY id) AS n, id, "
        "team_id, agency_id FROM accounts_user WHERE username LIKE 'bench-worker-%'"
    )
    _sql("CREATE UNIQUE INDEX ON b_workers (n)")
    _step(
        "families",
        lambda: insert_select(
            Family,
            "b_families f",
            {
                "id": "f.id",
                "reference": "'BEN' || lpad(f.g::text, 8, '0')",
                "name": f"({LAST})[1 + f.g % 20] || ' family'",
                "area": area("f.g"),
            },
        ),
    )
    # Two in five are adults; children are born over the last 18 years.
    _step(
        "people",
        lambda: insert_select(
            Person,
            "b_people p",
            {
                "id": "p.id",
                "kind": "CASE WHEN p.g % 5 < 2 THEN 'adult' ELSE 'child' END",
                "first_name": f"({FIRST})[1 + p.g % 20]",
                "last_name": f"({LAST})[1 + (p.g / 20) % 20]",
                "date_of_birth": "CASE WHEN p.g % 5 < 2 THEN current_date - (7000 + p.g % 12000) "
                "ELSE current_date - ((p.g::bigint * 7919) % 6570)::int END",
            },
        ),
    )
    _step(
        "family members",
        lambda: insert_select(
            FamilyMember,
            f"b_people p JOIN b_families f ON f.g = 1 + (p.g - 1) % {families}",
            {
                "family": "f.id",
                "person": "p.id",
                "role": "CASE WHEN p.g % 5 < 2 THEN 'parent_carer' ELSE 'child' END",
            },
        ),
    )
    # Each family's first child (the lowest person number among its children).
    _sql("DROP TABLE IF EXISTS b_first_child")
    _sql(
        f"CREATE UNLOGGED TABLE b_first_child AS SELECT DISTINCT ON (1 + (p.g - 1) % {families}) "
        f"1 + (p.g - 1) % {families} AS family_g, p.id AS person_id FROM b_people p "
        f"WHERE p.g % 5 >= 2 ORDER BY 1 + (p.g - 1) % {families}, p.g"
    )
    _sql("CREATE UNIQUE INDEX ON b_first_child (family_g)")
    # Requests spread over three years; families chosen so some have more than one (repeats).
    family_of_request = f"1 + (r.g * 7 - 1) % {families}"
    _step(
        "requests",
        lambda: insert_select(
            SupportRequest,
            f"b_requests r JOIN b_families f ON f.g = {family_of_request}",
            {
                "id": "r.id",
                "reference": "'BR' || lpad(r.g::text, 9, '0')",
                "source": "'practitioner'",
                "status": "CASE WHEN r.g <= "
                + str(episodes)
                + " THEN 'lead_professional_allocated' "
                "ELSE 'signposted' END",
                "area": area("f.g"),
                "family": "f.id",
                "requester": worker("r.g"),
                "created_at": "now() - make_interval(days => 40 + (r.g * 37) % 1095)",
                "updated_at": "now()",
            },
        ),
    )
    _step(
        "request children",
        lambda: insert_select(
            SupportRequestChild,
            f"b_requests r JOIN b_first_child c ON c.family_g = {family_of_request} "
            "JOIN people_person p ON p.id = c.person_id",
            {
                "support_request": "r.id",
                "position": "1",
                "first_name": "p.first_name",
                "date_of_birth": "p.date_of_birth",
            },
        ),
    )
    _step(
        "triage",
        lambda: insert_select(
            Triage,
            "b_requests r JOIN support_requests_supportrequest s ON s.id = r.id",
            {
                "support_request": "r.id",
                "decision": f"CASE WHEN r.g <= {episodes} THEN 'assessment' ELSE 'signpost' END",
                "decided_at": "s.created_at + make_interval(days => r.g % 9)",
                "decided_by": worker("r.g"),
                "updated_by": worker("r.g"),
                "updated_at": "s.created_at",
            },
        ),
    )
    # One assessment, panel case, decision, allocation and episode for each of the first
    # ``episodes`` requests (episode g comes from request g).
    chain = (
        f"b_episodes e JOIN b_requests r ON r.g = e.g "
        f"JOIN support_requests_supportrequest s ON s.id = r.id "
        f"JOIN support_requests_triage t ON t.support_request_id = s.id "
        f"JOIN b_workers w ON w.n = 1 + (e.g % {workers})"
    )
    _step(
        "assessments",
        lambda: insert_select(
            Assessment,
            chain,
            {
                "id": "e.id",
                "family": "s.family_id",
                "support_request": "s.id",
                "number": "e.g % 30000 + 1",
                "status": "'completed'",
                "worker": "w.id",
                "worker_agency": "w.agency_id",
                "worker_team": "w.team_id",
                "worker_role": "'Family support worker'",
                "decision": "'taf'",
                "submitted_at": "t.decided_at + make_interval(days => 10 + e.g % 20)",
                "completed_at": "t.decided_at + make_interval(days => 12 + e.g % 20)",
                "created_at": "t.decided_at",
                "updated_at": "t.decided_at",
            },
        ),
    )
    _step(
        "assessment children",
        lambda: insert_select(
            AssessmentChild,
            f"b_episodes e JOIN b_requests r ON r.g = e.g "
            f"JOIN b_first_child c ON c.family_g = {family_of_request}",
            {"assessment": "e.id", "person": "c.person_id", "position": "1"},
        ),
    )
    _step(
        "children's sections",
        lambda: insert_select(
            AssessmentSection,
            "assessments_assessmentchild c JOIN b_episodes e ON e.id = c.assessment_id",
            {
                "assessment": "c.assessment_id",
                "child": "c.id",
                "key": "'child_views'",
                "answers": "jsonb_build_object('seen_alone', CASE WHEN e.g % 4 = 0 THEN 'no' "
                "ELSE 'yes' END)",
                "status": "'completed'",
                "updated_at": "now()",
                "updated_by": worker("e.g"),
            },
        ),
    )
    _step(
        "panel referrals",
        lambda: insert_select(
            PanelReferral,
            "b_episodes e JOIN assessments_assessment a ON a.id = e.id",
            {
                "assessment": "a.id",
                "family": "a.family_id",
                "presenting_reason": "'Synthetic referral'",
                "consent_basis": "'consent'",
                "submitted_by": "a.worker_id",
                "submitted_at": "a.completed_at + interval '1 day'",
            },
        ),
    )
    _step(
        "panel cases",
        lambda: insert_select(
            PanelCase,
            "assessments_panelreferral p JOIN b_episodes e ON e.id = p.assessment_id",
            {
                "referral": "p.id",
                "panel": str(panel_id),
                "esmap_number": "'B' || e.g",
                "year": "2000",
                "sequence": "e.g",
                "logged_by": "p.submitted_by_id",
                "logged_at": "p.submitted_at",
                "status": "'allocated'",
                "updated_at": "p.submitted_at",
            },
        ),
    )
    case_chain = (
        "panel_panelcase c JOIN assessments_panelreferral p ON p.id = c.referral_id "
        "JOIN b_episodes e ON e.id = p.assessment_id"
    )
    _step(
        "panel decisions",
        lambda: insert_select(
            PanelDecision,
            case_chain,
            {
                "case": "c.id",
                "kind": "'lead_agency'",
                "lead_agency": str(agency_id),
                "decided_by": "p.submitted_by_id",
                "decided_at": "p.submitted_at + make_interval(days => 5 + e.g % 25)",
            },
        ),
    )
    _step(
        "allocations",
        lambda: insert_select(
            LeadProfessionalAllocation,
            case_chain + " JOIN panel_paneldecision d ON d.case_id = c.id "
            f"JOIN b_workers w ON w.n = 1 + (e.g * 3 % {workers})",
            {
                "case": "c.id",
                "agency": "w.agency_id",
                "lead_professional": "w.id",
                "allocated_by": "d.decided_by_id",
                "allocated_at": "d.decided_at + make_interval(days => e.g % 8)",
            },
        ),
    )
    # Seven in ten closed after 3 to 13 months, one in twenty stepped up; the rest open.
    ends = "(l.allocated_at::date + 90 + e.g % 300)"
    _step(
        "episodes",
        lambda: insert_select(
            Episode,
            case_chain + " JOIN panel_leadprofessionalallocation l ON l.case_id = c.id",
            {
                "id": "e.id",
                "family": "p.family_id",
                "panel_case": "c.id",
                "assessment": "p.assessment_id",
                "need_level": str(need_level_id),
                "lead_agency": "l.agency_id",
                "lead_professional": "l.lead_professional_id",
                "status": f"CASE WHEN {ends} >= current_date THEN 'open' "
                "WHEN e.g % 20 = 0 THEN 'stepped_up' WHEN e.g % 10 < 7 THEN 'closed' ELSE 'open' END",
                "ended_on": f"CASE WHEN {ends} >= current_date THEN NULL "
                f"WHEN e.g % 20 = 0 OR e.g % 10 < 7 THEN {ends} END",
                "end_reason": f"CASE WHEN {ends} >= current_date THEN '' "
                "WHEN e.g % 20 = 0 THEN 'step_up' WHEN e.g % 10 < 7 THEN 'needs_met' ELSE '' END",
                "started_on": "l.allocated_at::date",
                "created_at": "l.allocated_at",
            },
        ),
    )
    episode = "casework_episode ep JOIN b_episodes e ON e.id = ep.id"
    _step(
        "first TAF meetings",
        lambda: insert_select(
            TafMeeting,
            episode + " WHERE ep.started_on + 5 + e.g % 30 <= coalesce(ep.ended_on, current_date)",
            {
                "episode": "ep.id",
                "held_on": "ep.started_on + 5 + e.g % 30",
                "lead_professional_attended": "true",
                "child_views": "'Synthetic words of the child'",
                "recorded_by": "ep.lead_professional_id",
                "recorded_at": "now()",
            },
        ),
    )
    _step(
        "plans",
        lambda: insert_select(
            FamilyPlan,
            episode,
            {"episode": "ep.id", "updated_by": "ep.lead_professional_id", "updated_at": "now()"},
        ),
    )
    _step(
        "plan outcomes",
        lambda: insert_select(
            PlanOutcome,
            "casework_familyplan fp CROSS JOIN generate_series(1, 2) n",
            {"plan": "fp.id", "position": "n", "need": "'Synthetic need ' || n"},
        ),
    )
    _step(
        "reviews",
        lambda: insert_select(
            PlanReview,
            episode + " WHERE ep.started_on + 42 <= coalesce(ep.ended_on, current_date)",
            {
                "episode": "ep.id",
                "due_on": "ep.started_on + 42",
                "held_on": "ep.started_on + 38 + e.g % 9",
                "children_views": "CASE WHEN e.g % 3 = 0 THEN '{}'::jsonb ELSE "
                "jsonb_build_object('child', 'Synthetic views') END",
                "recorded_by": "ep.lead_professional_id",
            },
        ),
    )
    # Eight contacts an episode, about one a fortnight; every fifth a missed appointment.
    _step(
        "contacts",
        lambda: insert_select(
            Contact,
            episode + " CROSS JOIN generate_series(1, 8) n "
            "WHERE ep.started_on + 14 * n <= coalesce(ep.ended_on, current_date)",
            {
                "episode": "ep.id",
                "happened_on": "ep.started_on + 14 * n",
                "kind": "CASE WHEN n % 5 = 0 THEN 'was_not_brought' WHEN n % 3 = 0 THEN 'phone' "
                "ELSE 'home_visit' END",
                "appointment": "CASE WHEN n % 5 = 0 THEN 'Health visitor check' ELSE '' END",
                "recorded_by": "ep.lead_professional_id",
                "recorded_at": "now()",
            },
        ),
    )
    child_of_episode = (
        "casework_contact ct JOIN casework_episode ep ON ep.id = ct.episode_id "
        "JOIN b_episodes e ON e.id = ep.id JOIN b_requests r ON r.g = e.g "
        f"JOIN b_first_child c ON c.family_g = {family_of_request}"
    )
    _step(
        "children seen",
        lambda: _sql(
            "INSERT INTO casework_contact_seen (contact_id, person_id) SELECT ct.id, c.person_id "
            f"FROM {child_of_episode} WHERE ct.kind = 'home_visit'"
        ),
    )
    _step(
        "children not brought",
        lambda: _sql(
            "INSERT INTO casework_contact_not_brought (contact_id, person_id) "
            f"SELECT ct.id, c.person_id FROM {child_of_episode} WHERE ct.kind = 'was_not_brought'"
        ),
    )
    # A neglect concern for one child in three of the families with an episode.
    _step(
        "neglect concerns",
        lambda: insert_select(
            NeglectConcern,
            f"(SELECT DISTINCT ON (c.person_id) e.g, ep.id AS episode_id, ep.family_id, "
            f"ep.started_on, ep.lead_professional_id, c.person_id FROM {episode} "
            f"JOIN b_requests r ON r.g = e.g JOIN b_first_child c ON c.family_g = {family_of_request} "
            f"WHERE e.g % 3 = 0 ORDER BY c.person_id, ep.started_on DESC) x "
            f"JOIN b_workers w ON w.id = x.lead_professional_id",
            {
                "child": "x.person_id",
                "family": "x.family_id",
                "episode": "x.episode_id",
                "source": "'episode'",
                "identified_on": "x.started_on + x.g % 20",
                "lived_experience": "'Synthetic lived experience'",
                "status": "'current'",
                "recorded_by": "x.lead_professional_id",
                "recorded_by_team": "w.team_id",
                "recorded_by_agency": "w.agency_id",
                "recorded_at": "now()",
                "updated_at": "now()",
            },
        ),
    )
    _step(
        "neglect observations",
        lambda: insert_select(
            NeglectObservation,
            "neglect_neglectconcern nc",
            {
                "concern": "nc.id",
                "category": "(ARRAY['medical','nutritional','emotional','educational','physical',"
                "'supervision'])[1 + abs(hashtext(nc.id::text)) % 6]",
                "seen": "'Synthetic observation'",
                "seen_by": "'Lead professional'",
                "seen_on": "nc.identified_on",
                "recorded_by": "nc.recorded_by_id",
                "recorded_at": "now()",
            },
        ),
    )
    # A baseline for every plan outcome; a closure score for those of ended episodes.
    scored = (
        "casework_planoutcome po JOIN casework_familyplan fp ON fp.id = po.plan_id "
        "JOIN casework_episode ep ON ep.id = fp.episode_id"
    )
    _step(
        "baseline scores",
        lambda: insert_select(
            OutcomeScore,
            scored,
            {
                "episode": "ep.id",
                "plan_outcome": "po.id",
                "kind": "'baseline'",
                "score": "2 + po.id % 3",
                "evidence_what": "'Synthetic evidence'",
                "evidence_source": "'Plan review'",
                "evidence_on": "ep.started_on",
                "recorded_by": "ep.lead_professional_id",
                "recorded_at": "now()",
            },
        ),
    )
    _step(
        "closure scores",
        lambda: insert_select(
            OutcomeScore,
            scored + " WHERE ep.ended_on IS NOT NULL",
            {
                "episode": "ep.id",
                "plan_outcome": "po.id",
                "kind": "'closure'",
                "score": "1 + po.id % 9",
                "evidence_what": "'Synthetic evidence'",
                "evidence_source": "'Closure'",
                "evidence_on": "ep.ended_on",
                "recorded_by": "ep.lead_professional_id",
                "recorded_at": "now()",
            },
        ),
    )
    _sql("ANALYZE")


def _built(people: int, episodes: int) -> bool:
    from casework.models import Episode
    from people.models import Person

    return Person.objects.count() >= people and Episode.objects.count() >= episodes


def _drop() -> None:
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


# ------------------------------------------------------------------------------------- timing


def _time(label: str, run, runs: int) -> tuple[str, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    say(
        f"  {label}: median {median:.2f} s of {runs} runs "
        f"({', '.join(f'{t:.2f}' for t in timings)}) — {verdict} the {TARGET_SECONDS:.0f} s target",
        flush=True,
    )
    return label, median


def measure(runs: int) -> list[tuple[str, float]]:
    """Each report worked out cold (nothing kept: every figure from the records), the nightly job
    that keeps the standard figures, then each report as a reader opens it after that job."""
    from core.models import Area
    from reporting import booklet, dashboard, figures, report_cards
    from reporting.indicators import Period, Slice
    from reporting.models import Figure
    from reporting.settings import reporting_settings

    today = date.today()
    quarter = (today.month - 1) // 3  # the last complete quarter
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    period = Period.quarter(year, quarter)
    area = Area.objects.order_by("pk").first()

    def cold(run):
        def forgetting():
            Figure.objects.all().delete()
            run()

        return forgetting

    reports = [
        ("Neglect booklet: contents", lambda: booklet.booklet_contents(year, quarter, fresh=False)),
        ("Neglect booklet: contents, PDF and XLSX", lambda: _booklet_files(booklet, year, quarter)),
        ("Report card: the partnership", lambda: report_cards.report_card(period, Slice())),
        ("Report card: one area", lambda: report_cards.report_card(period, Slice(area=area))),
        ("Dashboard: the partnership", lambda: dashboard.dashboard(period, Slice())),
    ]
    say(f"Timing the reports for {period.label}, worked out cold (nothing kept) …", flush=True)
    results = [_time(f"{label}, cold", cold(run), runs) for label, run in reports]
    say("The nightly job: every indicator, the standard periods, the partnership and each area")
    Figure.objects.all().delete()
    small_number = reporting_settings().small_number
    started = time.perf_counter()
    figures.refresh_standard(slices=figures.standard_slices(), small_number=small_number)
    say(f"  took {time.perf_counter() - started:.0f} s", flush=True)
    say("The same reports after the nightly job …", flush=True)
    results += [_time(f"{label}, after the nightly job", run, runs) for label, run in reports]
    return results


def _booklet_files(booklet, year: int, quarter: int) -> None:
    contents = booklet.booklet_contents(year, quarter, fresh=False)
    booklet.booklet_pdf(contents, "", draft=True)
    booklet.booklet_xlsx(contents, "")


def main() -> None:
    arguments = _arguments()
    _setup()
    if arguments.rebuild:
        _drop()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a new database has no tables to count yet
    started = time.perf_counter()
    if not _built(arguments.people, arguments.episodes):
        if _any_data():
            sys.exit("The database holds other data: use --rebuild, or another database.")
        build(arguments.people, arguments.episodes)
        say(f"Built in {time.perf_counter() - started:.0f} s", flush=True)
    _report_sizes()
    measure(arguments.runs)


def _any_data() -> bool:
    from people.models import Person

    return Person.objects.exists()


def _report_sizes() -> None:
    rows = _sql(
        "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN ("
        "'people_person', 'people_family', 'support_requests_supportrequest', "
        "'assessments_assessment', 'casework_episode', 'casework_contact', "
        "'neglect_neglectconcern', 'outcomes_outcomescore') ORDER BY relname"
    )
    say("Rows: " + ", ".join(f"{name} {count:,}" for name, count in rows), flush=True)


if __name__ == "__main__":
    main()
