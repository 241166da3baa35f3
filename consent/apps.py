from django.apps import AppConfig
from django.urls import reverse


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent and information sharing"

    def ready(self) -> None:
        # A consent decision on the chronology links to the family's consent page (its record id
        # is the family's; core cannot import this app).
        from core import records

        records.register_link(
            "consent",
            text="View the family’s consent",
            url=lambda pk: reverse("consent:family", kwargs={"family_id": pk}),
        )
