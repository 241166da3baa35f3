from django.apps import AppConfig
from django.urls import reverse


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Team Around the Family casework"

    def ready(self) -> None:
        # Casework reacts to the panel's allocation and closure decisions; the panel, below
        # casework in the layers, calls this receiver rather than importing casework.
        from casework import handoff, person_records, selectors, tray
        from casework import notices as linked
        from core import notices, records, worktray
        from panel import handoffs

        handoffs.register(handoff)
        # Casework's part of everyone's home page: reviews, actions and closures waiting.
        worktray.register(tray.tray, order=40)
        # Chronology entries and the person page link to an episode (core and people cannot
        # import casework).
        records.register_link(
            "episode",
            text="View the episode",
            url=lambda pk: reverse("casework:episode_detail", kwargs={"episode_id": pk}),
        )
        # A referral made from a plan action (the offer app) links back to the action's plan.
        records.register_link(
            "plan_action",
            text="View the family plan",
            url=lambda pk: selectors.plan_url_for_action(pk),
        )
        records.register_person_records(person_records.episodes, order=10)
        # The request, the assessment and the panel case link to their episodes (core.notices).
        notices.register("triage", linked.triage, order=linked.ORDER)
        notices.register("assessment", linked.assessment, order=linked.ORDER)
        notices.register("panel_case", linked.panel_case, order=linked.ORDER)
