"""The one response shape of /api/: {success, data, error, meta}."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

from sms import context


def meta(request):
    request_id = getattr(request, "request_id", "") or context.current().request_id
    return {
        "request_id": request_id,
        "timestamp": timezone.now().astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "version": settings.VERSION,
    }


def success(request, data):
    return {"success": True, "data": data, "error": None, "meta": meta(request)}


def failure(request, *, code, message, details=None, data=None):
    return {
        "success": False,
        "data": data,
        "error": {"code": code, "message": str(message), "details": details, "path": request.path},
        "meta": meta(request),
    }
