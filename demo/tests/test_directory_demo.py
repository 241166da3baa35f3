"""The directory's demo data: imported through the ORUK importer, the same rows on a second run,
every directory table the find support pages read has rows, and the demo postcodes find the
services near them."""

from collections import Counter
from datetime import date

import pytest
from django.apps import apps

from demo import directory_demo
from directory import models as m
from directory import selectors

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("directory").get_models()
    }


def test_the_demo_directory_is_idempotent_and_fills_every_table():
    directory_demo.seed(today=date(2026, 12, 1), counts=Counter())
    first = _counts()
    directory_demo.seed(today=date(2026, 12, 1), counts=Counter())
    assert _counts() == first
    assert all(first.values()), {k: v for k, v in first.items() if not v}
    assert first["Service"] == len(directory_demo.demo_directory()["services"]) == 9


def test_the_demo_postcodes_find_the_nearest_services():
    directory_demo.seed(today=date(2026, 12, 1), counts=Counter())
    centre = selectors.postcode_point("WF17 5AB")  # Batley
    found = selectors.find_support_services()
    nearest = selectors.service_nearest(found, centre=centre, miles=2)
    names = dict(m.Service.objects.values_list("pk", "name"))
    assert names[nearest[0][0]] == "Family Food Pantry"
    assert nearest[0][1] < 1
