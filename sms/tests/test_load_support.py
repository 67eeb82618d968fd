"""The load test's own parts (bench/load/): its write check, its database guard, its rate limits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from bench.load import database, report, verify
from conftest import enroll, make_course, make_student
from grades.models import Grade
from sms.api.testing import data_of, token_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded_grade(admin_user):
    """A grade written through the API under a load-style request id, recorded as the load does."""
    cache.clear()
    student, course = make_student(), make_course()
    enroll(student, course)
    grade = data_of(token_client(admin_user).post("/api/v1/grades/", {
        "student": student.pk, "course": course.pk, "assignment_name": "Quiz 1", "category": "Final",
        "grade": "15", "max_grade": "20", "date_assigned": "2026-10-01",
    }, format="json", HTTP_X_REQUEST_ID="load-t1-0000001"), 201)
    return {"request_id": "load-t1-0000001", "resource": "grades.grade", "id": grade["id"], "method": "POST"}


@pytest.mark.django_db
def test_the_check_finds_an_accepted_write_with_its_history_row(recorded_grade):
    result = verify.verify([recorded_grade], "t1")
    assert result["resources"]["grades.grade"] == {"accepted": 1, "in_database": 1, "with_history_row": 1}
    assert result["history_rows_of_the_run"] == 1 and result["ok"] is True


@pytest.mark.django_db
def test_the_check_fails_when_a_write_lost_its_history_row(recorded_grade):
    Grade.history.filter(id=recorded_grade["id"]).delete()
    result = verify.verify([recorded_grade], "t1")
    assert result["resources"]["grades.grade"]["with_history_row"] == 0 and result["ok"] is False


@pytest.mark.django_db
def test_the_check_fails_when_an_accepted_write_is_not_in_the_database(recorded_grade):
    missing = {**recorded_grade, "id": recorded_grade["id"] + 1000, "request_id": "load-t1-0000002"}
    result = verify.verify([recorded_grade, missing], "t1")
    assert result["resources"]["grades.grade"]["in_database"] == 1 and result["ok"] is False


@pytest.mark.django_db
def test_the_check_fails_on_history_written_by_a_request_it_was_not_told_was_accepted(recorded_grade):
    assert verify.verify([], "t1")["history_rows_without_an_accepted_write"] == 1
    assert verify.verify([], "t1")["ok"] is False


@pytest.mark.parametrize("name", ["test", "sms", "postgres", "loadwork"])
def test_the_load_test_refuses_to_drop_a_database_that_is_not_its_own(name):
    with pytest.raises(SystemExit, match="Refusing to drop"):
        database.recreate_postgres(f"postgres://postgres@127.0.0.1:5432/{name}")


def test_the_report_reads_percentiles_from_the_histogram():
    histogram = {"10": 90, "200": 5, "1000": 5}
    assert [report.percentile(histogram, q) for q in (0.5, 0.9, 0.95, 0.99)] == [10, 10, 200, 1000]


def test_rate_limit_tiers_can_be_replaced_from_the_environment():
    code = "from django.conf import settings; print(sorted(settings.SMS_API_RATE_LIMITS.items()))"
    environment = {**os.environ, "SMS_API_RATE_LIMITS": "read=9000/m, write=500/m",
                   "DJANGO_SETTINGS_MODULE": "sms.settings.dev"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "[('auth', '10/m'), ('read', '9000/m'), ('write', '500/m')]", result.stderr
