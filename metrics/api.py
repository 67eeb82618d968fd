"""GET /api/v1/metrics/<report>/?semester=&course= for administrators, in the envelope."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from metrics import reports
from metrics.forms import MetricsFilterForm
from metrics.selectors import Scope
from sms.api.permissions import IsAdminRole
from sms.api.views import BaseAPIView


class MetricsView(BaseAPIView):
    permission_classes = (IsAdminRole,)
    rate_limit_tier = "read"

    @extend_schema(
        operation_id="metrics_report",
        parameters=[OpenApiParameter("semester", str, description='e.g. "2026 Fall"'),
                    OpenApiParameter("course", int, description="A course id")],
        responses={200: OpenApiTypes.OBJECT},
        description="Reports: students, courses, grades, attendance, dashboard. Grades are normalised by "
                    "their maximum; final grades follow each course's evaluation rules.",
    )
    def get(self, request, report):
        if report not in reports.REPORTS:
            raise Http404
        form = MetricsFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return Response(reports.report(report, Scope(**form.cleaned_data)))
