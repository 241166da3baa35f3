import pytest


@pytest.fixture(autouse=True)
def _need_levels(request):
    """Allocating a lead professional opens the family's casework episode, which needs the
    council's levels of need (a config pack loads them in production)."""
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("db")
    from core.tests.factories import NeedLevelFactory

    NeedLevelFactory(level=3, name="Targeted early help")
