from django.apps import AppConfig
from django.urls import reverse


class NeglectConfig(AppConfig):
    name = "neglect"
    verbose_name = "Neglect"

    def ready(self) -> None:
        from core import notices, records
        from neglect import council_pack
        from neglect import notices as neglect_notices

        # The council's graded-care tools come from its pack (core may not import this app).
        council_pack.register()
        # The person page and the episode page show the current concerns (people and casework
        # are below neglect, so they ask core.notices rather than importing it).
        notices.register("person", neglect_notices.person, order=20)
        notices.register("episode", neglect_notices.episode, order=20)
        # Chronology entries about a concern link to the child's neglect record.
        records.register_link(
            "neglect_concern",
            text="View the neglect concern",
            url=lambda pk: reverse("neglect:concern", kwargs={"concern_id": pk}),
        )
