"""Reading uploaded files and writing exports: every kind of bad file is refused in plain words."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from sms.transfer import readers, writers

HEADER = "student_id,first_name,last_name,email\r\n"
GREEK_ROW = "S1,Γιώργος,Παπαδόπουλος,g@school.gr\r\n"


def refusal(data, filename):
    with pytest.raises(ValidationError) as caught:
        readers.read_table(data, filename)
    return caught.value


def test_it_reads_utf8_csv_with_greek_text():
    table = readers.read_table((HEADER + GREEK_ROW).encode("utf-8"), "students.csv")
    assert table.headers == ["student_id", "first_name", "last_name", "email"]
    assert table.rows == [{"student_id": "S1", "first_name": "Γιώργος", "last_name": "Παπαδόπουλος",
                           "email": "g@school.gr"}]
    assert table.numbers == [2]


def test_it_accepts_the_byte_order_mark_excel_writes():
    table = readers.read_table(("\ufeff" + HEADER + GREEK_ROW).encode("utf-8"), "students.csv")
    assert table.headers[0] == "student_id"
    assert table.rows[0]["first_name"] == "Γιώργος"


@pytest.mark.parametrize("encoding", ["cp1253", "iso-8859-7", "utf-16"])
def test_it_refuses_csv_that_is_not_utf8_and_says_to_save_as_utf8(encoding):
    error = refusal((HEADER + GREEK_ROW).encode(encoding), "students.csv")
    assert error.code in ("file_encoding", "file_type")
    assert "UTF-8" in error.messages[0]


def test_it_refuses_latin1_text_with_a_message_saying_to_save_as_utf8():
    error = refusal((HEADER + "S1,José,Müller,j@school.es\r\n").encode("latin-1"), "students.csv")
    assert error.code == "file_encoding"
    assert "CSV UTF-8" in error.messages[0]


def test_it_refuses_a_file_over_10_mb():
    error = refusal(b"a" * (10 * 1024 * 1024 + 1), "big.csv")
    assert error.code == "file_too_large"
    assert "10 MB" in error.messages[0]


def test_it_refuses_a_png_renamed_csv():
    error = refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.csv")
    assert error.code == "file_type"
    assert "PNG" in error.messages[0]


def test_it_names_the_kind_of_file_in_the_readers_language():
    from django.utils.translation import override

    with override("el"):
        error = refusal(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.csv")
    assert "εικόνα PNG" in error.messages[0] and "image" not in error.messages[0]


@pytest.mark.parametrize("body", [
    'S1,"never closed,Lee,a@x.gr\r\n' + "x" * 140_000,  # a quotation mark left open runs past the cell limit
    "S1,Ann,Lee,a@x.gr\r\n" * 300 + "S2,A\x00nn,Lee,b@x.gr\r\n",  # a NUL byte far from the start
])
def test_it_refuses_an_unreadable_csv_in_plain_words_with_the_line(body):
    error = refusal((HEADER + body).encode(), "students.csv")
    assert error.code == "file_csv"
    assert "could not be read after line" in error.messages[0] and "quotation mark" in error.messages[0]
    assert "field limit" not in error.messages[0]  # not Python's own words


def test_it_refuses_a_zip_renamed_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    error = refusal(buffer.getvalue(), "data.csv")
    assert error.code == "file_type"
    assert "zip" in error.messages[0]


def test_it_refuses_a_zip_renamed_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert refusal(buffer.getvalue(), "data.xlsx").code == "file_type"


def test_it_refuses_a_text_file_renamed_xlsx():
    assert refusal((HEADER + GREEK_ROW).encode(), "data.xlsx").code == "file_type"


def test_it_refuses_a_damaged_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really a workbook")
    error = refusal(buffer.getvalue(), "data.xlsx")
    assert error.code == "file_xlsx"


@pytest.mark.parametrize("name", ["students.xls", "students.txt", "students"])
def test_it_refuses_other_extensions_naming_csv_and_xlsx(name):
    error = refusal(b"a,b\r\n1,2\r\n", name)
    assert error.code == "file_type"
    assert ".csv or .xlsx" in error.messages[0]


def test_it_refuses_an_empty_file():
    assert refusal(b"  \r\n", "empty.csv").code == "file_empty"


def test_it_reads_semicolon_separated_csv_from_a_greek_excel():
    table = readers.read_table("student_id;first_name\r\nS1;Ελένη\r\n".encode(), "students.csv")
    assert table.rows == [{"student_id": "S1", "first_name": "Ελένη"}]


def test_it_normalises_headers_and_skips_blank_rows():
    table = readers.read_table(b" Student ID ,First Name\r\n,\r\nS1,Ann\r\n", "students.csv")
    assert table.headers == ["student_id", "first_name"]
    assert table.rows == [{"student_id": "S1", "first_name": "Ann"}]
    assert table.numbers == [3]


def test_it_reads_xlsx_numbers_dates_and_short_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["student_id", "study_year", "enrollment_date", "note"])
    sheet.append(["S1", 3, __import__("datetime").date(2026, 9, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = readers.read_table(buffer.getvalue(), "students.xlsx")
    assert table.rows == [
        {"student_id": "S1", "study_year": "3", "enrollment_date": "2026-09-01", "note": ""}
    ]


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://evil\")", "+30 210 1234567", "-2+3", "@SUM(A1)",
                                   "\tcmd", "\rcmd"])
def test_it_neutralises_formula_cells_in_csv_exports(value):
    data = writers.write_csv(["note"], [[value]])
    line = data.decode("utf-8-sig").split("\r\n", 1)[1]
    assert line.lstrip('"').startswith("'")


@pytest.mark.parametrize("value", ["=1+1", "+30 210 1234567", "-5", "@SUM(A1)"])
def test_it_neutralises_formula_cells_in_xlsx_exports(value):
    workbook = openpyxl.load_workbook(io.BytesIO(writers.write_xlsx(["note"], [[value]])))
    cell = workbook.active["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("value", ["=1+1", "'=already quoted", "''+two", "-", "plain", "it's fine", "Ωμέγα"])
def test_neutralised_cells_read_back_exactly(fmt, value):
    table = readers.read_table(writers.write(fmt, ["note"], [[value]]), f"export.{fmt}")
    assert table.rows[0]["note"] == value


def test_it_writes_csv_with_a_bom_so_excel_shows_greek():
    assert writers.write_csv(["a"], [["Ελένη"]]).startswith(b"\xef\xbb\xbf")


def test_xlsx_exports_survive_control_characters_pasted_from_word():
    # Word's manual line break is a vertical tab; XML (so XLSX) cannot hold it or most control characters.
    data = writers.write_xlsx(["note\x01", "other"], [["Γραμμή 1\x0bΓραμμή 2\x07", "=cmd\x1f"]])
    table = readers.read_table(data, "export.xlsx")
    assert table.headers == ["note", "other"]
    assert table.rows[0] == {"note": "Γραμμή 1\nΓραμμή 2", "other": "=cmd"}  # still neutralised, then read back


def test_csv_exports_keep_control_characters_as_they_are():
    table = readers.read_table(writers.write_csv(["note"], [["a\x0bb\x01c"]]), "export.csv")
    assert table.rows[0]["note"] == "a\x0bb\x01c"
