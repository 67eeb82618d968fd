"""The import/export pages, the admin hooks and the PDF report card, per role."""

import datetime
import html
import io
import re
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from attendance.services import attendance_record
from conftest import enroll, make_course, make_student
from grades.models import Grade
from grades.services import grade_record
from sms.transfer import readers, writers
from students.models import Student

pytestmark = pytest.mark.django_db
STUDENT_HEADERS = ["student_id", "first_name", "last_name", "email"]


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.SMS_IMPORT_DIR = tmp_path
    return tmp_path


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def csv_upload(rows, headers=STUDENT_HEADERS, name="students.csv"):
    return SimpleUploadedFile(name, writers.write_csv(headers, rows))


def upload(client, kind, file):
    return client.post(f"/transfer/imports/{kind}/", {"file": file})


def test_upload_preview_confirm_creates_the_students(admin_user):
    client = signed_in(admin_user)
    response = upload(client, "students", csv_upload([["S1", "Ελένη", "Οικονόμου", "eleni@x.gr"]]))
    assert response.status_code == 302
    preview = client.get(response.url)
    assert preview.status_code == 200
    assert "S1" in preview.content.decode() and "Confirm import" in preview.content.decode()
    assert not Student.objects.exists()
    confirmed = client.post(response.url)
    assert confirmed.status_code == 302
    assert Student.objects.get(student_id="S1").first_name == "Ελένη"
    assert client.get(response.url).status_code == 302  # the upload is gone once imported


def test_a_preview_with_errors_offers_no_confirm_and_confirming_anyway_writes_nothing(admin_user):
    client = signed_in(admin_user)
    rows = [["S1", "Ann", "Lee", "a@x.gr"], ["S2", "Bob", "Ray", "nope"]]
    response = upload(client, "students", csv_upload(rows))
    preview = client.get(response.url).content.decode()
    assert "Enter a valid email address." in preview
    assert "Confirm import" not in preview
    assert client.post(response.url).status_code == 400
    assert not Student.objects.exists()


def test_a_bad_file_is_refused_on_the_upload_page_with_the_reason(admin_user):
    client = signed_in(admin_user)
    latin = SimpleUploadedFile("students.csv", "student_id,first_name\r\nS1,José\r\n".encode("latin-1"))
    response = upload(client, "students", latin)
    assert response.status_code == 400
    assert "CSV UTF-8" in response.content.decode()


