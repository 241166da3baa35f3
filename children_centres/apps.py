from django.apps import AppConfig


class ChildrenCentresConfig(AppConfig):
    name = "children_centres"
    verbose_name = "Children's centre registration and reach"

    def ready(self) -> None:
        from children_centres import council_pack, notices, tray
        from core import notices as core_notices
        from core import worktray

        # The kinds of contact and the small number come from the council pack.
        council_pack.register()
        # A child's person page says where they are registered, and links to the forms (people
        # is below this app, so it asks core.notices rather than importing it).
        core_notices.register("person", notices.person, order=40)
        # The centre staff: registered children with no contact counted as reach for months.
        worktray.register(tray.tray, order=60)
