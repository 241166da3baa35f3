"""The OpenAPI schema says every answer the API can give, errors included.

Every operation can be refused for the same reasons (not signed in, a role that may not, a record out
of scope or malformed id, a malformed parameter, a record whose state refuses a change, the
database unavailable), and each is answered as
JSON in one shape. Declaring them once here, rather than on some operations by hand, keeps the schema
honest for every client and for the schemathesis run in CI, which fails on an undocumented status.
"""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A 400 names the fields at fault ({"field": ["message"]}), or says why in "detail" or
# "non_field_errors" when no one field is to blame.
VALIDATION_SCHEMA = {
    "anyOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]
}

COMMON_ERRORS = {
    "400": ("Malformed input: the errors by field.", "ValidationErrors"),
    "401": ("Not signed in, or the token is expired or revoked.", "Error"),
    "403": ("Your role may not do this.", "Error"),
    "404": ("No such record in your scope, or a malformed id.", "Error"),
    "405": ("This method is not allowed here.", "Error"),
    "409": (
        "The record's state does not allow this now, or someone else changed it first.",
        "Error",
    ),
    "413": ("The request body is too large.", "Error"),
    "415": ("The request body is not JSON or form data.", "Error"),
    "503": ("The service is briefly unavailable: try again after Retry-After seconds.", "Error"),
}


def add_common_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the shared error answers."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    schemas.setdefault("ValidationErrors", VALIDATION_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, component) in COMMON_ERRORS.items():
                if status in ("409", "413", "415") and method == "get":
                    continue
                content = {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
                }
                existing = responses.get(status)
                if existing is None:
                    responses[status] = {"description": description, "content": content}
                elif "content" not in existing:
                    existing["content"] = content
    return result


# JSON Schema's "time" format is RFC 3339's full-time, which must carry a UTC offset; the API's times
# of day (a panel's start, a meeting's end) are wall-clock times in the council's own zone and have
# none, so they are described by their pattern instead.
TIME_OF_DAY_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


def describe_times_of_day(result, generator, request, public):
    """drf-spectacular postprocessing hook: times of day as a pattern, not the "time" format."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "time":
                del node["format"]
                node["pattern"] = TIME_OF_DAY_PATTERN
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}))
    walk(result.get("paths", {}))
    return result
