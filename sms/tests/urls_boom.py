"""A URL that raises, for the 500 page test (sms/tests/test_web_site.py)."""

from django.urls import path


def boom(request):
    raise RuntimeError("secret detail")


urlpatterns = [path("boom/", boom)]
handler500 = "sms.errors.server_error"
