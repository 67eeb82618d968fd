"""API: POST /api/v1/imports/<kind>/ (preview by default, dry_run=false to write), file exports
and report cards, on the shared base (envelope, role permissions, rate limits).

The import answers with every row's result, so a client can show the same preview as the web
page; confirming re-sends the file with dry_run=false (nothing is kept between the two calls).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from sms.api.views import BaseAPIView
from sms.transfer import audit, exporter, importer, kinds, reportcard, writers
from sms.transfer.forms import read_upload
from sms.transfer.views import file_response
from students.models import Student


class ImportRequest(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV (UTF-8) or XLSX, at most 10 MB; the first row names the columns.")
    dry_run = serializers.BooleanField(
        default=True, help_text="true (default): check and preview only; false: write all rows or none.")


def row_result(row):
    return {
        "row": row.number,
        "action": row.action,
        "key": row.key_text,
        "errors": row.errors,
        "messages": row.messages,
        "changes": {
            field: {"old": _plain(old), "new": _plain(new)} for field, (old, new) in row.changes.items()
        },
    }


def _plain(value):
    return value if isinstance(value, (str, int, float, bool, list, type(None))) else str(value)


def result_data(result, dry_run):
    return {
        "kind": result.kind.name,
        "dry_run": dry_run,
        "applied": result.applied,
        "ok": result.ok,
        "counts": result.counts,
        "ignored_columns": result.ignored_columns,
        "rows": [row_result(row) for row in result.rows],
    }


class RowResult(serializers.Serializer):
    row = serializers.IntegerField(help_text="Spreadsheet row number; the header is row 1.")
    action = serializers.ChoiceField(choices=importer.ACTIONS)
    key = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    messages = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(help_text='{field: {"old": ..., "new": ...}} for updates.')


class ImportResult(serializers.Serializer):
    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField()
    ok = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    ignored_columns = serializers.ListField(child=serializers.CharField())
    rows = RowResult(many=True)


FILE_RESPONSE = {
    (200, "text/csv"): OpenApiTypes.BINARY, (200, writers.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
}


class ImportView(BaseAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequest},
        responses={200: ImportResult, 400: ImportResult},
        summary="Preview (dry_run=true, the default) or import all rows or none (dry_run=false).",
    )
    def post(self, request, kind):
        kind = kinds.get(kind, importing=True)
        if kind is None:
            raise Http404
        if not kind.can_import(request.user):
            # DRF's own exception keeps the message (Django's PermissionDenied becomes a generic 403).
            raise exceptions.PermissionDenied(
                _("Your role does not allow importing %(kind)s.") % {"kind": kind.label})
        params = ImportRequest(data=request.data)
        params.is_valid(raise_exception=True)
        upload, dry_run = params.validated_data["file"], params.validated_data["dry_run"]
        table, _data = read_upload(upload)  # a bad file raises ValidationError: a 400 naming the problem
        if dry_run:
            result = importer.preview(kind, table, request.user)
        else:
            result = importer.apply(kind, table, request.user, upload.name)
        data = result_data(result, dry_run)
        if dry_run or result.applied:
            return Response(data)
        response = Response(status=status.HTTP_400_BAD_REQUEST)
        # The envelope's error says why; its data keeps every row's result, as the preview does.
        response.envelope_error = {
            "code": "IMPORT_ROWS_INVALID", "data": data, "details": {"counts": result.counts},
            "message": _(
                "Nothing was imported: some rows have errors. Fix them in the file and upload it again."),
        }
        return response


class ExportView(BaseAPIView):
    @extend_schema(responses=FILE_RESPONSE, operation_id="exports_retrieve",
                   summary="Export, filtered with the list filters, as CSV or XLSX.")
    def get(self, request, kind, fmt):
        kind = kinds.get(kind)
        if kind is None or fmt not in exporter.FORMATS:
            raise Http404
        queryset = exporter.filtered(kind, request.query_params, request)
        filters = {key: value for key, value in request.query_params.items() if value}
        data, _count = exporter.export(kind, queryset, fmt, filters)
        return file_response(data, fmt, exporter.filename(kind, fmt))


class ReportCardView(BaseAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("semester", str, description='e.g. "2026 Fall"; default: the latest.')],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The student's report card for a semester, in the request's language.",
    )
    def get(self, request, pk):
        student = get_object_or_404(Student, pk=pk)
        semester = reportcard.pick_semester(student, request.query_params.get("semester", ""))
        pdf = reportcard.render(student, semester, get_language())
        audit.record_report_card(student, semester)
        return file_response(pdf, "pdf", reportcard.filename(student, semester))
