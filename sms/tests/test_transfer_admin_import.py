"""The import inside the admin site: upload → preview → confirm in the admin layout, through the
same steps and importer as the staff page (sms.transfer.flow), audited the same way; admins only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from audit.models import AuditLog
from conftest import enroll, make_course, make_student, make_user
from grades.models import Grade
from sms import roles
from sms.transfer import writers
from students.models import Student

pytestmark = pytest.mark.django_db
STUDENT_HEADERS = ["student_id", "first_name", "last_name", "email"]
IMPORT_URL = "/admin/students/student/import/"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.SMS_IMPORT_DIR = tmp_path
    return tmp_path


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def students_csv(rows, name="students.csv"):
    return SimpleUploadedFile(name, writers.write_csv(STUDENT_HEADERS, rows))


def test_an_admin_imports_students_in_the_admin_from_upload_to_confirm(admin_user):
    client = signed_in(admin_user)
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert "admin/base_site.html" in [template.name for template in page.templates]
    html = page.content.decode()
    assert "<h1>Import students</h1>" in html and 'href="/admin/students/student/">Students</a>' in html
    uploaded = client.post(IMPORT_URL, {"file": students_csv([["S1", "Ελένη", "Οικονόμου", "eleni@x.gr"]])})
    assert uploaded.status_code == 302 and uploaded.url.startswith(IMPORT_URL)
    preview = client.get(uploaded.url)
    html = preview.content.decode()
    assert preview.status_code == 200 and "Import students from students.csv" in html
    assert "1 to create, 0 to update, 0 unchanged, 0 with errors." in html and "Confirm import" in html
    assert not Student.objects.exists()  # nothing until confirmed
    confirmed = client.post(uploaded.url, follow=True)
    assert confirmed.redirect_chain == [("/admin/students/student/", 302)]
    assert "Imported students.csv: 1 to create" in confirmed.content.decode()
    student = Student.objects.get(student_id="S1")
    assert (student.first_name, student.last_name) == ("Ελένη", "Οικονόμου")
    assert student.history.latest().history_source == "admin"
    entry = AuditLog.objects.get(action="import")
    assert (entry.username, entry.success, entry.entity_type) == ("admin_user", True, "students.student")
    assert entry.changes | {"rows": 1, "created": 1, "errors": 0, "file": "students.csv"} == entry.changes
    assert client.get(uploaded.url).status_code == 302  # the upload is gone once imported


def test_an_admin_update_shows_old_and_new_values_before_writing(admin_user):
    make_student(student_id="S1", first_name="Ann", last_name="Lee", email="ann@x.gr")
    client = signed_in(admin_user)
    preview_url = client.post(IMPORT_URL, {"file": students_csv([["S1", "Anna", "Lee", "ann@x.gr"]])}).url
    html = client.get(preview_url).content.decode()
    assert "0 to create, 1 to update" in html and "first_name: Ann → Anna" in html
    assert Student.objects.get(student_id="S1").first_name == "Ann"
    client.post(preview_url)
    assert Student.objects.get(student_id="S1").first_name == "Anna"


def test_a_bad_file_is_refused_on_the_admin_upload_page_with_the_reason(admin_user):
    client = signed_in(admin_user)
    latin = SimpleUploadedFile("students.csv", "student_id,first_name\r\nS1,José\r\n".encode("latin-1"))
    response = client.post(IMPORT_URL, {"file": latin})
    assert response.status_code == 400
    html = response.content.decode()
    assert "CSV UTF-8" in html and 'id="import-upload"' in html  # the reason, and the form to try again
    not_a_spreadsheet = SimpleUploadedFile("students.pdf", b"%PDF-1.4")
    assert client.post(IMPORT_URL, {"file": not_a_spreadsheet}).status_code == 400
    assert not Student.objects.exists() and not AuditLog.objects.filter(action="import").exists()


def test_rows_with_errors_offer_no_confirm_and_a_forced_confirm_writes_nothing_and_is_logged(admin_user):
    client = signed_in(admin_user)
    rows = [["S1", "Ann", "Lee", "a@x.gr"], ["S2", "Bob", "Ray", "not-an-email"]]
    preview_url = client.post(IMPORT_URL, {"file": students_csv(rows)}).url
    html = client.get(preview_url).content.decode()
    assert "email: Enter a valid email address." in html and "Confirm import" not in html
    refused = client.post(preview_url)
    assert refused.status_code == 400
    assert "Nothing was imported: some rows have errors." in refused.content.decode()
    assert not Student.objects.exists()
    entry = AuditLog.objects.get(action="import")
    assert (entry.success, entry.changes["errors"], entry.changes["created"]) == (False, 1, 1)


def test_a_submit_without_a_file_says_to_choose_one(admin_user):
    response = signed_in(admin_user).post(IMPORT_URL, {})
    assert response.status_code == 400
    assert "Choose a CSV or Excel (.xlsx) file to upload." in response.content.decode()


def test_missing_columns_are_named_and_the_admin_can_upload_again(admin_user):
    client = signed_in(admin_user)
    headless = SimpleUploadedFile("students.csv", writers.write_csv(["student_id", "first_name"], [["S1", "A"]]))
    preview = client.get(client.post(IMPORT_URL, {"file": headless}).url)
    assert preview.status_code == 400
    html = preview.content.decode()
    assert "last_name, email are missing" in html and 'id="import-upload"' in html


def test_an_expired_upload_sends_the_admin_back_to_the_upload_with_a_message(admin_user):
    client = signed_in(admin_user)
    response = client.get(f"{IMPORT_URL}not-a-token/", follow=True)
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "That upload has expired" in response.content.decode()


def test_an_admin_imports_grades_in_the_admin_for_any_course(admin_user):
    student, course = make_student(student_id="S1"), make_course(course_code="MATH-1")
    enroll(student, course)
    headers = ["student_id", "course_code", "assignment_name", "category", "grade"]
    rows = [["S1", "MATH-1", "Τεστ 1", "Homework", 17]]
    upload = SimpleUploadedFile("grades.xlsx", writers.write("xlsx", headers, rows))
    client = signed_in(admin_user)
    preview_url = client.post("/admin/grades/grade/import/", {"file": upload}).url
    assert client.post(preview_url).status_code == 302
    assert Grade.objects.get(student=student, course=course).assignment_name == "Τεστ 1"


def test_a_teacher_with_the_staff_flag_is_kept_out_of_the_admin_import(db):
    # Teachers import on the staff page, checked per course; the admin site is closed to them.
    teacher = make_user(roles.TEACHER, is_staff=True)
    client = signed_in(teacher)
    assert client.get("/admin/grades/grade/import/").url.startswith("/admin/login/")
    upload = students_csv([["S1", "Ann", "Lee", "a@x.gr"]])
    assert client.post(IMPORT_URL, {"file": upload}).url.startswith("/admin/login/")
    assert client.post(f"{IMPORT_URL}any-token/").url.startswith("/admin/login/")
    assert not Student.objects.exists()


def test_users_without_admin_site_access_are_sent_to_its_sign_in(viewer):
    response = signed_in(viewer).post(IMPORT_URL, {"file": students_csv([["S1", "Ann", "Lee", "a@x.gr"]])})
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert not Student.objects.exists()


def test_kinds_that_cannot_be_imported_have_no_admin_import(admin_user):
    with pytest.raises(NoReverseMatch):
        reverse("admin:attendance_attendance_import")
    response = signed_in(admin_user).get("/admin/attendance/attendance/import/", follow=True)
    assert 'id="import-upload"' not in response.content.decode()  # the admin's "no such record" instead
