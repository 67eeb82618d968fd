"""Exports: the kind's rows, filtered like its list page, as CSV or XLSX bytes."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sms.transfer import audit, writers

FORMATS = ("csv", "xlsx")


def filtered(kind, params, request=None):
    """The export queryset narrowed by the list page's FilterSet; ValidationError for bad filters."""
    queryset = kind.export_queryset()
    if not kind.filterset:
        return queryset
    filterset = import_string(kind.filterset)(params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(
            [f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()], code="bad_filter"
        )
    return filterset.qs


def export(kind, queryset, fmt, filters=None):
    """(file bytes, row count) of the queryset in `fmt`; audited with the filters used."""
    if fmt not in FORMATS:
        raise ValidationError(_("Choose CSV or XLSX."), code="bad_format")
    rows = [[column.export(obj) for column in kind.columns] for obj in queryset.iterator(chunk_size=2000)]
    data = writers.write(fmt, kind.headers(), rows)
    audit.record_export(kind, fmt, len(rows), filters or {})
    return data, len(rows)


def filename(kind, fmt):
    return f"{kind.name}-{timezone.localdate().isoformat()}.{fmt}"
