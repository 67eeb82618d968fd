import ipaddress
import re
import uuid
from functools import lru_cache

from django.conf import settings
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware

from sms import context

# Letters, digits and a few separators: enough for UUIDs and tracing ids, never a header injection.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_from(request):
    candidate = request.headers.get("X-Request-ID", "")
    return candidate if SAFE_REQUEST_ID.match(candidate) else uuid.uuid4().hex


def client_ip(request):
    """The client's address, for audit entries, history rows and rate limits; None when unknown.

    REMOTE_ADDR, unless it is one of settings.SMS_TRUSTED_PROXIES: then the right-most
    X-Forwarded-For hop that is not a trusted proxy. Hops are read from the right because each
    proxy appends the address it saw; everything left of that is whatever the client sent. A
    malformed hop ends the walk at the last trusted proxy: what lies beyond it cannot be believed.
    """
    address = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = _networks(tuple(settings.SMS_TRUSTED_PROXIES))
    if address is None or not _is_proxy(address, proxies):
        return None if address is None else str(address)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            break
        address = hop_address
        if not _is_proxy(address, proxies):
            break
    return str(address)


def _address(text):
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1, for matching and for storing
    return None if getattr(address, "scope_id", None) else address


@lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_proxy(address, networks):
    return any(address in network for network in networks)


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
