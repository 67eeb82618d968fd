"""The envelope for errors raised outside DRF views (unknown URLs, CSRF, crashes): sms/errors.py."""

from django.http import JsonResponse
from django.urls import is_valid_path
from django.utils.translation import gettext as _

from sms.api import envelope
from sms.api.exceptions import default_error


def envelope_error_response(request, status):
    """A JsonResponse in the envelope for `status`, e.g. an unknown /api/ URL → 404 HTTP_404.

    A 500 says only that something went wrong, with the request id to quote: no trace, no SQL.
    """
    error = default_error(status)
    if status == 404 and _needs_trailing_slash(request):
        error["message"] = _("API addresses end with a slash: use %(path)s") % {"path": request.path + "/"}
    body = envelope.failure(request, **error)
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if getattr(request, "request_id", None):
        response["X-Request-ID"] = request.request_id
    return response


def _needs_trailing_slash(request):
    path = request.path_info
    return not path.endswith("/") and is_valid_path(f"{path}/", getattr(request, "urlconf", None))
