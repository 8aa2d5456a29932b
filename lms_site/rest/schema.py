"""Describe the response envelope in the OpenAPI schema (drf-spectacular post-processing hook)."""

ERROR_ITEM = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "not_found"},
        "message": {"type": "string"},
        "field": {"type": "string", "nullable": True},
    },
    "required": ["code", "message", "field"],
}
META = {
    "type": "object",
    "properties": {
        "request_id": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
        "pagination": {"$ref": "#/components/schemas/PaginationMeta"},
    },
    "required": ["request_id", "timestamp"],
}
PAGINATION = {
    "type": "object",
    "properties": {
        "page": {"type": "integer"},
        "page_size": {"type": "integer"},
        "count": {"type": "integer"},
        "pages": {"type": "integer"},
        "next": {"type": "string", "format": "uri", "nullable": True},
        "previous": {"type": "string", "format": "uri", "nullable": True},
    },
    "required": ["page", "page_size", "count"],
}
ERROR_ENVELOPE = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["error"]},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ApiError"}},
        "meta": {"$ref": "#/components/schemas/EnvelopeMeta"},
    },
    "required": ["status", "errors", "meta"],
}
STANDARD_ERRORS = {
    "400": "Invalid input: each error names its field.",
    "401": "Not authenticated.",
    "403": "Not allowed.",
    "404": "Not found (also for another user's object).",
    "429": "Too many requests.",
}


def wrap_responses_in_envelope(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ApiError"] = ERROR_ITEM
    components["EnvelopeMeta"] = META
    components["PaginationMeta"] = PAGINATION
    components["ErrorEnvelope"] = ERROR_ENVELOPE
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}

    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                content = response.get("content", {}).get("application/json")
                if not content:
                    continue
                if code.startswith("2"):
                    content["schema"] = {
                        "type": "object",
                        "properties": {
                            "status": {"type": "string", "enum": ["success"]},
                            "data": content.get("schema", {}),
                            "meta": {"$ref": "#/components/schemas/EnvelopeMeta"},
                        },
                        "required": ["status", "data", "meta"],
                    }
                else:
                    content["schema"] = error_ref
            for code, description in STANDARD_ERRORS.items():
                takes_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
                if code == "400" and method == "get" and not takes_query:
                    continue
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": error_ref}}}
                )
    return result


def only_api_v1(endpoints):
    """The schema documents our versioned API only, not Wagtail's admin or page APIs."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
