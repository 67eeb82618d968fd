"""Who sees the metrics: administrators only, on the admin pages and in the API. Anyone else
signed in is refused (403), and the attempt goes to the audit log, as for the audit trail and the
backups."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from audit.models import Action
from audit.services import log_action
from sms import roles


def log_refusal(request, what, user=None):
    log_action(action=Action.PERMISSION_DENIED, success=False, entity_type="metrics",
               changes={"path": request.path, "what": what}, user=user)


def admin_only(view):
    """Admins pass; others signed in get 403 and the attempt is logged; anonymous users sign in."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="admin:login")
        if not roles.is_admin(request.user):
            log_refusal(request, "metrics pages")
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked
