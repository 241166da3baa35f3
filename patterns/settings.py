"""The council's pattern windows (the pack's ``patterns`` section), or the defaults."""

from __future__ import annotations

from patterns.models import PatternSettings


def pattern_settings() -> PatternSettings:
    """The one row the council pack loaded, or an unsaved row of defaults (one query)."""
    return PatternSettings.objects.order_by("pk").first() or PatternSettings()
