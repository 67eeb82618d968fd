"""Everything under /api/v1/ (owned by the REST API, sms/api/)."""

from django.urls import include, path

urlpatterns = [
    path("", include("sms.transfer.api_urls")),  # imports/<kind>/, exports/<kind>.<fmt>, report-cards/<pk>/
]