def test_a_greek_reader_is_told_in_greek_what_is_wrong_with_the_file_and_each_row(admin_user):
    client = signed_in(admin_user)
    cp1253 = SimpleUploadedFile("μαθητές.csv", "student_id,first_name\r\nS1,Γιώργος\r\n".encode("cp1253"))
    response = client.post("/transfer/imports/students/", {"file": cp1253}, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 400
    assert "Το αρχείο δεν είναι κείμενο UTF-8" in response.content.decode()
    rows = [["S1", "Γιώργος", "Παπαδόπουλος", "όχι-email"]]
    preview_url = client.post("/transfer/imports/students/", {"file": csv_upload(rows)},
                              HTTP_ACCEPT_LANGUAGE="el").url
    page = client.get(preview_url, HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "email: Εισάγετε μια έγκυρη διεύθυνση ηλ. ταχυδρομείου." in page and "1 με σφάλματα" in page


def test_a_missing_column_is_named_on_the_preview_page(admin_user):
    client = signed_in(admin_user)
    response = upload(client, "students", csv_upload([["S1", "Ann"]], headers=["student_id", "first_name"]))
    page = client.get(response.url)
    assert page.status_code == 400
    assert "last_name, email are missing" in page.content.decode()


def test_a_file_over_10_mb_is_refused_before_it_is_read(admin_user):
    client = signed_in(admin_user)
    big = SimpleUploadedFile("students.csv", b"a" * (10 * 1024 * 1024 + 1))
    response = upload(client, "students", big)
    assert response.status_code == 400
    assert "limit is 10 MB" in response.content.decode()


def test_another_session_cannot_confirm_an_upload(admin_user):
    response = upload(signed_in(admin_user), "students", csv_upload([["S1", "Ann", "Lee", "a@x.gr"]]))
    intruder = signed_in(admin_user)  # same user, another browser: the token is not in its session
    assert intruder.post(response.url).status_code == 302
    assert not Student.objects.exists()


def test_a_viewer_gets_403_on_import_pages_but_may_export(viewer):
    client = signed_in(viewer)
    assert client.get("/transfer/imports/students/").status_code == 403
    assert upload(client, "students", csv_upload([["S1", "Ann", "Lee", "a@x.gr"]])).status_code == 403
    assert client.get("/transfer/exports/courses.csv").status_code == 200
    page = client.get("/transfer/").content.decode()
    assert "/transfer/imports/" not in page


def test_a_teacher_may_not_open_the_course_import(teacher):
    client = signed_in(teacher)
    assert client.get("/transfer/imports/courses/").status_code == 403
    assert client.get("/transfer/imports/grades/").status_code == 200


def test_anonymous_users_are_sent_to_sign_in():
    response = Client().get("/transfer/exports/students.csv")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_unknown_kinds_and_formats_are_404(admin_user):
    client = signed_in(admin_user)
    assert client.get("/transfer/imports/attendance/").status_code == 404
    assert client.get("/transfer/exports/students.pdf").status_code == 404
    assert client.get("/transfer/exports/teachers.csv").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_download_a_file_that_reads_back(admin_user, fmt):
    make_course(course_name="Νεοελληνική Γλώσσα", description="=cmd|' /C calc'!A0")
    response = signed_in(admin_user).get(f"/transfer/exports/courses.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="courses-')
    table = readers.read_table(response.content, f"courses.{fmt}")
    assert table.rows[0]["course_name"] == "Νεοελληνική Γλώσσα"
    assert table.rows[0]["description"] == "=cmd|' /C calc'!A0"


def test_the_empty_template_has_the_header_row(admin_user):
    response = signed_in(admin_user).get("/transfer/imports/grades/template.csv")
    assert response.content.decode("utf-8-sig").startswith("student_id,course_code,assignment_name,category")


def test_exports_are_audited(admin_user, monkeypatch):
    entries = []
    monkeypatch.setattr("sms.transfer.audit._log_action", lambda **entry: entries.append(entry))
    make_course()
    signed_in(admin_user).get("/transfer/exports/courses.xlsx")
    assert entries[0]["action"] == "export" and entries[0]["entity_type"] == "courses.course"
    assert entries[0]["changes"]["rows"] == 1 and entries[0]["changes"]["format"] == "xlsx"


def test_admin_exports_the_selected_students_only(admin_user):
    chosen, _other = make_student(student_id="S-CHOSEN"), make_student(student_id="S-OTHER")
    response = signed_in(admin_user).post(
        "/admin/students/student/", {"action": "export_selected_csv", "_selected_action": [chosen.pk]})
    table = readers.read_table(response.content, "students.csv")
    assert [row["student_id"] for row in table.rows] == ["S-CHOSEN"]


def test_admin_change_lists_link_to_the_admin_import_where_the_kind_is_importable(admin_user):
    client = signed_in(admin_user)
    assert 'href="/admin/grades/grade/import/"' in client.get("/admin/grades/grade/").content.decode()
    attendance = client.get("/admin/attendance/attendance/").content.decode()
    assert "/import/" not in attendance and "/transfer/imports/" not in attendance


# Report card ---------------------------------------------------------------------------------

@pytest.fixture
def graded_student():
    student = make_student(student_id="S2026-007", first_name="Δήμητρα", last_name="Αλεξίου")
    course = make_course(course_code="GRK-101", course_name="Νεοελληνική Γλώσσα", semester="2026 Fall",
                         evaluation_rules=[{"category": "Εργασία", "weight": 40},
                                           {"category": "Τελική", "weight": 60}])
    partial = make_course(course_code="PHY-101", course_name="Physics", semester="2026 Fall",
                          evaluation_rules=[{"category": "Lab", "weight": 50},
                                            {"category": "Final", "weight": 50}])
    older = make_course(course_code="OLD-1", course_name="Old course", semester="2025 Fall")
    for each in (course, partial, older):
        enroll(student, each)
    for name, category, value in (("Έκθεση", "Εργασία", 18), ("Τελική", "Τελική", 17)):
        grade_record(student=student, course=course, assignment_name=name, category=category,
                     grade=Decimal(value))
    grade_record(student=student, course=partial, assignment_name="Lab 1", category="Lab", grade=Decimal(12))
    attendance_record(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent")
    attendance_record(student=student, course=course, date=datetime.date(2026, 10, 2), status="Late")
    return student


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)


def words(text):
    """The PDF's text with every run of whitespace (table cells, wrapped lines) as one space."""
    return " ".join(text.split())


# Both languages show the same numbers: per category (weight, grades, average %, average 0–20) and
# the attendance per status (present, absent, late, excused, absences / limit).
COMPONENTS = ("Εργασία 40 1 90.0 18.0", "Τελική 60 1 85.0 17.0", "Lab 50 1 60.0 12.0", "Final 50 0 — —")
ATTENDANCE = ("GRK-101 0 1 1 0 1 / 8", "PHY-101 0 0 0 0 0 / 8")


def test_the_report_card_lists_grades_labels_and_attendance_in_english(graded_student, viewer):
    text = words(pdf_text(signed_in(viewer).get(f"/transfer/report-cards/{graded_student.pk}/?semester=2026 Fall")))
    assert "Report card" in text and "Δήμητρα Αλεξίου" in text and "S2026-007" in text
    assert "GRK-101 — Νεοελληνική Γλώσσα" in text
    # 18/20 → 90 % (Εργασία 40), 17/20 → 85 % (Τελική 60): 87 % → 17.4 / 20, B+, Λίαν Καλώς.
    assert "Final grade: 17.4 / 20 · Letter: B+ · Greek label: Λίαν Καλώς · Passed" in text
    assert "Category Weight Grades Average % Average (0–20)" in text and all(row in text for row in COMPONENTS)
    # Physics has only its Lab graded: 60 % → 12.0, D, Μέτρια, marked provisional.
    assert "Final grade: 12.0 / 20 · Letter: D · Greek label: Μέτρια · Passed · Provisional" in text
    assert "Old course" not in text  # another semester
    assert "Course Present Absent Late Excused Absences / limit" in text and all(row in text for row in ATTENDANCE)


def test_the_report_card_is_in_greek_for_a_greek_reader(graded_student, viewer):
    client = signed_in(viewer)
    response = client.get(f"/transfer/report-cards/{graded_student.pk}/?semester=2026 Fall",
                          HTTP_ACCEPT_LANGUAGE="el")
    text = words(pdf_text(response))
    assert "Έλεγχος προόδου" in text and "Αριθμός μητρώου S2026-007" in text  # "Report card", "Student ID"
    assert "Τελικός βαθμός: 17.4 / 20 · Γράμμα: B+ · Χαρακτηρισμός: Λίαν Καλώς · Επιτυχία" in text
    assert "Κατηγορία Βάρος Βαθμοί" in text and all(row in text for row in COMPONENTS)
    assert "Τελικός βαθμός: 12.0 / 20 · Γράμμα: D · Χαρακτηρισμός: Μέτρια · Επιτυχία · Προσωρινός" in text
    assert "Μάθημα Παρών Απών Καθυστέρηση Δικαιολογημένη απουσία Απουσίες / όριο" in text
    assert all(row in text for row in ATTENDANCE)
    assert "Report card" not in text and "Final grade" not in text


def test_the_report_card_defaults_to_the_latest_semester(graded_student, admin_user):
    response = signed_in(admin_user).get(f"/transfer/report-cards/{graded_student.pk}/")
    assert 'filename="report-card-S2026-007-2026-Fall.pdf"' in response["Content-Disposition"]


def test_the_report_card_of_a_semester_without_courses_is_404_with_a_reason(graded_student, admin_user):
    response = signed_in(admin_user).get(f"/transfer/report-cards/{graded_student.pk}/?semester=2024 Spring")
    assert response.status_code == 404
    assert "has no courses in the semester" in response.content.decode()


def test_the_report_card_of_a_deleted_student_is_404(graded_student, admin_user):
    graded_student.soft_delete()
    assert signed_in(admin_user).get(f"/transfer/report-cards/{graded_student.pk}/").status_code == 404


def report_card_links(client, student):
    """The student page's report card links, as {semester: href}."""
    page = client.get(f"/students/{student.pk}/").content.decode()
    return {semester: html.unescape(href)
            for href, semester in re.findall(r'<a href="([^"]+)" class="report-card">([^<]+)</a>', page)}


def test_the_student_page_links_one_report_card_per_semester_each_with_that_semesters_courses(
        graded_student, viewer):
    client = signed_in(viewer)
    links = report_card_links(client, graded_student)
    assert list(links) == ["2026 Fall", "2025 Fall"]  # latest first
    latest = words(pdf_text(client.get(links["2026 Fall"])))
    assert "GRK-101" in latest and "PHY-101" in latest and "OLD-1" not in latest
    older = words(pdf_text(client.get(links["2025 Fall"])))
    assert "2025 Fall" in older and "OLD-1 — Old course" in older
    assert "GRK-101" not in older and "PHY-101" not in older


def test_a_semester_whose_enrollments_were_removed_has_no_report_card_link(graded_student, viewer):
    old_enrollment = graded_student.enrollments.get(course__course_code="OLD-1")
    old_enrollment.soft_delete()
    assert list(report_card_links(signed_in(viewer), graded_student)) == ["2026 Fall"]


def test_a_student_without_courses_has_no_report_card_link(student, viewer):
    page = signed_in(viewer).get(f"/students/{student.pk}/").content.decode()
    assert "report-card" not in page and "/transfer/report-cards/" not in page


# Excel files end to end -----------------------------------------------------------------------

def excel_upload(headers, rows, name="μαθητές.xlsx"):
    """A workbook as Excel saves it (typed cells: dates, numbers, text), built with openpyxl rather
    than our own writer, so the reader is tested against a file it did not produce."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Μαθητές"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_an_excel_file_with_greek_text_is_previewed_and_imported_through_the_page(admin_user):
    client = signed_in(admin_user)
    headers = [*STUDENT_HEADERS, "father_name", "enrollment_date", "study_year", "class_division", "note"]
    rows = [["S2026-101", "Ελένη", "Παπαδοπούλου", "ELENI@school.gr", "Γιώργος", datetime.datetime(2026, 9, 11),
             2, "Β2", "Σημείωση: αλλεργία στη γύρη — «προσοχή»"]]
    response = upload(client, "students", excel_upload(headers, rows))
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    assert "Import students from μαθητές.xlsx" in preview and "S2026-101" in preview
    assert "1 to create, 0 to update, 0 unchanged, 0 with errors." in preview
    assert client.post(response.url).status_code == 302
    student = Student.objects.get(student_id="S2026-101")
    assert (student.first_name, student.last_name, student.father_name) == ("Ελένη", "Παπαδοπούλου", "Γιώργος")
    assert (student.email, student.enrollment_date) == ("eleni@school.gr", datetime.date(2026, 9, 11))
    assert (student.study_year, student.class_division) == (2, "Β2")
    assert student.note == "Σημείωση: αλλεργία στη γύρη — «προσοχή»"


def test_grades_from_an_excel_file_keep_decimals_and_greek_names(teacher):
    student = make_student(student_id="S1")
    course = make_course(course_code="GRK-1", evaluation_rules=[{"category": "Εργασία", "weight": 100}])
    course.teachers.add(teacher)
    enroll(student, course)
    headers = ["student_id", "course_code", "assignment_name", "category", "grade", "max_grade"]
    file = excel_upload(headers, [["s1", "grk-1", "Έκθεση ιδεών", "Εργασία", 17.5, 20]], name="βαθμοί.xlsx")
    client = signed_in(teacher)
    preview_url = upload(client, "grades", file).url
    assert "1 to create" in client.get(preview_url).content.decode()
    client.post(preview_url)
    grade = Grade.objects.get(student=student, course=course)
    assert (grade.assignment_name, grade.category, grade.grade) == ("Έκθεση ιδεών", "Εργασία", Decimal("17.5"))


def test_an_excel_export_imported_again_through_the_page_changes_nothing(admin_user):
    make_student(student_id="S-GR", first_name="Ζωή", last_name="Σταματοπούλου", note="Γραμμή 1\nΓραμμή 2")
    client = signed_in(admin_user)
    exported = client.get("/transfer/exports/students.xlsx").content
    response = upload(client, "students", SimpleUploadedFile("students.xlsx", exported))
    preview = client.get(response.url).content.decode()
    assert "0 to create, 0 to update, 1 unchanged, 0 with errors." in preview
