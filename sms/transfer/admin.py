"""Admin hooks: "export selected" actions and an import link on the change lists of each kind."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sms import roles
from sms.transfer import exporter, kinds
from sms.transfer.views import file_response


def _export_selected(modeladmin, queryset, fmt):
    kind = kinds.get(modeladmin.transfer_kind)
    selected = kind.export_queryset().filter(pk__in=queryset.filter(deleted_at__isnull=True).values("pk"))
    data, _count = exporter.export(kind, selected, fmt, {"admin_selection": True})
    return file_response(data, fmt, exporter.filename(kind, fmt))


@admin.action(description=_("Export selected to CSV"))
def export_selected_csv(modeladmin, request, queryset):
    return _export_selected(modeladmin, queryset, "csv")


@admin.action(description=_("Export selected to Excel (XLSX)"))
def export_selected_xlsx(modeladmin, request, queryset):
    return _export_selected(modeladmin, queryset, "xlsx")


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

    def changelist_view(self, request, extra_context=None):
        kind = kinds.get(self.transfer_kind, importing=True)
        if kind is not None and kind.can_import(request.user):
            extra_context = {**(extra_context or {}),
                             "transfer_import_url": reverse("transfer:upload", kwargs={"kind": kind.name})}
        return super().changelist_view(request, extra_context)
