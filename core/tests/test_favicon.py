"""Browsers ask for /favicon.ico on every site: it leads to GOV.UK Frontend's icon."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

GOVUK_FAVICON = (
    Path(settings.BASE_DIR) / "node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico"
)


@pytest.mark.django_db
def test_favicon_redirects_to_the_govuk_icon_which_is_served(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/govuk/assets/images/favicon.ico"
    # `npm run build` copies GOV.UK Frontend's assets into the static files; the icon served is
    # GOV.UK's own.
    served = finders.find("govuk/assets/images/favicon.ico")
    assert served and Path(served).read_bytes() == GOVUK_FAVICON.read_bytes()
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content) == GOVUK_FAVICON.read_bytes()
