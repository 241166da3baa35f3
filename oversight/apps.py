from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Supervision and management oversight"

    def ready(self) -> None:
        from core import notices, worktray
        from oversight import council_pack, notices_episode, tray

        council_pack.register()
        # Managers: the workers whose supervision is overdue (pack cadence).
        worktray.register(tray.tray, order=45)
        # The episode page: when the case was discussed in supervision, and open escalations.
        notices.register("episode", notices_episode.episode_notices, order=60)
