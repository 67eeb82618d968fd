from django.contrib import admin
from django.urls import include, path

handler400 = "sms.errors.bad_request"
handler403 = "sms.errors.permission_denied"
handler404 = "sms.errors.page_not_found"
handler500 = "sms.errors.server_error"

urlpatterns = [
    # Extra admin pages (metrics dashboard, backups, audit timeline) come before admin.site.urls.
    path("admin/", include("sms.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("sms.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("sms.web_urls")),
]
