"""``manage.py fuzz_ids USERNAME``: real record ids in USERNAME's scope, as JSON, for the API fuzz.

    python manage.py fuzz_ids team.leader [--limit 6]
    python manage.py fuzz_ids team.leader --schemathesis-config   # as a schemathesis.toml

``scripts/api_fuzz.sh`` feeds these to schemathesis so generated requests reach real records instead
of 404ing on random UUIDs. The ids come from the same scoped selectors the API uses, so each one is
a record the user may open (plus staff and reference-data ids for request bodies that name them).
Output is ids only: never a name or anything else about a person.
Demo mode only, like ``seed_demo``: it is a testing aid, not something to run on live data.
"""

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from assessments import selectors as assessment_selectors
from assessments.sections import SECTIONS
from casework import selectors as casework_selectors
from casework.models import PlanOutcome
from consent import selectors as consent_selectors
from core.models import Agency, Area, NeedLevel
from neglect import selectors as neglect_selectors
from oversight import selectors as oversight_selectors
from panel import selectors as panel_selectors
from panel.models import PanelSeatMember
from patterns import selectors as pattern_selectors
from people import selectors as people_selectors
from radar import selectors as radar_selectors
from risk_factors import selectors as risk_factor_selectors
from support_requests import selectors as request_selectors

DEFAULT_LIMIT = 6

# The first path segment after /api/v1/ names the record type its path ids belong to.
RECORD_TYPES = {
    "assessments": "assessments",
    "child-injuries": "children",
    "disguised-compliance": "disguised_compliance",
    "episode-repeats": "episodes",
    "support-request-repeats": "support_requests",
    "consent-decisions": "consent_decisions",
    "consent-overrides": "consent_overrides",
    "episode-plans": "episodes",
    "episodes": "episodes",
    "escalations": "escalations",
    "families": "families",
    "my-support-requests": "my_support_requests",
    "neglect-concerns": "neglect_concerns",
    "panel-cases": "panel_cases",
    "panel-meetings": "panel_meetings",
    "panels": "panels",
    "people": "people",
    "radar": "radar_flags",
    "risk-factors": "risk_factors",
    "support-requests": "support_requests",
    "supervision-actions": "supervision_actions",
    "supervisions": "supervisions",
}
# Request-body fields naming another record, and the list of ids (a dictionary) to draw them from.
BODY_DICTIONARIES = {
    "family": "families",
    # A neglect concern's child, and the concern a graded-care result belongs to.
    "child": "people",
    "concern": "neglect_concerns",
    "lead_professional": "staff",
    "user": "staff",
    "need_level": "need_levels",
    "lead_agency": "agencies",
    "area": "areas",
    "outcome_id": "plan_outcomes",
    "episode": "episodes",
}
# Chance that an optional ?family= filter, or a body field above, gets a real id rather than a
# generated value (which exercises the "no such record" answers).
REAL_VALUE_PROBABILITY = 0.5


def _ids(queryset, limit: int) -> list[str]:
    return [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)[:limit]]


