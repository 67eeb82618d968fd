"""Admin-only tool pages added to the admin site, each app's under its own prefix.

Each app appends its own `path(...)` here (metrics/, backups/, audit/); templates/admin/index.html
links to them by URL name when they exist. Also the site's rate-limited sign-in (sms.views.admin_login).
"""

from django.urls import path

from audit import views as audit_views
from metrics import views as metrics_views
from sms import views
from sms.backup import views as backup_views

urlpatterns = [
    # The admin site's sign-in, rate limited with the staff sign-in's counters; it answers at the
    # address Django's "admin:login" reverses to, so every admin redirect lands here.
    path("login/", views.admin_login),
    path("tools/metrics/", metrics_views.dashboard_page, name="admin-metrics-dashboard"),
    path("tools/metrics/students/", metrics_views.students_page, name="admin-metrics-students"),
    path("tools/metrics/courses/", metrics_views.courses_page, name="admin-metrics-courses"),
    path("tools/metrics/grades/", metrics_views.grades_page, name="admin-metrics-grades"),
    path("tools/metrics/attendance/", metrics_views.attendance_page, name="admin-metrics-attendance"),
    path("tools/audit/", audit_views.timeline_page, name="admin-audit-timeline"),
    path("tools/audit/<str:entry_id>/", audit_views.entry_page, name="admin-audit-entry"),
    path("tools/backups/", backup_views.backups_page, name="admin-backups"),
    path("tools/backups/create/", backup_views.backup_create, name="admin-backups-create"),
    path("tools/backups/prune/", backup_views.backups_prune, name="admin-backups-prune"),
    path("tools/backups/rotate-key/", backup_views.backup_rotate_key, name="admin-backups-rotate-key"),
    path("tools/backups/<str:backup_id>/verify/", backup_views.backup_verify, name="admin-backups-verify"),
    path("tools/backups/<str:backup_id>/restore/", backup_views.backup_restore, name="admin-backups-restore"),
]
