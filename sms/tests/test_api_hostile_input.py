"""Hostile input to the API: garbage and oversized bodies, oversized uploads, formula cells.

Each gets a clear answer in the envelope (never a 500), or is stored as typed and neutralised when
exported. The file readers' own cases are in test_transfer_files.py; the web upload's in
test_transfer_views.py.
"""

import json
import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from sms.api.testing import data_of, envelope_of, error_of, token_client
from sms.transfer import readers, writers
from students.models import Student

pytestmark = pytest.mark.django_db
STUDENT = {"student_id": "S900", "first_name": "Maria", "last_name": "Papa", "email": "m@school.example",
           "enrollment_date": "2026-09-01"}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.mark.parametrize("body", [b"{not json", b"\x00\xff\xfe garbage \x81", b'{"a": [' * 5000,
                                  b'"just a string"', b"\xef\xbb\xbf{}" + b"\x00" * 100])
def test_a_garbage_json_body_is_a_400(admin_user, body):
    response = token_client(admin_user).post("/api/v1/students/", body, content_type="application/json")
    envelope_of(response, 400)
    assert not Student.all_objects.exists()


def test_a_json_body_over_the_memory_limit_is_a_413_saying_the_limit(admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({**STUDENT, "note": "x" * (1024 * 1024)})
    error = error_of(token_client(admin_user).post("/api/v1/students/", body, content_type="application/json"),
                     413)
    assert error["code"] == "HTTP_413" and "1.0\xa0MB" in error["message"]
    assert not Student.all_objects.exists()


def test_a_form_with_too_many_fields_is_a_400_saying_so(admin_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    body = "&".join(f"field{index}=x" for index in range(100))
    response = token_client(admin_user).post("/api/v1/students/", body,
                                             content_type="application/x-www-form-urlencoded")
    assert "more fields than the server accepts" in error_of(response, 400)["message"]


def test_an_upload_over_10_mb_is_a_400_naming_the_limit(admin_user):
    big = SimpleUploadedFile("students.csv", b"a" * (10 * 1024 * 1024 + 1))
    response = token_client(admin_user).post("/api/v1/imports/students/", {"file": big}, format="multipart")
    error = error_of(response, 400)
    assert error["code"] == "VALIDATION_ERROR" and "10 MB" in error["message"]


def test_random_bytes_named_csv_are_a_400(admin_user):
    garbage = SimpleUploadedFile("students.csv", os.urandom(4096))
    response = token_client(admin_user).post("/api/v1/imports/students/", {"file": garbage}, format="multipart")
    envelope_of(response, 400)
    assert not Student.all_objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_typed_into_a_record_is_exported_as_text(admin_user, fmt):
    formula = "=cmd|' /C calc'!A0"
    data_of(token_client(admin_user).post("/api/v1/students/", {**STUDENT, "first_name": formula}, format="json"),
            201)
    response = token_client(admin_user).get(f"/api/v1/exports/students.{fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    raw = content.decode("utf-8-sig", "replace") if fmt == "csv" else ""
    assert f",{formula}," not in raw  # never a bare formula cell in the CSV
    assert readers.read_table(content, f"students.{fmt}").rows[0]["first_name"] == formula  # reads back as typed
    if fmt == "csv":
        assert "'" + formula in raw


def test_a_formula_cell_in_an_import_is_stored_as_typed_and_exported_neutralised(admin_user):
    headers = ["student_id", "first_name", "last_name", "email", "enrollment_date"]
    rows = [["S901", "=HYPERLINK(\"http://evil\")", "Papa", "x@school.example", "2026-09-01"]]
    upload = SimpleUploadedFile("students.csv", writers.write_csv(headers, rows))
    response = token_client(admin_user).post("/api/v1/imports/students/", {"file": upload, "dry_run": "false"},
                                             format="multipart")
    envelope_of(response, 200)
    assert Student.objects.get(student_id="S901").first_name == "=HYPERLINK(\"http://evil\")"
    exported = token_client(admin_user).get("/api/v1/exports/students.csv")
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    assert "'=HYPERLINK" in content.decode("utf-8-sig")
