"""Role permissions for the API, the same rules as the web pages (sms.roles, <app>/access.py)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from sms import roles


class RolePermission(BasePermission):
    """Reading needs any role; writing needs `view.can_write(user)` (default: admin or teacher).

    Per object, unsafe methods also ask `view.can_change(user, obj)` when the view defines it,
    e.g. a teacher changes grades only in the courses they teach.
    """

    def has_permission(self, request, view):
        if not roles.can_read(request.user):
            return False
        if request.method in SAFE_METHODS:
            return True
        can_write = getattr(view, "can_write", roles.can_write)
        return can_write(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        can_change = getattr(view, "can_change", None)
        return can_change is None or can_change(request.user, obj)


class IsAdminRole(BasePermission):
    """Administrators only (audit, backups, restore of deleted records)."""

    def has_permission(self, request, view):
        return roles.is_admin(request.user)


class ReadOnlyRole(BasePermission):
    """Any role may read; nobody writes through this endpoint."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS and roles.can_read(request.user)
