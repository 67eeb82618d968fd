"""OpenAPI: every JSON response is described inside the envelope (a drf-spectacular hook)."""

ERROR_STATUSES = {
    "400": "Validation error (VALIDATION_ERROR or a domain code such as DUPLICATE_EMAIL).",
    "401": "No or invalid credentials.",
    "403": "The role does not allow this.",
    "404": "Not found (also for unknown URLs).",
    "429": "Rate limited (RATE_LIMITED); see the Retry-After header.",
    "500": "INTERNAL_SERVER_ERROR; quote meta.request_id.",
}

# 405 is not listed per operation: each operation is a method its path allows. It is the answer to
# any method a path does not list, documented once on the error envelope.
ERROR_ENVELOPE_DESCRIPTION = (
    "The body of every error: the statuses each operation lists, and 405 (HTTP_405, with an Allow "
    "header) for a method its path does not list, e.g. PUT or PATCH on an enrollment, which cannot be "
    "edited (delete it and enrol again)."
)

# Only operations that take a body can get these.
BODY_ERROR_STATUSES = {
    "413": "The body is larger than the server accepts (HTTP_413).",
    "415": "The body's Content-Type is not JSON, form or multipart, or it is malformed (HTTP_415).",
}

META = {
    "type": "object",
    "required": ["request_id", "timestamp", "version"],
    "properties": {
        "request_id": {"type": "string", "description": "Also in the X-Request-ID header; send your own "
                       "X-Request-ID (1–128 of A-Z a-z 0-9 . _ : -) to correlate."},
        "timestamp": {"type": "string", "format": "date-time", "description": "ISO 8601, UTC."},
        "version": {"type": "string", "description": "SMS version (the VERSION file)."},
    },
}

ERROR = {
    "type": "object",
    "required": ["code", "message", "details", "path"],
    "properties": {
        "code": {"type": "string", "example": "VALIDATION_ERROR",
                 "description": "HTTP_<status>, VALIDATION_ERROR, RATE_LIMITED, INTERNAL_SERVER_ERROR, "
                                "NOT_AUTHENTICATED, AUTHENTICATION_FAILED or a domain code: DUPLICATE_EMAIL, "
                                "DUPLICATE_STUDENT_ID, DUPLICATE_COURSE_CODE, ENROLLMENT_EXISTS, "
                                "ATTENDANCE_EXISTS, NOT_ENROLLED, UNKNOWN_CATEGORY, FUTURE_DATE, "
                                "INVALID_CREDENTIALS."},
        "message": {"type": "string", "description": "For people; in the Accept-Language language (en, el)."},
        "details": {"type": "object", "nullable": True, "additionalProperties": True,
                    "description": "field → messages; bulk writes: {rows: {index: {field: messages}}}."},
        "path": {"type": "string", "example": "/api/v1/students/"},
    },
}


def envelope(data_schema, success):
    return {
        "type": "object",
        "required": ["success", "data", "error", "meta"],
        "properties": {
            "success": {"type": "boolean", "enum": [success]},
            "data": _data(data_schema, success),
            "error": {"allOf": [{"$ref": "#/components/schemas/EnvelopeError"}], "nullable": not success}
            if not success else {"nullable": True, "example": None},
            "meta": {"$ref": "#/components/schemas/EnvelopeMeta"},
        },
    }


def _data(data_schema, success):
    if not data_schema:
        return {"nullable": True, "example": None}
    if success:
        return data_schema
    # An error response may carry a payload (a refused import's rows) but is null whenever the
    # exception handler answers (a missing file, a bad parameter): the same status, either shape.
    return {"allOf": [data_schema], "nullable": True}


def wrap_in_envelope(result, generator, request, public):
    """POSTPROCESSING_HOOK: wrap each JSON response; add the error responses every call may get."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["EnvelopeMeta"] = META
    schemas["EnvelopeError"] = ERROR
    schemas["ErrorEnvelope"] = {**envelope(None, False), "description": ERROR_ENVELOPE_DESCRIPTION}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                _wrap_operation(operation, public_path=path.endswith("/token/"))
    return result


def _wrap_operation(operation, public_path):
    _allow_blank_query_parameters(operation)
    for code, response in operation["responses"].items():
        content = response.get("content", {}).get("application/json")
        if content is not None:
            content["schema"] = envelope(content.get("schema"), success=str(code).startswith("2"))
    statuses = {**ERROR_STATUSES, **(BODY_ERROR_STATUSES if "requestBody" in operation else {})}
    for code, description in statuses.items():
        if public_path and code in ("401", "403"):
            continue
        operation["responses"].setdefault(code, {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
        })


def _allow_blank_query_parameters(operation):
    """An optional query parameter left blank (`?date_to=`) means "not filtered", as in the HTML
    filter forms of the web lists, which share these FilterSets; likewise a blank entry of a list
    (`?ordering=name,`) is skipped. Say so, so that clients (and the schemathesis fuzzing in
    sms/tests/test_api_fuzz.py) know these are accepted."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter["allowEmptyValue"] = True
            items = parameter.get("schema", {}).get("items", {})
            if "" not in items.get("enum", [""]):
                items["enum"].append("")
