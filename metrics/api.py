"""GET /api/v1/metrics/<report>/?semester=&course= for administrators, in the envelope.

One path and one view per report, so the OpenAPI schema describes each report's own answer
(metrics/serializers.py) and clients and schemathesis can check it.
"""

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from metrics import reports
from metrics.access import log_refusal
from metrics.forms import MetricsFilterForm
from metrics.selectors import Scope
from metrics.serializers import REPORT_SERIALIZERS
from sms.api.permissions import IsAdminRole
from sms.api.views import BaseAPIView

FILTERS = [
    OpenApiParameter("semester", str, description='A year and a term, e.g. "2026 Fall" (any case); blank: every '
                                                  "semester."),
    OpenApiParameter("course", int, description="A course id; blank: every course."),
]
DESCRIPTIONS = {
    "students": "Students: total, active, new this semester, at risk (final grade under 10 or absences over a "
                "course's limit) with their ids, enrolled per course.",
    "courses": "Per course: enrolled, graded, average final grade (0–20), pass rate, attendance rate, final "
               "grades by Greek label.",
    "grades": "Every grade normalised by its maximum: 0–20 histogram in bands of 2, counts by letter and Greek "
              "label, average, median, pass rate.",
    "attendance": "Attendance rate (Present or Late) overall and per course, counts per status, weekly trend, "
                  "enrollments and students over the absence limit.",
    "dashboard": "The headline of each report.",
}


class MetricsView(BaseAPIView):
    permission_classes = (IsAdminRole,)
    rate_limit_tier = "read"
    report = None  # a key of reports.REPORTS, set by each report's view below

    def permission_denied(self, request, message=None, code=None):
        if request.user.is_authenticated:
            log_refusal(request, "metrics API", user=request.user)
        super().permission_denied(request, message=message, code=code)

    def get(self, request):
        form = MetricsFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return Response(reports.report(self.report, Scope(**form.cleaned_data)))


def report_view(name):
    """MetricsView for one report, with that report's schema."""

    @extend_schema(
        operation_id=f"metrics_{name}", tags=["metrics"], parameters=FILTERS,
        responses={200: REPORT_SERIALIZERS[name]}, summary=f"Metrics: {name}",
        description=f"{DESCRIPTIONS[name]} Administrators only; numbers are at most a minute old.",
    )
    def get(self, request):  # a function of its own: extend_schema annotates the function it is given
        return MetricsView.get(self, request)

    return type(f"Metrics{name.title()}View", (MetricsView,), {"report": name, "get": get})


urlpatterns = [path(f"{name}/", report_view(name).as_view(), name=f"api-metrics-{name}") for name in reports.REPORTS]
