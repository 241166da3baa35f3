"""DRF endpoints for assessments, registered on the shared /api/v1/ router by register()."""


def register(router) -> None:
    pass
