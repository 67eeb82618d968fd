"""GET /api/v1/audit/logs/ (the timeline, filtered and paginated) and /logs/<id>/ (with its diff)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from audit import selectors
from audit.forms import TimelineFilterForm
from audit.models import Action, AuditLog
from audit.serializers import AuditEntryDetailSerializer, AuditEntrySerializer
from audit.services import log_action
from sms.api.permissions import IsAdminRole
from sms.api.views import BaseAPIView


class AuditAPIView(BaseAPIView):
    queryset = AuditLog.objects.none()  # tells the schema generator the model; rows come from selectors
    permission_classes = (IsAdminRole,)
    rate_limit_tier = "read"

    def permission_denied(self, request, message=None, code=None):
        if request.user.is_authenticated:
            log_action(action=Action.PERMISSION_DENIED, success=False, entity_type="audit",
                       changes={"path": request.path, "what": "audit API"}, user=request.user)
        super().permission_denied(request, message=message, code=code)


FILTERS = [
    OpenApiParameter("user", str, description="Username or user id"),
    OpenApiParameter("action", str, enum=[choice for choice, _label in Action.choices]),
    OpenApiParameter("entity_type", str, enum=selectors.entity_types(),
                     description='A record type ("grades.grade", "students.student"), "auth.user" (sign-ins, '
                                 'user administration), "backup" or "audit" (refused access to the trail)'),
    OpenApiParameter("entity_id", str),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class AuditLogList(AuditAPIView):
    @extend_schema(operation_id="audit_logs_list", parameters=FILTERS, responses=AuditEntrySerializer(many=True))
    def get(self, request):
        form = TimelineFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.timeline(form.cleaned_data), request, view=self)
        return paginator.get_paginated_response(AuditEntrySerializer(
            [_entry(row) for row in selectors.with_ids(page)], many=True).data)


class AuditLogDetail(AuditAPIView):
    @extend_schema(operation_id="audit_logs_retrieve", responses=AuditEntryDetailSerializer)
    def get(self, request, entry_id):
        found = selectors.entry(entry_id)
        if found is None:
            raise Http404
        return Response(AuditEntryDetailSerializer({**found, "timestamp": found["at"]}).data)


def _entry(row):
    return {
        "id": row["id"], "timestamp": row["at"], "user_id": row["user_id_"],
        "username": row["username_"], "action": row["action_"], "entity_type": row["entity_type_"],
        "entity_id": row["entity_id_"], "ip_address": row["ip"], "request_id": row["request"],
        "success": bool(row["ok"]),
    }
