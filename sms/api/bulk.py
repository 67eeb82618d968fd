"""POST /api/v1/<resource>/bulk/: many rows, all or nothing, errors per row."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

MAX_BULK_ROWS = 1000


def row_errors(errors):
    """{"index": {field: messages}} for the failing rows; DRF gives a list or an {index: ...} dict."""
    pairs = errors.items() if isinstance(errors, dict) else enumerate(errors)
    return {str(index): row for index, row in pairs if row}


class BulkCreateMixin:
    """Needs create_objects(rows) calling the app's *_bulk service (which raises RowErrors)."""

    @extend_schema(summary="Create many records: all or nothing; row errors in error.details.rows.")
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def bulk(self, request):
        rows = self.bulk_rows(request.data)
        serializer = self.get_serializer(data=rows, many=True)
        if not serializer.is_valid():
            raise exceptions.ValidationError({"rows": row_errors(serializer.errors)})
        for data in serializer.validated_data:
            self.require(self.can_create(request.user, data))
        created = self.create_objects(serializer.validated_data)
        return Response(self.get_serializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def bulk_rows(payload):
        rows = payload.get("items") if isinstance(payload, dict) else payload
        if not isinstance(rows, list) or not rows:
            raise exceptions.ValidationError(
                {"items": [_("Send a non-empty list of rows, or {\"items\": [...]}.")]})
        if len(rows) > MAX_BULK_ROWS:
            raise exceptions.ValidationError(
                {"items": [_("At most %(max)s rows per request; split the list.") % {"max": MAX_BULK_ROWS}]})
        return rows
