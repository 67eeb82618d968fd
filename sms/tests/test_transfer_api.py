"""POST /api/v1/imports/<kind>/, GET /api/v1/exports/<kind>.<fmt>, GET /api/v1/report-cards/<pk>/."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from conftest import enroll, make_course, make_student
from grades.services import grade_record
from sms.transfer import readers, writers
from students.models import Student

pytestmark = pytest.mark.django_db
HEADERS = ["student_id", "first_name", "last_name", "email"]


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(response):
    body = response.json()
    assert body["success"] is True and body["error"] is None
    return body["data"]


def error_of(response):
    body = response.json()
    assert body["success"] is False
    return body["error"]


def post_import(client, rows, dry_run=None, kind="students", headers=HEADERS, name="students.csv"):
    data = {"file": SimpleUploadedFile(name, writers.write_csv(headers, rows))}
    if dry_run is not None:
        data["dry_run"] = dry_run
    return client.post(f"/api/v1/imports/{kind}/", data, format="multipart")


def test_an_import_is_a_dry_run_unless_asked(admin_user):
    response = post_import(client_for(admin_user), [["S1", "Ελένη", "Οικονόμου", "eleni@x.gr"]])
    assert response.status_code == 200
    data = payload(response)
    assert data["dry_run"] is True and data["applied"] is False
    assert data["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 0}
    assert data["rows"] == [{"row": 2, "action": "create", "key": "S1", "errors": {}, "messages": [],
                             "changes": {}}]
    assert not Student.objects.exists()


def test_dry_run_false_writes_the_rows(admin_user):
    rows = [["S1", "Ελένη", "Οικονόμου", "eleni@x.gr"]]
    response = post_import(client_for(admin_user), rows, dry_run="false")
    assert response.status_code == 200
    assert payload(response)["applied"] is True
    assert Student.objects.get(student_id="S1").last_name == "Οικονόμου"


def test_a_confirm_with_a_bad_row_writes_nothing_and_returns_400_with_row_results(admin_user):
    rows = [["S1", "Ann", "Lee", "a@x.gr"], ["S2", "Bob", "Ray", "nope"]]
    response = post_import(client_for(admin_user), rows, dry_run="false")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "IMPORT_ROWS_INVALID"
    assert body["error"]["message"].startswith("Nothing was imported")
    assert body["data"]["rows"][1]["errors"] == {"email": ["Enter a valid email address."]}
    assert body["data"]["applied"] is False
    assert not Student.objects.exists()


def test_an_update_reports_old_and_new_values(admin_user):
    make_student(student_id="S1", first_name="Ann", last_name="Lee", email="a@x.gr")
    data = payload(post_import(client_for(admin_user), [["S1", "Ann", "Leigh", "a@x.gr"]]))
    assert data["rows"][0]["action"] == "update"
    assert data["rows"][0]["changes"] == {"last_name": {"old": "Lee", "new": "Leigh"}}


def test_a_bad_file_is_a_400_naming_the_problem(admin_user):
    data = {"file": SimpleUploadedFile("students.csv", b"\x89PNG\r\n\x1a\n\x00\x00")}
    response = client_for(admin_user).post("/api/v1/imports/students/", data, format="multipart")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR" and "PNG" in error["message"]


def test_a_missing_file_is_a_400(admin_user):
    response = client_for(admin_user).post("/api/v1/imports/students/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in error_of(response)["details"]


def test_missing_columns_are_named_in_the_400(admin_user):
    response = post_import(client_for(admin_user), [["S1"]], headers=["student_id"])
    assert response.status_code == 400
    assert "first_name, last_name, email are missing" in error_of(response)["message"]


def test_a_viewer_may_not_import(viewer):
    assert post_import(client_for(viewer), [["S1", "A", "B", "a@x.gr"]]).status_code == 403


def test_a_teacher_may_not_import_courses(teacher):
    response = post_import(client_for(teacher), [["C1", "X", "2026 Fall"]], kind="courses",
                           headers=["course_code", "course_name", "semester"])
    assert response.status_code == 403
    assert error_of(response)["message"] == "Your role does not allow importing courses."


def test_unknown_kinds_are_404(admin_user):
    assert post_import(client_for(admin_user), [["x"]], kind="attendance").status_code == 404


def test_anonymous_clients_are_refused():
    response = APIClient().post("/api/v1/imports/students/", {}, format="multipart")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_viewer_exports_a_file_that_reads_back(viewer, fmt):
    make_course(course_name="Νεοελληνική Γλώσσα")
    response = client_for(viewer).get(f"/api/v1/exports/courses.{fmt}")
    assert response.status_code == 200
    assert readers.read_table(response.content, f"c.{fmt}").rows[0]["course_name"] == "Νεοελληνική Γλώσσα"


def test_a_report_card_comes_back_as_a_pdf(admin_user):
    student = make_student(first_name="Ελένη", last_name="Οικονόμου")
    course = make_course(course_code="MATH-1", semester="2026 Fall")
    enroll(student, course)
    grade_record(student=student, course=course, assignment_name="HW", category="Homework", grade=Decimal(15),
                 date_assigned=datetime.date(2026, 9, 1))
    response = client_for(admin_user).get(f"/api/v1/report-cards/{student.pk}/?semester=2026 Fall")
    assert response.status_code == 200
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ελένη Οικονόμου" in text and "MATH-1" in text


def test_a_report_card_for_a_semester_without_courses_is_a_400(admin_user, student):
    response = client_for(admin_user).get(f"/api/v1/report-cards/{student.pk}/?semester=2026 Fall")
    assert response.status_code == 400
    assert error_of(response)["message"].endswith("has no courses in the semester “2026 Fall”.")


# Excel files end to end -----------------------------------------------------------------------

def excel_bytes(headers, rows):
    """A workbook as Excel saves it (typed cells), built with openpyxl rather than our own writer."""
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_excel(client, data, dry_run=None, kind="students", name="μαθητές.xlsx"):
    body = {"file": SimpleUploadedFile(name, data)}
    if dry_run is not None:
        body["dry_run"] = dry_run
    return client.post(f"/api/v1/imports/{kind}/", body, format="multipart")


def test_an_excel_file_is_previewed_then_imported_with_its_greek_text_kept(admin_user):
    headers = [*HEADERS, "father_name", "enrollment_date", "study_year", "note"]
    rows = [["S2026-201", "Σπυρίδων", "Αθανασίου-Ρήγα", "spyros@school.gr", "Ηλίας",
             datetime.datetime(2026, 9, 14), 3, "Ύψος: 1,80 — «καλαθοσφαίριση»"]]
    client = client_for(admin_user)
    preview = payload(post_excel(client, excel_bytes(headers, rows)))
    assert (preview["dry_run"], preview["applied"], preview["rows"][0]["action"]) == (True, False, "create")
    assert not Student.objects.exists()
    response = post_excel(client, excel_bytes(headers, rows), dry_run="false")
    assert response.status_code == 200 and payload(response)["applied"] is True
    student = Student.objects.get(student_id="S2026-201")
    assert (student.first_name, student.last_name, student.father_name) == ("Σπυρίδων", "Αθανασίου-Ρήγα", "Ηλίας")
    assert (student.enrollment_date, student.study_year) == (datetime.date(2026, 9, 14), 3)
    assert student.note == "Ύψος: 1,80 — «καλαθοσφαίριση»"


def test_an_excel_file_with_a_bad_row_is_refused_whole_naming_the_row(admin_user):
    rows = [["S1", "Άννα", "Λέκκα", "anna@school.gr"], ["S2", "Βασίλης", "Ρήγας", "όχι-email"]]
    response = post_excel(client_for(admin_user), excel_bytes(HEADERS, rows), dry_run="false")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "IMPORT_ROWS_INVALID" and body["error"]["details"]["counts"]["error"] == 1
    assert [(row["row"], row["action"]) for row in body["data"]["rows"]] == [(2, "create"), (3, "error")]
    assert not Student.objects.exists()


def test_an_excel_export_from_the_api_imports_back_unchanged(admin_user):
    make_student(student_id="S-GR", first_name="Ζωή", last_name="Σταματοπούλου", father_name="Ορέστης")
    client = client_for(admin_user)
    exported = client.get("/api/v1/exports/students.xlsx").content
    data = payload(post_excel(client, exported, name="students.xlsx"))
    assert data["counts"] == {"create": 0, "update": 0, "unchanged": 1, "error": 0}
