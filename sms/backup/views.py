"""The backups page in the admin site: admins only; every operation is a POST (CSRF-checked),
runs through sms.backup.services (which writes its audit entry) and comes back as a message."""

import datetime
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import log_action
from sms import roles
from sms.backup import services
from sms.backup.forms import PruneForm


def admin_only(view):
    """Admins pass; others signed in get 403 and the attempt is logged; anonymous users sign in."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="admin:login")
        if not roles.is_admin(request.user):
            log_action(action=Action.PERMISSION_DENIED, success=False, entity_type="backup",
                       changes={"path": request.path, "what": "backups"})
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@admin_only
def backups_page(request):
    try:
        backups, problem = [_row(item) for item in services.list_backups()], None
    except ImproperlyConfigured as error:
        backups, problem = [], str(error)
    return render(request, "backup/index.html", {
        **admin.site.each_context(request), "title": _("Encrypted backups"), "backups": backups,
        "problem": problem, "prune_form": PruneForm(), "backup_dir": services.backup_dir(),
    })


def _row(item):
    try:
        created = datetime.datetime.fromisoformat(str(item.get("created_at")))
    except ValueError:
        created = None
    return {**item, "created": created, "status_label": services.STATUSES[item["status"]]}


def _outcome(request, operation, success):
    """Run an operation; its BackupError (or a misplaced key file) becomes an error message."""
    try:
        result = operation()
    except (services.BackupError, ImproperlyConfigured) as error:
        messages.error(request, str(error))
        return None
    messages.success(request, success(result))
    return result


@admin_only
@require_POST
def backup_create(request):
    _outcome(request, lambda: services.create(reason="admin page"),
             lambda made: _("Backup %(id)s was created (%(size)s).") % {
                 "id": made["id"], "size": filesizeformat(made["size"])})
    return redirect("admin-backups")


@admin_only
@require_POST
def backup_verify(request, backup_id):
    _outcome(request, lambda: services.verify(backup_id),
             lambda _made: _("Backup %(id)s is intact: every part decrypts and authenticates.") % {"id": backup_id})
    return redirect("admin-backups")


@admin_only
def backup_restore(request, backup_id):
    """GET: what will happen, and a button to confirm. POST with confirm=yes: restore."""
    try:
        metadata, _file, _meta = services.read_metadata(backup_id)
    except services.BackupError as error:
        messages.error(request, str(error))
        return redirect("admin-backups")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        _outcome(request, lambda: services.restore(backup_id), lambda safety: _(
            "Backup %(id)s was restored. The database as it was before is in backup %(safety)s."
        ) % {"id": backup_id, "safety": safety["id"]})
        return redirect("admin-backups")
    if request.method == "POST":
        messages.error(request, _("Confirm the restore with the button on this page."))
    return render(request, "backup/confirm_restore.html", {
        **admin.site.each_context(request), "title": _("Restore backup %(id)s") % {"id": backup_id},
        "backup": _row({**metadata, "status": "unverified"}),
    })


@admin_only
@require_POST
def backups_prune(request):
    form = PruneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["keep"]))
        return redirect("admin-backups")
    keep = form.cleaned_data["keep"]
    _outcome(request, lambda: services.prune(keep=keep), lambda deleted: ngettext(
        "Deleted %(count)s backup; the %(keep)s newest are kept.",
        "Deleted %(count)s backups; the %(keep)s newest are kept.", len(deleted),
    ) % {"count": len(deleted), "keep": keep})
    return redirect("admin-backups")


@admin_only
@require_POST
def backup_rotate_key(request):
    _outcome(request, services.rotate_key, lambda result: ngettext(
        "New master key %(key)s; the data key of %(count)s backup was re-wrapped with it.",
        "New master key %(key)s; the data keys of %(count)s backups were re-wrapped with it.", result[1],
    ) % {"key": result[0], "count": result[1]})
    return redirect("admin-backups")
