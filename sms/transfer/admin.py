"""Admin hooks on the change list of each kind: "export selected" actions, and an import inside the
admin site (upload → preview → confirm) through the same steps and importer as the staff pages."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sms import roles
from sms.transfer import exporter, flow, kinds
from sms.transfer.forms import UploadForm
from sms.transfer.views import file_response


def _export_selected(modeladmin, queryset, fmt):
    kind = kinds.get(modeladmin.transfer_kind)
    selected = kind.export_queryset().filter(pk__in=queryset.filter(deleted_at__isnull=True).values("pk"))
    data, _count = exporter.export(kind, selected, fmt, {"admin_selection": True})
    return file_response(data, fmt, exporter.filename(kind, fmt))


@admin.action(description=gettext_lazy("Export selected to CSV"))
def export_selected_csv(modeladmin, request, queryset):
    return _export_selected(modeladmin, queryset, "csv")


@admin.action(description=gettext_lazy("Export selected to Excel (XLSX)"))
def export_selected_xlsx(modeladmin, request, queryset):
    return _export_selected(modeladmin, queryset, "xlsx")


def can_import_in_admin(user, kind):
    """The admin site's import is for admins; teachers import their courses' records on the staff page."""
    return kind is not None and roles.is_admin(user) and kind.can_import(user)


class TransferAdminMixin:
    """Mix into a domain ModelAdmin and set `transfer_kind` (a name in sms.transfer.kinds.KINDS)."""

    transfer_kind = ""
    change_list_template = "transfer/admin_change_list.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if roles.can_read(request.user):
            for action in (export_selected_csv, export_selected_xlsx):
                actions[action.__name__] = self.get_action(action)
        return actions

    def get_urls(self):
        if kinds.get(self.transfer_kind, importing=True) is None:
            return super().get_urls()
        wrap = self.admin_site.admin_view  # signed-in staff only, CSRF-checked
        methods = require_http_methods(["GET", "POST"])
        prefix = self._url_name("")
        return [  # before the model admin's own URLs, whose "<object_id>/" would match "import/"
            path("import/", wrap(methods(self.import_upload_view)), name=f"{prefix}import"),
            path("import/<str:token>/", wrap(methods(self.import_preview_view)),
                 name=f"{prefix}import_preview"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        kind = kinds.get(self.transfer_kind, importing=True)
        if can_import_in_admin(request.user, kind):
            url = reverse(f"admin:{self._url_name('import')}")
        elif kind is not None and kind.can_import(request.user):
            url = reverse("transfer:upload", kwargs={"kind": kind.name})
        else:
            url = None
        extra_context = {**(extra_context or {}), "transfer_import_url": url}
        return super().changelist_view(request, extra_context)

    def import_upload_view(self, request):
        kind = self._import_kind(request)
        form, token = flow.receive(request, kind)
        if token:
            return redirect(f"admin:{self._url_name('import_preview')}", token=token)
        return self._render_import(request, kind, "transfer/admin_upload.html", {"form": form},
                                   status=400 if form.errors else 200)

    def import_preview_view(self, request, token):
        kind = self._import_kind(request)
        step = flow.preview_or_confirm(request, kind, token)
        if step.expired:
            return redirect(f"admin:{self._url_name('import')}")
        if step.file_errors:
            return self._render_import(request, kind, "transfer/admin_upload.html", {
                "form": UploadForm(), "file_errors": step.file_errors}, status=step.status)
        if step.result.applied:
            return redirect(f"admin:{self._url_name('changelist')}")
        return self._render_import(request, kind, "transfer/admin_preview.html", {
            **step.preview_context(), "upload_url": reverse(f"admin:{self._url_name('import')}"),
            "title": _("Import %(kind)s from %(file)s") % {"kind": kind.label, "file": step.filename},
        }, status=step.status)

    def _import_kind(self, request):
        kind = kinds.get(self.transfer_kind, importing=True)
        if not can_import_in_admin(request.user, kind):
            raise PermissionDenied
        return kind

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _render_import(self, request, kind, template, context, status):
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.opts, "kind": kind,
            "title": _("Import %(kind)s") % {"kind": kind.label},
            "changelist_url": reverse(f"admin:{self._url_name('changelist')}"), **context,
        }, status=status)
