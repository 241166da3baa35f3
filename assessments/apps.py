from django.apps import AppConfig
from django.urls import reverse


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Early support multi-agency assessments"

    def ready(self) -> None:
        # Core shows the work tray without importing the apps above it: each app adds its part.
        from assessments import notices as linked
        from assessments import person_records, tray
        from core import notices, records, worktray

        worktray.register(tray.tray, order=20)
        # The request for support page links to its assessment (support_requests is below).
        notices.register("triage", linked.triage, order=linked.ORDER)
        # Chronology entries and the person page link to an assessment (core and people cannot
        # import this app).
        records.register_link(
            "assessment",
            text="View the assessment",
            url=lambda pk: reverse("assessments:detail", kwargs={"assessment_id": pk}),
        )
        records.register_person_records(person_records.assessments, order=20)
