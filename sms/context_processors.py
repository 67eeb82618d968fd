from django.conf import settings

from sms import roles


def sms(request):
    return {
        "sms_version": settings.VERSION,
        "request_id": getattr(request, "request_id", ""),
        "user_role": roles.role_of(request.user) if hasattr(request, "user") else None,
    }
