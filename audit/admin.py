from django.contrib import admin

from audit.models import AuditLog
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