def fuzz_ids(user: User, *, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """Up to ``limit`` in-scope ids per record type (strings, as they appear in URLs)."""
    meetings = list(panel_selectors.meetings_for(user).order_by("pk"))
    # Meetings whose pack the user has a part in come first: they reach the agenda and decisions.
    with_pack = [m for m in meetings if panel_selectors.pack_access(user, m) is not None]
    meetings = (with_pack + [m for m in meetings if m not in with_pack])[:limit]
    case_ids = set(panel_selectors.cases_for(user).values_list("pk", flat=True)[: limit * 4])
    for meeting in with_pack:
        case_ids.update(panel_selectors.cases_for_meeting(meeting).values_list("pk", flat=True))
    assessments = assessment_selectors.assessments_for(user).order_by("pk")
    per_child_keys = [section.key for section in SECTIONS if section.per_child]
    assessment_children = []
    for assessment in assessments.prefetch_related("children")[: limit * 4]:
        child = next(iter(assessment.children.all()), None)
        if child is not None:
            assessment_children.append({"id": str(assessment.pk), "child_id": str(child.pk)})
        if len(assessment_children) >= limit:
            break
    panels = panel_selectors.panels_with_seats(user)
    staff = {user.pk}
    if user.team_id is not None:
        colleagues = User.objects.filter(team_id=user.team_id, is_active=True)
        staff.update(colleagues.order_by("pk").values_list("pk", flat=True)[:limit])
    members = PanelSeatMember.objects.filter(seat__panel__in=panels).order_by("pk")
    staff.update(members.values_list("user_id", flat=True)[:limit])
    return {
        # Staff and reference data, for request bodies that name them (integers, as in the bodies).
        "staff": sorted(staff)[: limit * 2],
        "need_levels": list(NeedLevel.objects.order_by("pk").values_list("pk", flat=True)[:limit]),
        "agencies": list(Agency.objects.order_by("pk").values_list("pk", flat=True)[:limit]),
        "areas": list(Area.objects.order_by("pk").values_list("pk", flat=True)[:limit]),
        "plan_outcomes": list(
            PlanOutcome.objects.filter(plan__episode__in=casework_selectors.episodes_for(user))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        ),
        "families": _ids(people_selectors.family_list(user), limit),
        "people": _ids(people_selectors.people_for(user), limit),
        "episodes": _ids(casework_selectors.episodes_for(user), limit),
        "assessments": _ids(assessments, limit),
        "assessment_children": assessment_children,
        "section_keys": [section.key for section in SECTIONS if not section.per_child],
        "per_child_section_keys": per_child_keys,
        "support_requests": _ids(request_selectors.requests_for(user), limit),
        "my_support_requests": _ids(request_selectors.my_requests(user), limit),
        "consent_decisions": _ids(consent_selectors.decisions_for(user), limit),
        "consent_overrides": _ids(consent_selectors.overrides_for(user), limit),
        "panels": _ids(panels, limit),
        "panel_meetings": [str(m.pk) for m in meetings],
        "panel_cases": [str(pk) for pk in sorted(case_ids)[:limit]],
        "radar_flags": _ids(radar_selectors.flags_for(user), limit),
        "risk_factors": _ids(risk_factor_selectors.factors_for(user), limit),
        "supervisions": _ids(oversight_selectors.supervisions_for(user), limit),
        "supervision_actions": _ids(oversight_selectors.supervision_actions_for(user), limit),
        "escalations": _ids(oversight_selectors.escalations_for(user), limit),
        "neglect_concerns": _ids(neglect_selectors.concerns_for(user), limit),
        "disguised_compliance": _ids(pattern_selectors.records_for(user), limit),
        "children": _ids(pattern_selectors.children_for(user), limit),
    }


def _body_fields(schema: dict, operation: dict) -> set[str]:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    while "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return set(body.get("properties", {}))


def _operations(schema: dict) -> list[tuple[str, str, list[dict], set[str]]]:
    rows = []
    for path, item in schema["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                parameters = operation.get("parameters", [])
                body_fields = _body_fields(schema, operation)
                rows.append((path, operation["operationId"], parameters, body_fields))
    return rows


def _toml(value: Any) -> str:
    # JSON strings, numbers and flat lists are valid TOML values.
    return json.dumps(value, ensure_ascii=True)


def schemathesis_config(ids: dict[str, Any], schema: dict) -> str:
    """A schemathesis.toml fixing each operation's path ids (and ``family`` filter) to real records.

    Operations of one record type take turns through its ids, so between them they touch several
    records in different states. A record type with no ids in scope is left to generated values.
    """
    lines = ["# Generated by manage.py fuzz_ids for scripts/api_fuzz.sh.", ""]
    for dictionary in sorted(set(BODY_DICTIONARIES.values())):
        if ids[dictionary]:
            lines += [f"[dictionaries.{dictionary}]", f"values = {_toml(ids[dictionary])}", ""]
    turn: dict[str, int] = {}
    for path, operation_id, parameters, body_fields in _operations(schema):
        names = {(p["in"], p["name"]): p for p in parameters}
        chosen: dict[str, Any] = {}
        segment = path.removeprefix("/api/v1/").split("/", 1)[0]
        record_type = RECORD_TYPES.get(segment)
        if ("path", "child_id") in names:
            pairs = ids["assessment_children"]
            if pairs:
                pair = pairs[turn.setdefault("assessment_children", 0) % len(pairs)]
                turn["assessment_children"] += 1
                chosen["path.id"] = pair["id"]
                chosen["path.child_id"] = pair["child_id"]
            if ("path", "key") in names and ids["per_child_section_keys"]:
                chosen["path.key"] = ids["per_child_section_keys"][0]
        else:
            for name in ("id", "episode_id"):
                values = ids.get(record_type or "", [])
                if ("path", name) in names and values:
                    chosen[f"path.{name}"] = values[turn.setdefault(record_type, 0) % len(values)]
                    turn[record_type] += 1
            if ("path", "key") in names and ids["section_keys"]:
                keys = ids["section_keys"]
                chosen["path.key"] = keys[turn.setdefault("section_keys", 0) % len(keys)]
                turn["section_keys"] += 1
        family = names.get(("query", "family"))
        if family is not None and ids["families"]:
            if family.get("required"):
                chosen["query.family"] = ids["families"][0]
            else:
                chosen["query.family"] = {
                    "dictionary": "families",
                    "probability": REAL_VALUE_PROBABILITY,
                }
        # A list of one episode's records (disguised compliance) names the episode in the query.
        if ("query", "episode") in names and ids["episodes"]:
            chosen["query.episode"] = ids["episodes"][0]
        for field in sorted(body_fields & set(BODY_DICTIONARIES)):
            if ids[BODY_DICTIONARIES[field]]:
                chosen[f"body.{field}"] = {
                    "dictionary": BODY_DICTIONARIES[field],
                    "probability": REAL_VALUE_PROBABILITY,
                }
        if not chosen:
            continue
        values = ", ".join(
            f"{_toml(key)} = "
            + (
                f"{{ dictionary = {_toml(value['dictionary'])}, "
                f"probability = {value['probability']} }}"
                if isinstance(value, dict)
                else _toml(value)
            )
            for key, value in chosen.items()
        )
        lines += [
            "[[operations]]",
            f"include-operation-id = {_toml(operation_id)}",
            f"parameters = {{ {values} }}",
            "",
        ]
    return "\n".join(lines)


def api_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


class Command(BaseCommand):
    help = (
        "Print, as JSON, real record ids in a user's scope (for scripts/api_fuzz.sh). "
        "Demo mode only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="ids per record type")
        parser.add_argument(
            "--schemathesis-config",
            action="store_true",
            help="print a schemathesis.toml that fixes each operation's ids instead of the JSON",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("fuzz_ids is for demo data only: set DEMO_MODE=true.")
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError("No active user with that username.") from error
        ids = fuzz_ids(user, limit=max(1, options["limit"]))
        if options["schemathesis_config"]:
            self.stdout.write(schemathesis_config(ids, api_schema()))
        else:
            self.stdout.write(json.dumps(ids, indent=1))
