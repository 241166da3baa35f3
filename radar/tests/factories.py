"""Factories for the radar: its rules (the Kirklees pack's values) and flags in each state."""

from datetime import date

import factory

from casework.tests.factories import EpisodeFactory
from radar.engine import subject_key
from radar.models import RadarFlag, RadarFlagHistory, RadarRule, RuleCode

# The Kirklees pack's thresholds (config_packs/kirklees.yaml): (threshold, window).
KIRKLEES = {
    RuleCode.TIME_IN_STAGE: (90, None),
    RuleCode.NO_CONTACT_WITH_CHILD: (28, None),
    RuleCode.NOT_SEEN_ALONE: (42, None),
    RuleCode.REVIEW_OVERDUE: (7, None),
    RuleCode.ACTION_OVERDUE: (14, None),
    RuleCode.NO_PROGRESS: (2, None),
    RuleCode.EPISODE_OPEN_LONG: (9, None),
    RuleCode.NO_LEAD_PROFESSIONAL: (10, None),
    RuleCode.REQUEST_REPLY_OVERDUE: (0, None),
    RuleCode.WAS_NOT_BROUGHT: (2, 12),
}


class RadarRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RadarRule
        django_get_or_create = ("code",)

    code = RuleCode.NO_CONTACT_WITH_CHILD
    enabled = True
    threshold = factory.LazyAttribute(lambda r: KIRKLEES[r.code][0])
    window = factory.LazyAttribute(lambda r: KIRKLEES[r.code][1])


def kirklees_rules(*, only=None) -> list[RadarRule]:
    """Every rule as Kirklees sets it (or only the codes named)."""
    return [RadarRuleFactory(code=code) for code in KIRKLEES if only is None or code in only]


class RadarFlagFactory(factory.django.DjangoModelFactory):
    """A raised flag: no one has seen a child of an episode (the facts as the engine writes)."""

    class Meta:
        model = RadarFlag

    rule = RuleCode.NO_CONTACT_WITH_CHILD
    episode = factory.SubFactory(EpisodeFactory)
    family = factory.SelfAttribute("episode.family")
    child = None
    subject_key = factory.LazyAttribute(
        lambda f: subject_key(
            f.rule, f.episode.pk if f.episode else None, f.child.pk if f.child else None, None, None
        )
    )
    facts = factory.LazyAttribute(
        lambda f: {"last_seen": "2026-09-08", "episode_started": "2026-09-01", "threshold": 28}
    )
    since = date(2026, 10, 7)
    raised_on = date(2026, 10, 7)

    class Params:
        acknowledged = factory.Trait(status=RadarFlag.Status.ACKNOWLEDGED)
        cleared = factory.Trait(status=RadarFlag.Status.CLEARED)


class RadarFlagHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RadarFlagHistory

    flag = factory.SubFactory(RadarFlagFactory)
    change = RadarFlagHistory.Change.RAISED
