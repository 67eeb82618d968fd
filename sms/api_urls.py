"""Everything under /api/v1/ (owned by the REST API, sms/api/)."""

urlpatterns = []
