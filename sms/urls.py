from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sms import views

admin.site.site_header = _("SMS administration")
admin.site.site_title = _("SMS administration")
admin.site.index_title = _("School records")
admin.site.login_form = views.AdminLoginForm  # the staff sign-in's brute-force limit

handler400 = "sms.errors.bad_request"
handler403 = "sms.errors.permission_denied"
handler404 = "sms.errors.page_not_found"
handler500 = "sms.errors.server_error"

urlpatterns = [
    # Extra admin pages (metrics dashboard, backups, audit timeline) come before admin.site.urls.
    path("admin/", include("sms.admin_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("sms.api_urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("sms.web_urls")),
]
