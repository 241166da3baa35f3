"""The published OpenAPI schema documents every error answer and describes times it can check."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.openapi import COMMON_ERRORS, TIME_OF_DAY_PATTERN

METHODS = {"get", "put", "patch", "post", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_documents_the_shared_errors_as_json(schema):
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(operations) > 60
    for path, method, operation in operations:
        for status in COMMON_ERRORS:
            if status in ("409", "413", "415") and method == "get":
                continue
            response = operation["responses"].get(status)
            assert response is not None, f"{method.upper()} {path} does not document {status}"
            assert "application/json" in response["content"], f"{method.upper()} {path} {status}"
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_no_time_format_left_and_panel_times_have_a_pattern(schema):
    def formats(node):
        if isinstance(node, dict):
            if "format" in node:
                yield node["format"]
            for value in node.values():
                yield from formats(value)
        elif isinstance(node, list):
            for value in node:
                yield from formats(value)

    assert "time" not in set(formats(schema))
    panel = schema["components"]["schemas"]["Panel"]["properties"]
    assert panel["start_time"]["pattern"] == TIME_OF_DAY_PATTERN
