"""Exceptions → envelope errors: rate limits and Django errors first, then DRF's own handling."""

import logging

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from sms.services import RowErrors

logger = logging.getLogger("sms.api")

VALIDATION_ERROR = "VALIDATION_ERROR"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"

# Violation codes raised by models and services that a client may branch on.
DOMAIN_CODES = {
    "duplicate_email": "DUPLICATE_EMAIL",
    "duplicate_student_id": "DUPLICATE_STUDENT_ID",
    "duplicate_course_code": "DUPLICATE_COURSE_CODE",
    "enrollment_exists": "ENROLLMENT_EXISTS",
    "attendance_exists": "ATTENDANCE_EXISTS",
    "not_enrolled": "NOT_ENROLLED",
    "unknown_category": "UNKNOWN_CATEGORY",
    "future_date": "FUTURE_DATE",
    "deleted": "RECORD_DELETED",
    "not_deleted": "NOT_DELETED",
    "authorization": "INVALID_CREDENTIALS",
}

CODES_BY_EXCEPTION = (
    (exceptions.NotAuthenticated, "NOT_AUTHENTICATED"),
    (exceptions.AuthenticationFailed, "AUTHENTICATION_FAILED"),
)


def default_messages():
    return {
        400: _("The request could not be understood. Check its syntax and parameters."),
        401: _("Authentication is required. Send a token or log in."),
        403: _("You do not have permission to do this."),
        404: _("The requested resource was not found."),
        405: _("This method is not allowed here."),
        413: _("The request body is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. Quote the request id if you contact support."),
    }


def default_error(status_code):
    code = INTERNAL_SERVER_ERROR if status_code >= 500 else f"HTTP_{status_code}"
    message = default_messages().get(status_code) or default_messages()[500 if status_code >= 500 else 400]
    return {"code": code, "message": message, "details": None}


def exception_handler(exc, context):
    if isinstance(exc, Ratelimited):
        return _rate_limited(getattr(exc, "retry_after", None) or 60)
    if isinstance(exc, exceptions.Throttled):
        return _rate_limited(exc.wait or 60)
    if isinstance(exc, DjangoValidationError):
        exc = _as_drf_validation_error(exc)
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        exc = _oversized(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's handler500 answers with the envelope
    response.envelope_error = _describe(exc, response)
    response.data = None
    return response


def _rate_limited(retry_after):
    set_rollback()
    response = Response(status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(int(retry_after))})
    response.envelope_error = {
        "code": RATE_LIMITED,
        "message": _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": int(retry_after)},
        "details": {"retry_after": int(retry_after)},
    }
    return response


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def _oversized(exc):
    """Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or with more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS) while DRF parses it; left alone, that is a bare 400 "could not be
    understood" and a logged traceback. Say what is wrong instead. Files are not counted: imports
    are streamed to disk and checked against their own 10 MB limit (sms/transfer/readers.py)."""
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ValidationError(
            {"non_field_errors": [_("The request has more fields than the server accepts (%(count)s).")
                                  % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}]})
    size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return RequestTooLarge(_("The request body is too large: the server accepts at most %(size)s.") % {"size": size})


class ServiceValidationError(exceptions.ValidationError):
    """A Django ValidationError from a service, with the violation codes kept for DOMAIN_CODES."""

    def __init__(self, detail, codes):
        super().__init__(detail)
        self.violation_codes = codes


def _as_drf_validation_error(error):
    if isinstance(error, RowErrors):
        rows = {str(index): _field_messages(errors) for index, errors in error.rows.items()}
        return ServiceValidationError({"rows": rows, "message": error.messages}, [])
    if hasattr(error, "error_dict"):
        detail = {_field_name(field): [str(m) for e in errors for m in e.messages]
                  for field, errors in error.error_dict.items()}
        codes = [e.code for errors in error.error_dict.values() for e in errors]
    else:
        detail = {"non_field_errors": list(error.messages)}
        codes = [e.code for e in error.error_list]
    return ServiceValidationError(detail, codes)


def _field_messages(errors):
    return {_field_name(field): list(messages) for field, messages in errors.items()}


def _field_name(field):
    return "non_field_errors" if field == NON_FIELD_ERRORS else field


def _describe(exc, response):
    if isinstance(exc, exceptions.ValidationError):
        return _validation_error(exc)
    code = next((name for kind, name in CODES_BY_EXCEPTION if isinstance(exc, kind)), None)
    detail = getattr(exc, "detail", None)
    message = detail if isinstance(detail, str) else default_error(response.status_code)["message"]
    return {"code": code or f"HTTP_{response.status_code}", "message": message, "details": None}


def _validation_error(exc):
    detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    if "rows" in detail and isinstance(exc, ServiceValidationError):
        return {"code": VALIDATION_ERROR, "message": detail["message"][0],
                "details": {"rows": detail["rows"]}}
    domain = _domain_code(exc)
    messages = _flat_messages(detail)
    if domain:
        message = messages[0] if messages else _("The data is not valid.")
    elif len(messages) == 1:
        message = messages[0]
    else:
        message = _("Some fields are not valid. See the details for what to fix.")
    return {"code": domain or VALIDATION_ERROR, "message": message, "details": _plain(detail)}


def _domain_code(exc):
    codes = getattr(exc, "violation_codes", None)
    if codes is None:
        codes = _flat_codes(exc.get_codes())
    return next((DOMAIN_CODES[code] for code in codes if code in DOMAIN_CODES), None)


def _flat_codes(codes):
    if isinstance(codes, dict):
        return [code for value in codes.values() for code in _flat_codes(value)]
    if isinstance(codes, list):
        return [code for value in codes for code in _flat_codes(value)]
    return [codes]


def _flat_messages(detail):
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flat_messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flat_messages(value)]
    return [str(detail)]


def _plain(detail):
    """ErrorDetail objects → plain strings, so the JSON has no surprises."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(value) for value in detail]
    return str(detail)
