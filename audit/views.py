"""The audit timeline in the admin site: admins only, rate limited like the API; a refused attempt
is itself logged."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit import selectors
from audit.forms import TimelineFilterForm
from audit.models import Action
from audit.services import log_action
from sms import roles
from sms.api import ratelimit

PAGE_SIZE = 50


def require_admin(request, what):
    """Admins pass, within the API's read rate (a 429 page beyond it); anyone else signed in gets
    403, and the attempt goes to the audit log. Returns the response to send instead, or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="admin:login")
    if not roles.is_admin(request.user):
        log_action(action=Action.PERMISSION_DENIED, success=False, entity_type="audit",
                   changes={"path": request.path, "what": what})
        raise PermissionDenied
    wait = ratelimit.seconds_to_wait(request, ratelimit.READ, group="sms-admin-audit")
    if wait:
        response = render(request, "audit/rate_limited.html", {
            **admin.site.each_context(request), "title": _("Audit timeline"),
            "message": _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait},
        }, status=429)
        response["Retry-After"] = str(wait)
        return response
    return None


def timeline_page(request):
    refused = require_admin(request, "audit timeline")
    if refused:
        return refused
    form = TimelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.timeline(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/timeline.html", {
        **admin.site.each_context(request), "title": _("Audit timeline"), "form": form,
        "page": page, "entries": selectors.with_ids(page.object_list), "query": query.urlencode(),
    })


def entry_page(request, entry_id):
    refused = require_admin(request, "audit entry")
    if refused:
        return refused
    found = selectors.entry(entry_id)
    if found is None:
        raise Http404
    return render(request, "audit/entry.html", {**admin.site.each_context(request), "entry": found,
                                                "title": found["id"]})
