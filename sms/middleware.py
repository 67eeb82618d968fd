import re
import uuid

from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware

from sms import context

# Letters, digits and a few separators: enough for UUIDs and tracing ids, never a header injection.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_from(request):
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if SAFE_REQUEST_ID.match(candidate) else uuid.uuid4().hex


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id and exposes who/where/how to history, audit and logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        with context.acting(
            request=request,
            request_id=request.request_id,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:512],
            source=context.source_for_path(request.path),
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's, minus the slash-appending redirect under /api/.

    A redirect answers an API client with an empty 301 that drops a POST's body (and, with
    DEBUG on, Django raises a 500 for it); the client gets the envelope's 404 instead, which
    names the address with the slash (sms.api.errors).
    """

    def should_redirect_with_slash(self, request):
        return not request.path_info.startswith("/api/") and super().should_redirect_with_slash(request)
