"""API pieces every app shares, so errors are answered the same way everywhere."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF errors without internals: a 404 never says which record or why."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    return drf_exception_handler(exc, context)


FORBIDDEN = OpenApiResponse(description="Your role may not do this.")
BAD_REQUEST = OpenApiResponse(description="Validation errors, by field.")


def validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as DRF's 400: by field where it names one."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


def conflict(detail: str, **extra) -> Response:
    """409: the record's state does not allow this now (returned, not raised, so work saved in the
    request's transaction, such as a draft or a safeguarding stop, is kept)."""
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)


def duty_team_contact() -> dict:
    """The council's duty team / MASH contact, for answers that stop the early help path."""
    from core.models import Council

    council = Council.objects.first()
    if council is None:
        return {"name": "", "phone": "", "email": "", "out_of_hours_phone": ""}
    return {
        "name": council.duty_team_name,
        "phone": council.duty_team_phone,
        "email": council.duty_team_email,
        "out_of_hours_phone": council.duty_team_out_of_hours_phone,
    }
