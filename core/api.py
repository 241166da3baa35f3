from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF errors without internals: a 404 never says which record or why."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    return drf_exception_handler(exc, context)
