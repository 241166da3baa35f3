"""The API's one request-body parser: JSON, with limits on size and nesting.

DRF's own JSONParser reads the body straight from the stream, so Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (which only guards ``request.body`` and forms) never applies, and
Python's json module recurses once per level, so a body nested a thousand deep is a
RecursionError (a 500) here or later in a serializer or the audit log. No request this API
takes needs more than a few levels, so both are refused up front: 413 for too big, 400 for
too deep, before anything is decoded.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

# The deepest any request body is expected to go (an assessment section's answers, a review's
# per-outcome progress, each a dict of lists at most); generous headroom over that.
MAX_JSON_DEPTH = 32

# Strings may hold brackets; drop them before counting (escaped quotes stay inside).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


def max_body_bytes() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a scalar)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def read_limited(stream) -> bytes:
    """The whole body, refused with 413 past DATA_UPLOAD_MAX_MEMORY_SIZE (Content-Length or not)."""
    limit = max_body_bytes()
    if limit is None:
        return stream.read()
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge()
    return body


class JSONParser(BaseParser):
    """DRF's JSON parsing, with the size and depth limits above."""

    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = read_limited(stream).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError("The request body is not valid text in the stated encoding.") from None
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(f"The JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels).")
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON (DRF's STRICT_JSON default refuses them too).
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")
