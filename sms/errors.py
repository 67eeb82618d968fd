"""Error views for the whole site: the JSON envelope under /api/, friendly pages elsewhere.

The REST API owns the envelope (sms.api); the web pages own the templates (403/404/500.html).
"""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token


def _is_api(request):
    return request.path.startswith("/api/")


def _api_error(request, status):
    try:
        from sms.api.errors import envelope_error_response
    except ImportError:  # the API package is not installed yet
        return JsonResponse({"success": False, "data": None, "error": {"code": f"HTTP_{status}"}}, status=status)
    return envelope_error_response(request, status)


def _page(request, status, **extra):
    return render(request, f"{status}.html", {"status": status, **extra}, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _api_error(request, 400) if _is_api(request) else _page(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _api_error(request, 403) if _is_api(request) else _page(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _api_error(request, 404) if _is_api(request) else _page(request, 404)


@requires_csrf_token
def server_error(request):
    if _is_api(request):
        return _api_error(request, 500)
    # No context processors: they may need the database, which may be what failed.
    body = loader.get_template("500.html").render(
        {"request_id": getattr(request, "request_id", ""), "LANGUAGE_CODE": get_language()}
    )
    return HttpResponseServerError(body)


@requires_csrf_token
def csrf_failure(request, reason=""):
    return _api_error(request, 403) if _is_api(request) else _page(request, 403, csrf_failed=True)
