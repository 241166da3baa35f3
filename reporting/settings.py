"""The council's reporting settings (the pack's ``reporting`` section), or the defaults."""

from __future__ import annotations

from reporting.models import ReportingSettings


def reporting_settings() -> ReportingSettings:
    """The one row the council pack loaded, or an unsaved row of defaults (one query)."""
    return ReportingSettings.objects.order_by("pk").first() or ReportingSettings()
