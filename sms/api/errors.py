"""The envelope for errors raised outside DRF views (unknown URLs, CSRF, crashes): sms/errors.py."""

from django.http import JsonResponse

from sms.api import envelope
from sms.api.exceptions import default_error


def envelope_error_response(request, status):
    """A JsonResponse in the envelope for `status`, e.g. an unknown /api/ URL → 404 HTTP_404.

    A 500 says only that something went wrong, with the request id to quote: no trace, no SQL.
    """
    body = envelope.failure(request, **default_error(status))
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if getattr(request, "request_id", None):
        response["X-Request-ID"] = request.request_id
    return response
