"""Admin-only tool pages added to the admin site, each app's under its own prefix.

Each app appends its own `path(...)` here (metrics/, backups/, audit/); templates/admin/index.html
links to them by URL name when they exist.
"""

from django.urls import path

from audit import views as audit_views
from metrics import views as metrics_views

urlpatterns = [
    path("tools/metrics/", metrics_views.dashboard_page, name="admin-metrics-dashboard"),
    path("tools/audit/", audit_views.timeline_page, name="admin-audit-timeline"),
    path("tools/audit/<str:entry_id>/", audit_views.entry_page, name="admin-audit-entry"),
]
