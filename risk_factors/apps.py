from django.apps import AppConfig


class RiskFactorsConfig(AppConfig):
    name = "risk_factors"
    verbose_name = "Risk and vulnerability factors"

    def ready(self) -> None:
        # Casework's pages show the family's factors without importing this app (core.notices).
        from core import notices
        from risk_factors import notices as factor_notices

        notices.register("plan_review", factor_notices.plan_review_notices, order=30)
        notices.register("episode", factor_notices.episode_notices, order=30)
