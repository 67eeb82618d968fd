"""Check a table of rows against a kind, then write it all or nothing through the domain services.

The preview is the real import run inside a transaction that is rolled back: every row goes
through the same service calls (and so the same validation) as on confirm, so a preview that
shows no errors means the confirm will write exactly what it showed, unless the data changed in
between, in which case the confirm reports the new errors and writes nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sms import services
from sms.transfer import audit
from sms.transfer.columns import OMIT

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTIONS = (CREATE, UPDATE, UNCHANGED, ERROR)
# Every row is validated and written through the services (about 3.5 ms a row on SQLite here,
# mostly Django checking the conditional unique constraints), once for the preview and once on
# confirm: 5,000 rows stay near 18 s, inside a worker's 30 s request timeout. Split larger files.
MAX_ROWS = 5000


@dataclass
class Row:
    number: int  # the spreadsheet row number (the header is row 1)
    cells: dict
    values: dict = field(default_factory=dict)  # model field → parsed value, blanks left out
    keyed: dict = field(default_factory=dict)  # key column → parsed value
    errors: dict = field(default_factory=dict)  # column → [messages]
    refs: dict = field(default_factory=dict)  # related objects the kind looked up
    existing: object = None
    changes: dict = field(default_factory=dict)
    action: str = ""

    def add_error(self, column, message):
        self.errors.setdefault(column, []).extend(message if isinstance(message, list) else [message])
        self.action = ERROR

    @property
    def messages(self):
        """The row's errors in plain words, each prefixed with its column."""
        return [
            message if column == NON_FIELD_ERRORS else f"{column}: {message}"
            for column, messages in self.errors.items() for message in messages
        ]

    @property
    def key_text(self):
        return " / ".join(str(value) for value in self.keyed.values())


@dataclass
class Result:
    kind: object
    rows: list
    ignored_columns: list = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self):
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def ok(self):
        return not any(row.action == ERROR for row in self.rows)

    @property
    def summary(self):
        return _("%(create)s to create, %(update)s to update, %(unchanged)s unchanged, "
                 "%(error)s with errors.") % self.counts


def preview(kind, table, user):
    """Result of importing `table`, with nothing saved."""
    return _run(kind, table, user, dry_run=True, reason="import preview")


@transaction.atomic
def apply(kind, table, user, filename=""):
    """Import `table` all or nothing; result.applied says whether anything was written. Audited.

    The rows and their audit entry commit together: if the entry cannot be written, nothing is
    imported (the audit trail's rule for every change).
    """
    result = _run(kind, table, user, dry_run=False, reason=f"import {filename}"[:100])
    audit.record_import(kind, result, filename, table.format)
    return result


def check_allowed(kind, user):
    if not kind.can_import(user):
        raise PermissionDenied(_("Your role does not allow importing %(kind)s.") % {"kind": kind.label})


def _run(kind, table, user, dry_run, reason):
    check_allowed(kind, user)
    ignored = check_columns(kind, table)
    rows = [_parse(kind, number, cells) for number, cells in zip(table.numbers, table.rows)]
    _mark_duplicate_keys(kind, rows)
    _prepare(kind, rows, user)
    result = Result(kind=kind, rows=rows, ignored_columns=ignored)
    with transaction.atomic():
        _write(kind, [row for row in rows if row.action in (CREATE, UPDATE)], reason)
        result.applied = not dry_run and result.ok
        if not result.applied:
            transaction.set_rollback(True)
    return result


def check_columns(kind, table):
    """The names of columns the import ignores; ValidationError names missing or repeated ones."""
    repeated = sorted({name for name in table.headers if name and table.headers.count(name) > 1})
    if repeated:
        raise ValidationError(
            _("These columns appear more than once in the header row: %(names)s. Keep one of each.")
            % {"names": ", ".join(repeated)}, code="file_columns")
    missing = [name for name in kind.required() if name not in table.headers]
    if missing:
        raise ValidationError(
            ngettext("The column %(names)s is missing. The first row must name the columns, e.g.: %(all)s.",
                     "The columns %(names)s are missing. The first row must name the columns, e.g.: %(all)s.",
                     len(missing)) % {"names": ", ".join(missing), "all": ", ".join(kind.headers())},
            code="file_columns")
    if not table.rows:
        raise ValidationError(_("The file has a header row but no data rows."), code="file_empty")
    if len(table.rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(count)s rows; at most %(max)s can be imported at once. Split it.")
            % {"count": len(table.rows), "max": MAX_ROWS}, code="file_too_large")
    known = set(kind.headers())
    return [name for name in table.headers if name and name not in known]


def _parse(kind, number, cells):
    row = Row(number=number, cells=cells)
    for column in kind.import_columns():
        if column.name not in cells:
            continue
        try:
            value = column.parse(cells[column.name])
        except ValidationError as error:
            row.add_error(column.name, error.messages)
            continue
        if column.name in kind.key:
            row.keyed[column.name] = value
        if value is not OMIT:
            row.values[column.target] = value
    return row


def _mark_duplicate_keys(kind, rows):
    seen = {}
    for row in rows:
        if len(row.keyed) == len(kind.key):
            seen.setdefault(tuple(row.keyed.values()), []).append(row)
    for duplicates in seen.values():
        if len(duplicates) < 2:
            continue
        numbers = ", ".join(str(row.number) for row in duplicates)
        for row in duplicates:
            row.add_error(NON_FIELD_ERRORS, _(
                "%(key)s appears more than once in the file (rows %(rows)s); keep one row for it."
            ) % {"key": row.key_text, "rows": numbers})


def _prepare(kind, rows, user):
    checkable = [row for row in rows if not row.errors]
    if checkable:
        kind.prepare(checkable, user)
    for row in checkable:
        if row.errors:
            continue
        if row.existing is None:
            row.action = CREATE
        else:
            row.changes = kind.changes(row)
            row.action = UPDATE if row.changes else UNCHANGED


def _write(kind, rows, reason):
    try:
        services.all_or_nothing(rows, lambda row: kind.write(row, reason))
    except services.RowErrors as error:
        for index, errors in error.rows.items():
            for field_name, messages in errors.items():
                rows[index].add_error(kind.column_for_field(field_name), messages)
