"""Write rows to CSV (UTF-8 with BOM, so Excel shows Greek) or XLSX, safe to open in a spreadsheet.

A text cell that starts with =, +, -, @, a tab or a carriage return would run as a formula when
opened (CSV/formula injection). Such cells get a leading apostrophe, which spreadsheets treat as
"this is text"; readers.plain() takes one apostrophe off again, so export → import is exact.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from sms.transfer.readers import FORMULA_PREFIXES

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value):
    """'=1+2' → "'=1+2"; an apostrophe already in front of such a value is doubled, so it survives."""
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_PREFIXES:
        return "'" + value
    return value


def write(fmt, headers, rows):
    """Bytes of a file with a header row and the given rows (lists of cell values)."""
    return (write_xlsx if fmt == "xlsx" else write_csv)(headers, rows)


def write_csv(headers, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in headers])
    for row in rows:
        writer.writerow([neutralise(_csv_text(value)) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _plain_decimal(value):
    """18.50 → 18.5, 20.00 → 20: how people write marks, and it reads back equal."""
    return f"{value.normalize():f}"


# XML, and so XLSX, cannot hold most control characters (openpyxl refuses the whole file). Text
# pasted from Word carries them: its line break is a vertical tab. Line-like ones become a line
# break, the rest are dropped; CSV keeps every character as it is.
_LINE_LIKE = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f]")  # as openpyxl's ILLEGAL_CHARACTERS_RE, less \x0b \x0c


def _xlsx_text(value):
    return _NOT_IN_XML.sub("", value.translate(_LINE_LIKE))


def write_xlsx(headers, rows):
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([_xlsx_text(neutralise(name)) for name in headers])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                # Never let openpyxl store a string as a formula, even one we let through.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, Decimal):
        # Kept as a number so the sheet can add up grades; normalised so 18.50 reads back as 18.5.
        normalised = value.normalize()
        return int(normalised) if normalised == normalised.to_integral() else float(normalised)
    if isinstance(value, str):
        return _xlsx_text(neutralise(value))
    return value
