"""DRF endpoints for consent, registered on the shared /api/v1/ router by register()."""


def register(router) -> None:
    pass
