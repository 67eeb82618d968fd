"""Turn an uploaded CSV or XLSX file into a header row and data rows of plain strings.

Every refusal is a ValidationError (code `file_*`) whose message says what to do, because the
person uploading usually has the file open in Excel and can fix it there. The type is read from
the content, not only the name: a PNG or a zip renamed .csv is refused.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

MAX_BYTES = 10 * 1024 * 1024
# An .xlsx is a zip; refuse one that would unpack to far more than any real sheet (a zip bomb).
MAX_UNPACKED_BYTES = 20 * MAX_BYTES
FORMATS = ("csv", "xlsx")
DELIMITERS = ",;\t"  # Excel in a Greek locale saves CSV with semicolons
# Excel users type a leading apostrophe to keep a value as text, and our exports add one in front
# of formula characters; one such apostrophe is taken off again on import.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Magic numbers of files people upload by mistake, named in the refusal (in the reader's language).
SIGNATURES = (
    (b"\x89PNG", _lazy("PNG image")),
    (b"\xff\xd8\xff", _lazy("JPEG image")),
    (b"GIF8", _lazy("GIF image")),
    (b"%PDF", _lazy("PDF document")),
    (b"\xd0\xcf\x11\xe0", _lazy("old Excel (.xls) or Word file")),
    (b"PK\x03\x04", _lazy("zip archive")),
    (b"\x1f\x8b", _lazy("gzip archive")),
    (b"Rar!", _lazy("RAR archive")),
    (b"7z\xbc\xaf", _lazy("7-Zip archive")),
)


@dataclass
class Table:
    """What a file holds: normalised column names and rows as {column: text}, in file order."""

    headers: list
    rows: list = field(default_factory=list)
    format: str = "csv"
    # Spreadsheet row number of each data row (the header is row 1), for messages next to rows.
    numbers: list = field(default_factory=list)


def refuse(message, code):
    raise ValidationError(message, code=code)


def format_of(filename):
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if extension not in FORMATS:
        refuse(
            _("Upload a .csv or .xlsx file (this one is “%(name)s”). In Excel use Save As → "
              "“CSV UTF-8” or “Excel Workbook (.xlsx)”.") % {"name": filename or "?"},
            "file_type",
        )
    return extension


def read_table(data, filename):
    """The Table in `data` (bytes of a file called `filename`); ValidationError if unusable."""
    fmt = format_of(filename)
    check_size(len(data))
    if not data.strip():
        refuse(_("The file is empty. Add a header row and at least one data row."), "file_empty")
    kind = sniff(data)
    if fmt == "xlsx":
        if kind != "xlsx":
            refuse(_("This file is named .xlsx but is not an Excel workbook (it looks like %(kind)s). "
                     "Open it in Excel and save it again as .xlsx.") % {"kind": describe(kind)},
                   "file_type")
        return _finish(_xlsx_rows(data), "xlsx")
    if kind != "text":
        refuse(_("This file is named .csv but is not a text file (it looks like %(kind)s). "
                 "Export your sheet as “CSV UTF-8” and upload that.") % {"kind": describe(kind)},
               "file_type")
    return _finish(_csv_rows(decode(data)), "csv")


def check_size(size):
    if size > MAX_BYTES:
        refuse(
            _("The file is %(size)s MB; the limit is 10 MB. Split it into smaller files.")
            % {"size": f"{size / 1024 / 1024:.1f}"},
            "file_too_large",
        )


def sniff(data):
    """'xlsx', 'text', or the name of the binary type the bytes start with."""
    if data.startswith(b"PK\x03\x04") and _is_workbook(data):
        return "xlsx"
    for magic, name in SIGNATURES:
        if data.startswith(magic):
            return name
    if b"\x00" in data[:4096]:
        # Text files never hold NUL bytes; UTF-16 ("Unicode text" in Excel) does, as do binaries.
        return "utf16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "binary"
    return "text"


def describe(kind):
    names = {
        "text": _("a text file"), "xlsx": _("an Excel workbook"),
        "utf16": _("UTF-16 “Unicode text”"), "binary": _("a binary file"),
    }
    return names.get(kind) or _("a %(kind)s") % {"kind": kind}


def _is_workbook(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def decode(data):
    """UTF-8 text, with or without the byte-order mark Excel writes; nothing else is guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        refuse(
            _("The file is not UTF-8 text (Greek letters would be garbled). In Excel use Save As → "
              "“CSV UTF-8 (Comma delimited)”, or choose the UTF-8 encoding in your editor, and "
              "upload it again."),
            "file_encoding",
        )


def _csv_rows(text):
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if "\x00" in text:  # NUL is never text; PostgreSQL cannot store it either
        _unreadable(text.count("\n", 0, text.index("\x00")))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        # Python's own message ("field larger than field limit (131072)") means nothing to the office.
        _unreadable(reader.line_num)


def _unreadable(line):
    refuse(_("The CSV file could not be read after line %(line)s: a cell there holds a NUL character or "
             "is extremely long, which usually means a quotation mark is not closed. Open the file in "
             "Excel, save it again as “CSV UTF-8” and upload it.") % {"line": line}, "file_csv")


def _xlsx_rows(data):
    import openpyxl  # imported here: only XLSX uploads pay for it

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            refuse(_("The workbook unpacks to more than 200 MB; split it into smaller files."),
                   "file_too_large")
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    # What openpyxl raises for a damaged workbook: missing parts, bad XML (SyntaxError), bad values.
    except (InvalidFileException, zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError,
            AttributeError, SyntaxError, OSError):
        refuse(_("The Excel workbook could not be read. Open it in Excel, save it again as .xlsx "
                 "and upload it."), "file_xlsx")


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plain(text):
    text = str(text).strip()
    if text.startswith("'") and text.lstrip("'")[:1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def header_name(text):
    return "_".join(plain(text).lower().split())


def _finish(raw_rows, fmt):
    rows = [(number, row) for number, row in enumerate(raw_rows, start=1) if any(plain(c) for c in row)]
    if not rows:
        refuse(_("The file is empty. Add a header row and at least one data row."), "file_empty")
    (_number, header), data = rows[0], rows[1:]
    headers = [header_name(cell) for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(headers=headers, format=fmt)
    for number, row in data:
        cells = list(row) + [""] * (len(headers) - len(row))  # short rows: trailing blanks
        table.rows.append({name: plain(cell) for name, cell in zip(headers, cells) if name})
        table.numbers.append(number)
    return table
