"""Admin-only tool pages added to the admin site, each app's under its own prefix.

Each app appends its own `path(...)` here (metrics/, backups/, audit/); templates/admin/index.html
links to them by URL name when they exist.
"""

urlpatterns = []
