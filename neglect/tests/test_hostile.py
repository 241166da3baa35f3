"""Script stored in every neglect text field (and the tool's area names from the pack) never
reaches a neglect page, the person page's notice or the episode page's notice unescaped. (The
project-wide probe, tests/test_hostile_text.py, plants the same fields in the demo world.)"""

import pytest
from django.urls import reverse

from casework.tests.factories import EpisodeFactory
from neglect.models import NeglectConcern
from neglect.tests.factories import (
    GradedCareResultFactory,
    GradedCareToolFactory,
    NeglectConcernFactory,
    NeglectConcernHistoryFactory,
    NeglectObservationFactory,
    child_of,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>xss("{}")</script>"><img src=x onerror=xss(1)>'


def test_stored_script_is_escaped_everywhere(practitioner_client, practitioner, family):
    child = child_of(family, first_name=PAYLOAD.format("first_name"))
    tool = GradedCareToolFactory(
        name=PAYLOAD.format("tool"), areas=[PAYLOAD.format("area")], grades=[1, 2]
    )
    concern = NeglectConcernFactory(
        family=family,
        child=child,
        recorded_by=practitioner,
        lived_experience=PAYLOAD.format("lived"),
    )
    NeglectObservationFactory(
        concern=concern, seen=PAYLOAD.format("seen"), seen_by=PAYLOAD.format("by")[:200]
    )
    NeglectConcernHistoryFactory(
        concern=concern, to_value=PAYLOAD.format("to"), reason=PAYLOAD.format("why")
    )
    NeglectConcernFactory(
        family=family,
        child=child,
        status=NeglectConcern.Status.ENDED,
        ended_on=concern.identified_on,
        end_reason="other",
        end_note=PAYLOAD.format("note"),
    )
    GradedCareResultFactory(
        concern=concern, tool=tool, area_grades={PAYLOAD.format("grade_area"): 1}, overall_grade=1
    )
    episode = EpisodeFactory(family=family, lead_professional=practitioner)
    urls = [
        reverse("neglect:child", kwargs={"person_id": child.pk}),
        reverse("neglect:concern_record", kwargs={"person_id": child.pk}),
        reverse("neglect:tool_result_add", kwargs={"person_id": child.pk}),
        reverse("people:person_detail", kwargs={"person_id": child.pk}),
        reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
        *(
            reverse(f"neglect:{n}", kwargs={"concern_id": concern.pk})
            for n in ("observation_add", "concern_change", "concern_end")
        ),
    ]
    for url in urls:
        response = practitioner_client.get(url)
        text = response.content.decode()
        assert response.status_code == 200, url
        assert "<script>xss(" not in text, url
        assert "<img src=x" not in text, url
        assert "&amp;lt;script" not in text, url  # not escaped twice either
    page = practitioner_client.get(urls[0]).content.decode()
    assert "&lt;script&gt;xss(&quot;lived&quot;)" in page
