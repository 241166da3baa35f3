"""API pieces every app shares, so errors are answered the same way everywhere."""

import rules
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler

from core import selectors
from core.errors import ConflictError

# What a record id in an API path looks like. The router refuses any other shape at the URL
# (404), so no view ever sees "not-a-uuid" or an integer the database cannot hold.
UUID_LOOKUP = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
ID_LOOKUP = "[1-9][0-9]{0,17}"


# The largest id a database row can have (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """A record's id in a request body: a whole number a database id can be. Beyond that, some
    lookups (``pk__in`` on SQLite) fail with OverflowError rather than finding nothing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class Router(SimpleRouter):
    """The API's router: every viewset must say what its ids look like (``lookup_value_regex``,
    usually UUID_LOOKUP or ID_LOOKUP), rather than DRF's default of anything without a slash."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not getattr(viewset, "lookup_value_regex", None):
            raise ImproperlyConfigured(
                f"{viewset.__name__} must set lookup_value_regex (core.api.UUID_LOOKUP or ID_LOOKUP)"
            )
        return super().get_lookup_regex(viewset, lookup_prefix)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this record after you read it: read it again and retry."
    default_code = "conflict"


def _messages(exc: DjangoValidationError) -> str:
    return " ".join(exc.messages)


def exception_handler(exc, context):
    """The error contract (``core.errors``), mapped once for the whole API.

    Out of scope or not there → 404 that says nothing about which record or why; a role that may
    not → 403; invalid input → 400 by field; a state that refuses it, or a stale version → 409.
    Views need not catch these: a service's refusal reaches here as it was raised.
    """
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    return drf_exception_handler(exc, context)


class FamilyQuerySerializer(serializers.Serializer):
    """``?family=<uuid>``: only this family's records (a family out of the caller's scope is 404)."""

    family = serializers.UUIDField(required=False)


class RequiredFamilyQuerySerializer(serializers.Serializer):
    family = serializers.UUIDField()


def query_params(request, serializer_class: type[serializers.Serializer]) -> dict:
    """A list's query parameters, checked by a serializer: anything malformed is a 400 naming
    the parameter, never a 500 from deeper down (``?year=0``, ``?panel=abc``)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def require(perm: str, user, obj=None, message: str | None = None) -> None:
    """403 unless ``user`` has the django-rules permission ``perm`` (on ``obj``).

    Called before a request body is read, so a role that may not act is refused as such rather
    than told what its body lacks (checked in the order of ``core.errors``: 404 out of scope,
    then 403, then 400, then 409). It is
    the same permission the service checks: the rule lives in the app's rules.py, asked twice.
    """
    if not rules.has_perm(perm, user, obj):
        raise exceptions.PermissionDenied(message)


FORBIDDEN = OpenApiResponse(description="Your role may not do this.")
BAD_REQUEST = OpenApiResponse(description="Validation errors, by field.")


def validation_error(exc: DjangoValidationError) -> exceptions.APIException:
    """A service's ValidationError as DRF's 400: by field where it names one. A ConflictError
    (a wrong state, a stale version) is a 409 instead."""
    if isinstance(exc, ConflictError):
        return Conflict(_messages(exc))
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


def conflict(detail: str, **extra) -> Response:
    """409: the record's state does not allow this now (returned, not raised, so work saved in the
    request's transaction, such as a draft or a safeguarding stop, is kept)."""
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)


def duty_team_contact() -> dict:
    """The council's duty team / MASH contact, for answers that stop the early help path."""
    council = selectors.the_council()
    if council is None:
        return {"name": "", "phone": "", "email": "", "out_of_hours_phone": ""}
    return {
        "name": council.duty_team_name,
        "phone": council.duty_team_phone,
        "email": council.duty_team_email,
        "out_of_hours_phone": council.duty_team_out_of_hours_phone,
    }
