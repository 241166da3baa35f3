"""What the patterns app shows on other apps' pages (``core.notices``): a repeat referral at
triage and in the panel inbox; on the episode, the repeat referral its case came from, a repeat
plan and disguised compliance; an accident and injury pattern on a child's page. Each provider
answers for many records in a fixed number of queries, from what the reader may see only, and
says the rule and the facts in words."""

from __future__ import annotations

from django.urls import reverse

from core.notices import Notice
from patterns import repeats, selectors
from patterns.rules import managed_team_ids, may_act
from patterns.settings import pattern_settings
from patterns.wording import names, short_date, times

ORDER = 20


def _referral_notice(earlier, months: int) -> Notice:
    return Notice(
        key="repeat_referral",
        title="Repeat referral",
        lines=(
            *(e.sentence for e in earlier),
            f"The rule: a new request or panel referral for a child who had one in the "
            f"{months} months before.",
        ),
    )


def triage_notices(user, records) -> dict:
    found = repeats.repeat_referrals_for_requests(user, records)
    if not found:
        return {}
    months = pattern_settings().repeat_referral_months
    return {pk: [_referral_notice(earlier, months)] for pk, earlier in found.items()}


def panel_referral_notices(user, records) -> dict:
    found = repeats.repeat_referrals_for_panel_referrals(user, records)
    if not found:
        return {}
    months = pattern_settings().repeat_referral_months
    return {pk: [_referral_notice(earlier, months)] for pk, earlier in found.items()}


def episode_notices(user, records) -> dict:
    episodes = [e for e in records if e is not None]
    if not episodes:
        return {}
    plans = repeats.repeat_plans_for_episodes(user, episodes)
    # Only episodes the reader may see: the repeat plan's read is scoped; ask again for the rest.
    visible = selectors.visible_episode_ids(user, [e.pk for e in episodes])
    # The referral the episode's case came from, when its children had one in the year before.
    referral_of = selectors.panel_referrals_of([e for e in episodes if e.pk in visible])
    repeated = repeats.repeat_referrals_for_panel_referrals(user, referral_of.values())
    dates = selectors.current_dates_by_episode(visible)
    leads = selectors.episode_leads(visible)
    managed = managed_team_ids(user)
    months = pattern_settings().repeat_plan_months if plans else 0
    answer: dict = {}
    for episode in episodes:
        if episode.pk not in visible:
            continue
        url = reverse("patterns:episode", kwargs={"episode_id": episode.pk})
        notices = []
        referral = referral_of.get(episode.pk)
        if referral is not None and referral.pk in repeated:
            notices.append(
                _referral_notice(repeated[referral.pk], pattern_settings().repeat_referral_months)
            )
        if episode.pk in plans:
            notices.append(
                Notice(
                    key="repeat_plan",
                    title="Repeat plan",
                    lines=(
                        *(p.sentence for p in plans[episode.pk]),
                        f"The rule: a new plan within {months} months of the end of the last "
                        "one (a step up and a step down are one plan).",
                    ),
                    url=url,
                    link_text="See the patterns for this family",
                )
            )
        days = dates.get(episode.pk, [])
        if days:
            notices.append(
                Notice(
                    key="disguised_compliance",
                    title="Disguised compliance",
                    lines=(
                        f"Disguised compliance recorded {times(len(days))}: "
                        f"{names([short_date(d) for d in days])}.",
                    ),
                    url=url,
                    link_text="See the records",
                )
            )
        lead_id, team_id = leads.get(episode.pk, (None, None))
        if episode.is_open and may_act(
            user, lead_id=lead_id, lead_team_id=team_id, managed=managed
        ):
            notices.append(
                Notice(
                    key="record_disguised_compliance",
                    title="Patterns for this family",
                    lines=(
                        "Actions agreed but not done, while the family says they are engaging?",
                    ),
                    url=reverse("patterns:dc_add", kwargs={"episode_id": episode.pk}),
                    link_text="Record disguised compliance",
                    kind="information",
                )
            )
        if notices:
            answer[episode.pk] = notices
    return answer


def person_notices(user, records) -> dict:
    patterns = selectors.injury_patterns_for(user, records)
    answer = {}
    for person_id, pattern in patterns.items():
        url = reverse("patterns:injuries", kwargs={"person_id": person_id})
        if pattern.holds:
            answer[person_id] = [
                Notice(
                    key="accidents_injuries",
                    title="Accidents and injuries",
                    lines=(pattern.warning,),
                    url=url,
                    link_text="See accidents and injuries over time",
                )
            ]
        else:
            answer[person_id] = [
                Notice(
                    key="accidents_injuries",
                    title="Accidents and injuries",
                    lines=(
                        f"{len(pattern.dates)} recorded in all, "
                        f"{pattern.count} in the last {pattern.months} months.",
                    ),
                    url=url,
                    link_text="See accidents and injuries over time",
                    kind="information",
                )
            ]
    return answer
