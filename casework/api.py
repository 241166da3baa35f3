"""DRF endpoints for casework, registered on the shared /api/v1/ router by register()."""


def register(router) -> None:
    from casework import api_episodes, api_plans

    api_episodes.register(router)
    api_plans.register(router)
