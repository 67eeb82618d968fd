"""/api/v1/attendance/: taken by admins and the course's teachers, duplicates refused, bulk."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from attendance.models import Attendance
from attendance.services import attendance_record
from audit.models import AuditLog
from conftest import enroll, make_student
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def taught(teacher, enrollment):
    enrollment.course.teachers.add(teacher)
    return enrollment


def row(enrollment, **extra):
    return {"student": enrollment.student_id, "course": enrollment.course_id, "date": DAY.isoformat(),
            "period_number": 1, "status": "Absent", **extra}


def mark(enrollment, **extra):
    values = {"date": DAY, "period_number": 1, "status": "Present", **extra}
    return attendance_record(student=enrollment.student, course=enrollment.course, **values)


def test_a_teacher_takes_attendance_in_their_course(teacher, taught):
    data = data_of(token_client(teacher).post("/api/v1/attendance/", row(taught), format="json"), 201)
    assert Attendance.objects.get(pk=data["id"]).status == "Absent"


def test_a_teacher_cannot_take_attendance_in_another_course(teacher, enrollment):
    error_of(token_client(teacher).post("/api/v1/attendance/", row(enrollment), format="json"), 403)


def test_taking_the_same_period_twice_reports_attendance_exists(admin_user, enrollment):
    mark(enrollment)
    error = error_of(token_client(admin_user).post("/api/v1/attendance/", row(enrollment), format="json"), 400)
    assert error["code"] == "ATTENDANCE_EXISTS"


def test_a_future_date_is_refused(admin_user, enrollment):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    error = error_of(token_client(admin_user).post("/api/v1/attendance/", row(enrollment, date=tomorrow),
                                                   format="json"), 400)
    assert error["code"] == "FUTURE_DATE" and "date" in error["details"]


def test_an_unknown_status_is_refused(admin_user, enrollment):
    error = error_of(token_client(admin_user).post("/api/v1/attendance/", row(enrollment, status="Sick"),
                                                   format="json"), 400)
    assert "status" in error["details"]


def test_a_student_who_is_not_enrolled_is_refused(admin_user, enrollment):
    outsider = make_student()
    error = error_of(token_client(admin_user).post("/api/v1/attendance/", row(enrollment, student=outsider.pk),
                                                   format="json"), 400)
    assert error["code"] == "NOT_ENROLLED"


def test_a_correction_from_absent_to_excused(teacher, taught):
    record = mark(taught, status="Absent")
    data = data_of(token_client(teacher).patch(f"/api/v1/attendance/{record.pk}/", {"status": "Excused"},
                                               format="json"))
    assert data["status"] == "Excused" and record.history.count() == 2


def test_bulk_saves_a_roster_all_or_nothing(teacher, taught):
    other = enroll(make_student(), taught.course)
    client = token_client(teacher)
    data_of(client.post("/api/v1/attendance/bulk/", [row(taught), row(other, status="Late")], format="json"), 201)
    error = error_of(client.post("/api/v1/attendance/bulk/", [row(taught, period_number=2), row(other)],
                                 format="json"), 400)
    assert set(error["details"]["rows"]) == {"1"}
    assert Attendance.objects.count() == 2


def test_delete_is_soft_and_viewers_cannot_delete(viewer, teacher, taught):
    record = mark(taught)
    error_of(token_client(viewer).delete(f"/api/v1/attendance/{record.pk}/"), 403)
    assert token_client(teacher).delete(f"/api/v1/attendance/{record.pk}/").status_code == 204
    assert Attendance.all_objects.get(pk=record.pk).is_deleted


def test_delete_then_only_an_admin_restores(admin_user, teacher, taught):
    record = mark(taught, status="Absent")
    assert token_client(teacher).delete(f"/api/v1/attendance/{record.pk}/").status_code == 204
    error_of(token_client(teacher).post(f"/api/v1/attendance/{record.pk}/restore/"), 403)
    assert not Attendance.objects.filter(pk=record.pk).exists()
    data = data_of(token_client(admin_user).post(f"/api/v1/attendance/{record.pk}/restore/"))
    assert (data["id"], data["status"]) == (record.pk, "Absent")
    assert Attendance.objects.filter(pk=record.pk).exists()
    assert AuditLog.objects.filter(action="restore_deleted", entity_type="attendance.attendance",
                                   entity_id=str(record.pk), username=admin_user.username).exists()


def test_restoring_attendance_that_is_not_deleted_is_a_404(admin_user, enrollment):
    record = mark(enrollment)
    error_of(token_client(admin_user).post(f"/api/v1/attendance/{record.pk}/restore/"), 404)


def test_restoring_attendance_whose_period_was_taken_again_is_refused(admin_user, enrollment):
    record = mark(enrollment, status="Absent")
    client = token_client(admin_user)
    client.delete(f"/api/v1/attendance/{record.pk}/")
    retaken = mark(enrollment, status="Present")  # the same student, course, date and period
    error = error_of(client.post(f"/api/v1/attendance/{record.pk}/restore/"), 400)
    assert error["code"] == "VALIDATION_ERROR" and "cannot be restored" in error["message"]
    assert list(Attendance.objects.values_list("pk", flat=True)) == [retaken.pk]


def test_filters_by_student_course_status_and_dates(viewer, enrollment):
    wanted = mark(enrollment, status="Absent", date=DAY)
    mark(enrollment, status="Present", date=DAY, period_number=2)
    mark(enrollment, status="Absent", date=DAY + datetime.timedelta(days=30))
    mark(enroll(make_student(), enrollment.course), status="Absent", date=DAY)
    data = data_of(token_client(viewer).get("/api/v1/attendance/", {
        "student": enrollment.student_id, "course": enrollment.course_id, "status": "Absent",
        "date_from": DAY.isoformat(), "date_to": (DAY + datetime.timedelta(days=7)).isoformat()}))
    assert [item["id"] for item in data["items"]] == [wanted.pk]


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_attendance_list_takes_the_same_queries_whatever_the_page_size(
        viewer, enrollment, django_assert_num_queries, page_size):
    for day in range(40):
        for period in (1, 2, 3):
            mark(enrollment, date=DAY - datetime.timedelta(days=day), period_number=period)
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page
    with django_assert_num_queries(4):
        data = data_of(client.get("/api/v1/attendance/", {"page_size": page_size}))
    assert len(data["items"]) == page_size
