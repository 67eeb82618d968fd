"""Staff pages: upload → preview → confirm for imports, file downloads for exports and report cards.

Roles: every signed-in role may export and download report cards (reading is all they do);
importing needs a role that may write that kind (viewers never), and teachers import enrollments
and grades only for the courses they teach (checked per row).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sms import roles
from sms.transfer import audit, exporter, flow, kinds, reportcard, writers
from sms.transfer.forms import UploadForm
from students.models import Student


def _require_reader(user):
    if not roles.can_read(user):
        raise PermissionDenied


def _import_kind(user, name):
    kind = kinds.get(name, importing=True)
    if kind is None:
        raise Http404
    if not kind.can_import(user):
        raise PermissionDenied(_("Your role does not allow importing %(kind)s.") % {"kind": kind.label})
    return kind


def file_response(data, fmt, filename):
    content_type = writers.CONTENT_TYPES.get(fmt, "application/pdf")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def index(request):
    _require_reader(request.user)
    return render(request, "transfer/index.html", {
        "import_kinds": [
            kind for kind in kinds.KINDS.values() if kind.importable and kind.can_import(request.user)
        ],
        "export_kinds": list(kinds.KINDS.values()),
        "formats": exporter.FORMATS,
        "query": request.GET.urlencode(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, kind):
    kind = _import_kind(request.user, kind)
    form, token = flow.receive(request, kind)
    if token:
        return redirect("transfer:preview", kind=kind.name, token=token)
    status = 400 if form.errors else 200
    return render(request, "transfer/upload.html", {"kind": kind, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, kind, token):
    kind = _import_kind(request.user, kind)
    step = flow.preview_or_confirm(request, kind, token)
    if step.expired:
        return redirect("transfer:upload", kind=kind.name)
    if step.file_errors:
        return render(request, "transfer/upload.html", {
            "kind": kind, "form": UploadForm(), "file_errors": step.file_errors}, status=step.status)
    if step.result.applied:
        return redirect("transfer:index")
    return render(request, "transfer/preview.html", {
        "kind": kind, **step.preview_context(),
        "upload_url": reverse("transfer:upload", kwargs={"kind": kind.name}),
    }, status=step.status)


@login_required
@require_GET
def template(request, kind, fmt):
    """An empty file with the header row: where people start a new import."""
    kind = kinds.get(kind, importing=True)
    if kind is None or fmt not in exporter.FORMATS:
        raise Http404
    _require_reader(request.user)
    return file_response(writers.write(fmt, kind.headers(), []), fmt, f"{kind.name}-template.{fmt}")


@login_required
@require_GET
def export(request, kind, fmt):
    kind = kinds.get(kind)
    if kind is None or fmt not in exporter.FORMATS:
        raise Http404
    _require_reader(request.user)
    try:
        queryset = exporter.filtered(kind, request.GET, request)
    except ValidationError as error:
        return render(request, "transfer/error.html", {"messages_list": error.messages}, status=400)
    filters = {key: value for key, value in request.GET.items() if value}
    data, _count = exporter.export(kind, queryset, fmt, filters)
    return file_response(data, fmt, exporter.filename(kind, fmt))


@login_required
@require_GET
def report_card(request, pk):
    _require_reader(request.user)
    student = get_object_or_404(Student, pk=pk)
    try:
        semester = reportcard.pick_semester(student, request.GET.get("semester", ""))
    except ValidationError as error:
        return render(request, "transfer/error.html", {"messages_list": error.messages}, status=404)
    pdf = reportcard.render(student, semester, get_language())
    audit.record_report_card(student, semester)
    return file_response(pdf, "pdf", reportcard.filename(student, semester))

