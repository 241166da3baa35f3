"""The data protection pages: the schedule and its runs, the search for a subject access request,
rectification notes. System administrators only."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import AdminFactory, PractitionerFactory, sign_in_verified
from core.audit import Action
from core.models import AuditEvent
from dataprotection.models import RectificationNote
from dataprotection.tests.factories import RetentionRuleFactory, RetentionRunFactory
from people.tests.factories import PersonFactory, PersonNameFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return sign_in_verified(Client(), AdminFactory())


def test_the_retention_page_shows_the_schedule_and_each_run(admin):
    RetentionRuleFactory()
    RetentionRunFactory(summary={"casework": {"anonymise": 3, "kept_open_case": 1}})
    response = admin.get(reverse("dataprotection:retention"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 years after the family’s case closed" in page
    assert "3 anonymised" in page
    assert "1 kept (the family&#x27;s case is open)" in page


def test_the_configuration_page_links_to_data_protection(admin):
    page = admin.get(reverse("core:configuration")).content.decode()
    assert reverse("dataprotection:retention") in page
    assert reverse("dataprotection:subject_search") in page


def test_other_roles_are_refused():
    practitioner = sign_in_verified(Client(), PractitionerFactory())
    assert practitioner.get(reverse("dataprotection:retention")).status_code == 403
    assert practitioner.get(reverse("dataprotection:subject_search")).status_code == 403


def test_the_search_needs_a_last_name_and_a_date_of_birth_and_is_audited(admin):
    from datetime import date

    person = PersonFactory(last_name="Pryce", date_of_birth=date(2015, 3, 27))
    PersonNameFactory(person=PersonFactory(date_of_birth=date(2015, 3, 27)), last_name="Pryce")
    PersonFactory(last_name="Pryce", date_of_birth=date(2016, 3, 27))
    url = reverse("dataprotection:subject_search")
    response = admin.post(url, {"last_name": ""})
    assert response.status_code == 200
    assert "Enter the person’s last name" in response.content.decode()
    response = admin.post(
        url,
        {
            "last_name": "pryce",
            "date_of_birth_0": "27",
            "date_of_birth_1": "3",
            "date_of_birth_2": "2015",
        },
    )
    assert response.status_code == 200
    assert len(response.context["people"]) == 2
    assert person in response.context["people"]
    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.detail == {"results": 2, "purpose": "subject_access"}


def test_a_rectification_note_is_added_shown_and_audited(admin):
    person = PersonFactory()
    url = reverse("dataprotection:rectification_add", kwargs={"person_id": person.pk})
    response = admin.post(url, {"what": "", "why": ""})
    assert response.status_code == 200
    assert "Enter what was corrected" in response.content.decode()
    response = admin.post(url, {"what": "Date of birth corrected", "why": "Birth certificate seen"})
    assert response.status_code == 302
    note = RectificationNote.objects.get()
    assert (note.person, note.what_was_corrected) == (person, "Date of birth corrected")
    assert AuditEvent.objects.filter(
        action=Action.CREATE, record_type="dataprotection.rectificationnote", record_id=str(note.pk)
    ).exists()
    detail = admin.get(reverse("dataprotection:subject_detail", kwargs={"person_id": person.pk}))
    assert "Birth certificate seen" in detail.content.decode()
    with pytest.raises(PermissionError):
        note.delete()
