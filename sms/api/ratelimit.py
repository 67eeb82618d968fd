"""Rate-limit tiers (read, write, auth) with django-ratelimit, as a DRF throttle on every view.

Rates come from settings.SMS_API_RATE_LIMITS, e.g. {"read": "600/m", "write": "120/m",
"auth": "10/m"}; counts live in the default cache (Redis when REDIS_URL is set, so every
process shares them). A view picks its tier with `rate_limit_tier`; otherwise GET/HEAD/OPTIONS
are "read" and the rest "write". Authenticated clients are counted per user, others per IP.
Refused requests (401, 403) count as well, once each (sms.api.views.APISettings.initial).

Fail-open: when the cache cannot be reached (Redis down) the request is served without a limit
and a warning is logged. The limits protect capacity, not data (every request is still
authenticated and authorised), and a school must be able to record grades during a cache outage.
"""

import ipaddress
import logging

from django.conf import settings
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from sms.middleware import client_ip

logger = logging.getLogger("sms.api.ratelimit")

READ, WRITE, AUTH = "read", "write", "auth"
DEFAULT_RATES = {READ: "600/m", WRITE: "120/m", AUTH: "10/m"}
CACHE_ERRORS = (OSError, RedisError)


def tier_for(request, view):
    tier = getattr(view, "rate_limit_tier", None)
    if tier:
        return tier
    return READ if request.method in SAFE_METHODS else WRITE


def rate_for(tier):
    rates = {**DEFAULT_RATES, **getattr(settings, "SMS_API_RATE_LIMITS", {})}
    return rates[tier]


def client_key(group, request):
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"ip:{ip_key(group, request)}"


def ip_key(group, request):
    """The client's address (behind trusted proxies too), IPv6 by its /64 as django-ratelimit's "ip"
    key does: one household or server usually holds a whole /64 and could rotate through it."""
    address = client_ip(request)
    if address and ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


def seconds_to_wait(request, tier, group):
    """Counts this request in `group` at the tier's rate, per user or address as the API does: the
    seconds to wait when it is over the limit, else 0. Fail-open, as explained above."""
    try:
        usage = get_usage(request, group=group, key=client_key, rate=rate_for(tier), increment=True)
    except CACHE_ERRORS as error:
        logger.warning("Rate limit cache unavailable, serving without a limit (fail-open): %s", error)
        return 0
    if usage and usage["should_limit"]:
        return max(int(usage["time_left"]), 1)
    return 0


class TieredRateLimit(BaseThrottle):
    """Raises Ratelimited (→ 429 RATE_LIMITED with Retry-After) when the client's tier is spent."""

    def allow_request(self, request, view):
        tier = tier_for(request, view)
        wait = seconds_to_wait(request, tier, group=f"sms-api-{tier}")
        if wait:
            exc = Ratelimited()
            exc.retry_after = wait
            raise exc
        return True
