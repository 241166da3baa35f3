"""The error contract (core.errors) is mapped once for the API and once for pages: each kind of
refusal a service can raise gets one status, whichever app raised it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from core.api import exception_handler
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.middleware import ErrorContractMiddleware
from core.models import Council
from core.workflow import TransitionNotAllowed


def _api(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (Http404("Person 8f1c… not in scope"), 404),
        (Council.DoesNotExist("Council matching query does not exist."), 404),
        (PermissionDenied(), 403),
        (ValidationError({"first_name": "Enter the first name"}), 400),
        (ValidationError("Enter a reason"), 400),
        (ConflictError("The case is already closed"), 409),
        (TransitionNotAllowed("A request that is closed cannot become in triage"), 409),
        (StaleVersionError("Changed by someone else"), 409),
    ],
)
def test_api_answers_each_refusal_with_one_status(exc, status):
    assert _api(exc)[0] == status


def test_api_404_says_nothing_about_the_record():
    assert _api(Http404("Person 8f1c-… is not in your scope")) == (404, {"detail": "Not found."})


def test_api_400_names_the_field():
    status, data = _api(ValidationError({"first_name": "Enter the first name"}))
    assert (status, data) == (400, {"first_name": ["Enter the first name"]})


def test_api_400_without_a_field_is_a_non_field_error():
    assert _api(ValidationError("Enter a reason")) == (
        400,
        {"non_field_errors": ["Enter a reason"]},
    )


def test_api_409_says_what_state_refused_it():
    status, data = _api(TransitionNotAllowed("A case that is closed cannot become allocated"))
    assert (status, data) == (409, {"detail": "A case that is closed cannot become allocated"})


def _page(path, exc):
    middleware = ErrorContractMiddleware(lambda request: None)
    request = RequestFactory().post(path)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return middleware.process_exception(request, exc)


@pytest.mark.django_db
def test_a_page_shows_an_uncaught_conflict_as_409_with_its_message():
    response = _page("/panels/cases/x/", TransitionNotAllowed("A case that is closed cannot move"))
    assert response.status_code == 409
    assert "A case that is closed cannot move" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.django_db
def test_a_page_shows_an_uncaught_validation_error_as_400():
    response = _page("/people/x/", ValidationError("Enter a reason"))
    assert response.status_code == 400
    assert "Enter a reason" in response.content.decode()


def test_a_page_turns_a_missing_row_into_404():
    with pytest.raises(Http404):
        _page("/people/x/", Council.DoesNotExist())


def test_the_api_is_left_to_its_own_handler():
    assert _page("/api/v1/people/", ConflictError("x")) is None


def test_a_page_leaves_other_errors_alone():
    assert _page("/people/x/", RuntimeError("bug")) is None
