from django.contrib import admin

from sms import roles


class SMSAdminSite(admin.AdminSite):
    """Django's admin site, closed to teachers and viewers even when they hold the staff flag.

    The admin checks model permissions only, so a teacher let in would change grades and attendance
    of every course; their work happens in the staff pages, where each app's access module checks the
    courses they teach. Administrators, and staff accounts without an SMS role that a superuser gave
    Django permissions on purpose, keep the admin.
    """

    def has_permission(self, request):
        return super().has_permission(request) and roles.role_of(request.user) not in (roles.TEACHER, roles.VIEWER)
