"""Everything under /api/v1/ (owned by the REST API, sms/api/).

To add endpoints: `router.register("prefix", ViewSet, basename="name")` for viewsets, or a
`path(...)` in urlpatterns for sms.api.views.BaseAPIView endpoints. One line per feature.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from attendance.api import AttendanceViewSet
from audit.api import AuditLogDetail, AuditLogList
from courses.api import CourseViewSet, EnrollmentViewSet
from grades.api import DailyPerformanceViewSet, GradeViewSet
from sms.api.auth import TokenView
from sms.api.docs import SchemaView, SwaggerView
from students.api import StudentViewSet

router = SimpleRouter()
router.register("students", StudentViewSet, basename="api-student")
router.register("courses", CourseViewSet, basename="api-course")
router.register("enrollments", EnrollmentViewSet, basename="api-enrollment")
router.register("grades", GradeViewSet, basename="api-grade")
router.register("attendance", AttendanceViewSet, basename="api-attendance")
router.register("daily-performance", DailyPerformanceViewSet, basename="api-daily-performance")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's initialiser as a script file: the CSP forbids inline scripts.
    # Swagger UI sets inline styles as it renders; allowed on this page only (styles, not scripts).
    path("docs/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("audit/logs/", AuditLogList.as_view(), name="api-audit-logs"),
    path("metrics/", include("metrics.api")),  # students/, courses/, grades/, attendance/, dashboard/
    path("audit/logs/<str:entry_id>/", AuditLogDetail.as_view(), name="api-audit-log"),
    path("", include(router.urls)),
    path("", include("sms.transfer.api_urls")),  # imports/<kind>/, exports/<kind>.<fmt>, report-cards/<pk>/
]
