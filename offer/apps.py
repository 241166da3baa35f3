from django.apps import AppConfig


class OfferConfig(AppConfig):
    name = "offer"
    verbose_name = "The early help offer: programmes, waiting lists and signposting"

    def ready(self) -> None:
        from django.urls import reverse

        from core import notices, records, worktray
        from offer import council_pack, tray
        from offer import notices as offer_notices

        council_pack.register()
        # The family page says what the family was referred to and offers to refer them.
        notices.register("family", offer_notices.family, order=50)
        # Managers: places free with families waiting, and families waiting too long;
        # referrers: what changed on their referrals.
        worktray.register(tray.tray, order=58)
        # A chronology entry about a referral links to its page (which applies its own scope).
        records.register_link(
            "offer_referral",
            text="View the referral",
            url=lambda record_id: reverse("offer:referral", kwargs={"referral_id": int(record_id)}),
        )
