"""A flag's reasons in words, rendered from its facts when shown (never stored): which rule,
which facts, since when. The child's name comes from the record at the time of reading, so a
corrected name is shown corrected and the flag itself holds no words about anyone.
"""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import format as format_date

from casework.models import Episode
from core.clock import add_months
from radar.models import RadarFlag, RuleCode


def _date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "j F Y")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _since(value: str | None, today: date) -> int:
    return (today - date.fromisoformat(value)).days if value else 0


def _months_between(start: date, today: date) -> int:
    months = (today.year - start.year) * 12 + today.month - start.month
    if add_months(start, months) > today:
        months -= 1
    return max(months, 0)


def _child(flag: RadarFlag) -> str:
    child = flag.child
    if child is None:
        return "the child"
    return child.first_name or child.full_name


def reasons(flag: RadarFlag, today: date) -> str:
    """The flag's reasons in one sentence, e.g. "No one has seen Amy for 35 days (the rule: 28
    days; last seen 3 October 2026)"."""
    f = flag.facts or {}
    threshold = f.get("threshold", 0)
    code = flag.rule
    if code == RuleCode.NO_CONTACT_WITH_CHILD:
        seen = f.get("last_seen")
        start = seen or f.get("episode_started")
        since = (
            f"last seen {_date(seen)}"
            if seen
            else (f"not seen since the episode started on {_date(start)}")
        )
        return (
            f"No one has seen {_child(flag)} for {_days(_since(start, today))} "
            f"(the rule: {_days(threshold)}; {since})"
        )
    if code == RuleCode.NOT_SEEN_ALONE:
        seen = f.get("last_seen_alone")
        start = seen or f.get("episode_started")
        since = (
            f"last seen alone {_date(seen)}"
            if seen
            else (f"not seen alone since the episode started on {_date(start)}")
        )
        return (
            f"No one has seen {_child(flag)} on their own for {_days(_since(start, today))} "
            f"(the rule: {_days(threshold)}; {since})"
        )
    if code == RuleCode.WAS_NOT_BROUGHT:
        missed = f.get("missed", [])
        return (
            f"{_child(flag)} was not brought to {len(missed)} appointments within "
            f"{f.get('weeks')} weeks ({', '.join(_date(d) for d in missed)}) "
            f"(the rule: {threshold} in {f.get('weeks')} weeks)"
        )
    if code == RuleCode.TIME_IN_STAGE:
        try:
            stage = Episode.Stage(f.get("stage")).label
        except ValueError:
            stage = "this stage"
        start = f.get("in_stage_since")
        return (
            f"In stage {stage} for {_days(_since(start, today))} "
            f"(the rule: {_days(threshold)}; in this stage since {_date(start)})"
        )
    if code == RuleCode.REVIEW_OVERDUE:
        due = f.get("due_on")
        return (
            f"The plan review due on {_date(due)} is {_days(_since(due, today))} late "
            f"(the rule: {_days(threshold)})"
        )
    if code == RuleCode.ACTION_OVERDUE:
        count = f.get("count", 0)
        what = "1 plan action is" if count == 1 else f"{count} plan actions are"
        return (
            f"{what} more than {_days(threshold)} late "
            f"(the oldest was due on {_date(f.get('oldest_due'))})"
        )
    if code == RuleCode.NO_PROGRESS:
        held = f.get("reviews", [])
        return (
            f"No outcome improved across the last {len(held)} reviews "
            f"({', '.join(_date(d) for d in held)}; {f.get('outcomes', 0)} outcomes) "
            f"(the rule: {threshold} reviews)"
        )
    if code == RuleCode.EPISODE_OPEN_LONG:
        start = f.get("started_on")
        months = _months_between(date.fromisoformat(start), today) if start else 0
        return f"Open for {months} months since {_date(start)} (the rule: {threshold} months)"
    if code == RuleCode.NO_LEAD_PROFESSIONAL:
        decided = f.get("decided_on")
        return (
            f"No lead professional {_days(_since(decided, today))} after the panel chose "
            f"{f.get('agency', 'a lead agency')} on {_date(decided)} (the rule: {_days(threshold)})"
        )
    if code == RuleCode.REQUEST_REPLY_OVERDUE:
        reply_by = f.get("reply_by")
        return (
            f"A reply was promised by {_date(reply_by)} ({f.get('working_days')} working days "
            f"after it arrived on {_date(f.get('received_on'))}); it is "
            f"{_days(_since(reply_by, today))} past that (the rule: {_days(threshold)})"
        )
    return RuleCode(code).label if code in RuleCode.values else "A radar rule"
