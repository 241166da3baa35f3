from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "patterns"
    verbose_name = "Patterns the product spots"

    def ready(self) -> None:
        # The pack's windows are this app's section (core may not import it); the notices show
        # what this app spots on the pages of the apps below it, which do not import it either.
        from django.urls import reverse

        from core import notices, records
        from patterns import council_pack
        from patterns import notices as provided
        from patterns.services import RECORD_TYPE

        council_pack.register()
        notices.register("triage", provided.triage_notices, order=provided.ORDER)
        notices.register("panel_referral", provided.panel_referral_notices, order=provided.ORDER)
        notices.register("episode", provided.episode_notices, order=provided.ORDER)
        notices.register("person", provided.person_notices, order=provided.ORDER)
        records.register_link(
            RECORD_TYPE,
            text="See the patterns for this family",
            url=lambda record_id: reverse("patterns:episode", kwargs={"episode_id": record_id}),
        )
