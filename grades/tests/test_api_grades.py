"""/api/v1/grades/ and /api/v1/daily-performance/: records per course, bulk all-or-nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from grades.models import DailyPerformance, Grade
from grades.services import grade_record
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def taught(teacher, enrollment):
    enrollment.course.teachers.add(teacher)
    return enrollment


def grade_row(enrollment, **extra):
    return {"student": enrollment.student_id, "course": enrollment.course_id, "assignment_name": "Essay",
            "category": "Homework", "grade": "17.5", "max_grade": "20", "date_assigned": "2026-10-01", **extra}


def make_grade(enrollment, **extra):
    values = {"assignment_name": "Quiz", "category": "Homework", "grade": Decimal(15),
              "max_grade": Decimal(20), "date_assigned": datetime.date(2026, 10, 1), **extra}
    return grade_record(student=enrollment.student, course=enrollment.course, **values)


def test_a_teacher_records_a_grade_in_their_course(teacher, taught):
    data = data_of(token_client(teacher).post("/api/v1/grades/", grade_row(taught), format="json"), 201)
    assert (data["grade"], data["percentage"]) == ("17.50", "87.50")


def test_a_teacher_cannot_record_in_another_course(teacher, enrollment):
    error_of(token_client(teacher).post("/api/v1/grades/", grade_row(enrollment), format="json"), 403)
    assert not Grade.objects.exists()


def test_a_viewer_cannot_record_grades(viewer, enrollment):
    error_of(token_client(viewer).post("/api/v1/grades/", grade_row(enrollment), format="json"), 403)


def test_it_rejects_a_grade_above_the_maximum_on_the_grade_field(admin_user, enrollment):
    error = error_of(token_client(admin_user).post("/api/v1/grades/", grade_row(enrollment, grade="23"),
                                                   format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == {"grade": ["Grade 23 is above the maximum 20 for this assignment."]}


def test_it_reports_a_student_who_is_not_enrolled(admin_user, student, course):
    row = {**grade_row(enroll(make_student(), course)), "student": student.pk}
    error = error_of(token_client(admin_user).post("/api/v1/grades/", row, format="json"), 400)
    assert error["code"] == "NOT_ENROLLED" and "student" in error["details"]


def test_it_reports_a_category_the_course_does_not_use(admin_user, enrollment):
    error = error_of(token_client(admin_user).post("/api/v1/grades/", grade_row(enrollment, category="Poetry"),
                                                   format="json"), 400)
    assert error["code"] == "UNKNOWN_CATEGORY"


def test_a_correction_keeps_the_old_value_in_history(teacher, taught):
    grade = make_grade(taught)
    data = data_of(token_client(teacher).patch(f"/api/v1/grades/{grade.pk}/", {"grade": "16"}, format="json"))
    assert data["grade"] == "16.00"
    assert [h.grade for h in grade.history.order_by("history_id")] == [Decimal(15), Decimal(16)]


def test_a_grade_cannot_move_to_another_student(admin_user, enrollment):
    grade = make_grade(enrollment)
    other = enroll(make_student(), enrollment.course)
    error = error_of(token_client(admin_user).patch(f"/api/v1/grades/{grade.pk}/", {"student": other.student_id},
                                                    format="json"), 400)
    assert "student" in error["details"]


def test_a_teacher_cannot_change_a_grade_of_another_course(teacher, enrollment):
    grade = make_grade(enrollment)
    error_of(token_client(teacher).patch(f"/api/v1/grades/{grade.pk}/", {"grade": "1"}, format="json"), 403)
    error_of(token_client(teacher).delete(f"/api/v1/grades/{grade.pk}/"), 403)


def test_delete_then_admin_restore(admin_user, teacher, taught):
    grade = make_grade(taught)
    assert token_client(teacher).delete(f"/api/v1/grades/{grade.pk}/").status_code == 204
    error_of(token_client(teacher).post(f"/api/v1/grades/{grade.pk}/restore/"), 403)
    data_of(token_client(admin_user).post(f"/api/v1/grades/{grade.pk}/restore/"))
    assert Grade.objects.filter(pk=grade.pk).exists()


def test_bulk_create_writes_every_row(teacher, taught):
    rows = [grade_row(taught, assignment_name=f"Quiz {n}") for n in range(3)]
    data = data_of(token_client(teacher).post("/api/v1/grades/bulk/", rows, format="json"), 201)
    assert len(data) == 3 and Grade.objects.count() == 3


def test_bulk_create_saves_nothing_when_a_row_fails_and_reports_each_row(admin_user, enrollment):
    rows = [grade_row(enrollment), grade_row(enrollment, grade="25"), grade_row(enrollment, category="Poetry")]
    error = error_of(token_client(admin_user).post("/api/v1/grades/bulk/", {"items": rows}, format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]["rows"]) == {"1", "2"}
    assert error["details"]["rows"]["1"] == {"grade": ["Grade 25 is above the maximum 20 for this assignment."]}
    assert not Grade.objects.exists()


def test_bulk_create_reports_badly_shaped_rows_before_writing(admin_user, enrollment):
    rows = [grade_row(enrollment), {"grade": "x"}]
    error = error_of(token_client(admin_user).post("/api/v1/grades/bulk/", rows, format="json"), 400)
    assert set(error["details"]["rows"]) == {"1"}, error
    assert "grade" in error["details"]["rows"]["1"]


def test_bulk_create_needs_a_list(admin_user):
    error = error_of(token_client(admin_user).post("/api/v1/grades/bulk/", {"rows": 3}, format="json"), 400)
    assert "items" in error["details"]


def test_bulk_create_refuses_rows_of_courses_the_teacher_does_not_teach(teacher, taught):
    other = enroll(make_student(), make_course())
    rows = [grade_row(taught), grade_row(other)]
    error_of(token_client(teacher).post("/api/v1/grades/bulk/", rows, format="json"), 403)
    assert not Grade.objects.exists()


def test_filters_by_student_course_category_and_dates(viewer, enrollment):
    wanted = make_grade(enrollment, date_assigned=datetime.date(2026, 10, 5))
    make_grade(enrollment, date_assigned=datetime.date(2026, 11, 5))
    make_grade(enrollment, category="Final", date_assigned=datetime.date(2026, 10, 6))
    make_grade(enroll(make_student(), enrollment.course), date_assigned=datetime.date(2026, 10, 5))
    data = data_of(token_client(viewer).get("/api/v1/grades/", {
        "student": enrollment.student_id, "course": enrollment.course_id, "category": "homework",
        "date_from": "2026-10-01", "date_to": "2026-10-31"}))
    assert [item["id"] for item in data["items"]] == [wanted.pk]


def test_a_bad_date_filter_is_a_validation_error(viewer):
    error = error_of(token_client(viewer).get("/api/v1/grades/", {"date_from": "last week"}), 400)
    assert "date_from" in error["details"]


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_grade_list_takes_the_same_queries_whatever_the_page_size(viewer, django_assert_num_queries, page_size):
    course = make_course()
    for _ in range(40):
        enrollment = enroll(make_student(), course)
        for category in ("Homework", "Midterm", "Final"):
            make_grade(enrollment, category=category)
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page
    with django_assert_num_queries(4):
        data = data_of(client.get("/api/v1/grades/", {"page_size": page_size}))
    assert len(data["items"]) == page_size


def test_daily_performance_is_recorded_and_checked(teacher, taught):
    row = {"student": taught.student_id, "course": taught.course_id, "date": "2026-10-02",
           "category": "Participation", "score": "8", "max_score": "10"}
    client = token_client(teacher)
    data_of(client.post("/api/v1/daily-performance/", row, format="json"), 201)
    error = error_of(client.post("/api/v1/daily-performance/", {**row, "score": "12"}, format="json"), 400)
    assert "score" in error["details"]
    assert DailyPerformance.objects.count() == 1


def performance_row(enrollment, **extra):
    return {"student": enrollment.student_id, "course": enrollment.course_id, "date": "2026-10-02",
            "category": "Participation", "score": "8", "max_score": "10", **extra}


def make_performance(enrollment, **extra):
    values = {"date": datetime.date(2026, 10, 2), "category": "Participation", "score": Decimal(8),
              "max_score": Decimal(10), **extra}
    return DailyPerformance.objects.create(student=enrollment.student, course=enrollment.course, **values)


def test_a_teacher_cannot_record_daily_performance_in_another_course(teacher, enrollment):
    response = token_client(teacher).post("/api/v1/daily-performance/", performance_row(enrollment), format="json")
    assert error_of(response, 403)["code"] == "HTTP_403"
    assert not DailyPerformance.objects.exists()


def test_a_teacher_cannot_change_or_delete_daily_performance_of_another_course(teacher, enrollment):
    record = make_performance(enrollment)
    client = token_client(teacher)
    error_of(client.patch(f"/api/v1/daily-performance/{record.pk}/", {"score": "1"}, format="json"), 403)
    error_of(client.put(f"/api/v1/daily-performance/{record.pk}/", performance_row(enrollment, score="1"),
                        format="json"), 403)
    error_of(client.delete(f"/api/v1/daily-performance/{record.pk}/"), 403)
    record.refresh_from_db()
    assert (record.score, record.is_deleted) == (Decimal(8), False)


def test_daily_performance_delete_then_only_an_admin_restores(admin_user, teacher, taught):
    record = make_performance(taught)
    assert token_client(teacher).delete(f"/api/v1/daily-performance/{record.pk}/").status_code == 204
    error_of(token_client(teacher).post(f"/api/v1/daily-performance/{record.pk}/restore/"), 403)
    assert not DailyPerformance.objects.filter(pk=record.pk).exists()
    data = data_of(token_client(admin_user).post(f"/api/v1/daily-performance/{record.pk}/restore/"))
    assert (data["id"], data["score"]) == (record.pk, "8.00")
    assert DailyPerformance.objects.filter(pk=record.pk).exists()
    assert AuditLog.objects.filter(action="restore_deleted", entity_type="grades.dailyperformance",
                                   entity_id=str(record.pk), username=admin_user.username).exists()


def test_restoring_daily_performance_that_is_not_deleted_is_a_404(admin_user, enrollment):
    record = make_performance(enrollment)
    error_of(token_client(admin_user).post(f"/api/v1/daily-performance/{record.pk}/restore/"), 404)


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_daily_performance_list_takes_the_same_queries_whatever_the_page_size(
        viewer, django_assert_num_queries, page_size):
    course = make_course()
    for _ in range(40):
        enrollment = enroll(make_student(), course)
        for day in (1, 2, 3):
            DailyPerformance.objects.create(student=enrollment.student, course=course, category="Participation",
                                            date=datetime.date(2026, 10, day), score=Decimal(8), max_score=Decimal(10))
    client = token_client(viewer)
    # token + user, role groups, COUNT(*), the page
    with django_assert_num_queries(4):
        data = data_of(client.get("/api/v1/daily-performance/", {"page_size": page_size}))
    assert len(data["items"]) == page_size
