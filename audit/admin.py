from django.contrib import admin

from audit.models import AuditLog
from audit.views import require_admin
from sms import roles


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: audit entries are never added, changed or deleted by hand."""

    list_display = ("timestamp", "username", "action", "entity_type", "entity_id", "ip_address", "request_id",
                    "success")
    list_filter = ("action", "success", "entity_type")
    search_fields = ("username", "entity_id", "request_id", "ip_address")
    date_hierarchy = "timestamp"
    readonly_fields = [field.name for field in AuditLog._meta.fields]

    # Staff without the admin role are refused like on the timeline: 403, logged; admins rate limited.
    def changelist_view(self, request, extra_context=None):
        return require_admin(request, "audit log list") or super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return require_admin(request, "audit entry") or super().change_view(request, object_id, form_url,
                                                                            extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return require_admin(request, "audit entry") or super().history_view(request, object_id, extra_context)

    # The admin role reads the audit log; its group holds no model permission for it on purpose.
    def has_module_permission(self, request):
        return roles.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
