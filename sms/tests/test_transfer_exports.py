"""Exports are filtered like the list pages (the same FilterSets) and cost a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from attendance.services import attendance_record
from conftest import enroll, make_course, make_student
from grades.services import grade_record
from sms.transfer import exporter, kinds, readers

pytestmark = pytest.mark.django_db


def export_rows(user, path, fmt="csv"):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content
    return readers.read_table(response.content, f"export.{fmt}").rows


def test_students_export_uses_the_list_filters(viewer):
    course = make_course()
    first = make_student(student_id="S-A", last_name="Οικονόμου", study_year=2)
    make_student(student_id="S-B", last_name="Οικονόμου", study_year=3)
    make_student(student_id="S-C", last_name="Smith", study_year=2, is_active=False)
    enroll(first, course)

    def exported_ids(query):
        rows = export_rows(viewer, f"/transfer/exports/students.csv?{query}")
        return sorted(row["student_id"] for row in rows)

    assert exported_ids("search=Οικονόμου") == ["S-A", "S-B"]
    assert exported_ids("study_year=2") == ["S-A", "S-C"]
    assert exported_ids("is_active=false") == ["S-C"]
    assert exported_ids(f"course={course.pk}") == ["S-A"]


def test_grades_export_filters_by_course_category_and_dates(admin_user):
    student, course, other = make_student(), make_course(), make_course()
    enroll(student, course), enroll(student, other)
    for name, when, category, where in (("HW1", 1, "Homework", course), ("HW2", 20, "Homework", course),
                                        ("Mid", 15, "Midterm", course), ("Other", 2, "Homework", other)):
        grade_record(student=student, course=where, assignment_name=name, category=category,
                     grade=Decimal(10), date_assigned=datetime.date(2026, 10, when))
    query = f"course={course.pk}&category=homework&date_from=2026-10-01&date_to=2026-10-10"
    rows = export_rows(admin_user, f"/transfer/exports/grades.xlsx?{query}", "xlsx")
    assert [row["assignment_name"] for row in rows] == ["HW1"]


def test_attendance_export_filters_by_status_and_dates(teacher):
    student, course = make_student(), make_course()
    enroll(student, course)
    for day, status in ((1, "Absent"), (2, "Present"), (3, "Absent"), (4, "Excused")):
        attendance_record(student=student, course=course, date=datetime.date(2026, 10, day), status=status)
    rows = export_rows(teacher, "/transfer/exports/attendance.csv?status=Absent&date_to=2026-10-02")
    assert [(row["date"], row["status"]) for row in rows] == [("2026-10-01", "Absent")]
    assert rows[0]["student_id"] == student.student_id and rows[0]["student_name"] == student.full_name


def test_a_bad_filter_value_is_a_400_naming_the_filter(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/transfer/exports/grades.csv?date_from=yesterday")
    assert response.status_code == 400
    assert "date_from" in response.content.decode()


def test_the_api_export_uses_the_same_filters(admin_user):
    from rest_framework.test import APIClient

    make_student(student_id="S-A", study_year=2), make_student(student_id="S-B", study_year=4)
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.get("/api/v1/exports/students.csv?study_year=4")
    assert [row["student_id"] for row in readers.read_table(response.content, "s.csv").rows] == ["S-B"]


# Every export also writes its audit entry: the row, then its chain link (lock the head, read the
# row back, insert the link, move the head): 5 queries whatever the size of the export.
AUDIT_QUERIES = 5


def test_exporting_60_grades_takes_one_query(django_assert_num_queries):
    course = make_course()
    for index in range(60):
        student = make_student()
        enroll(student, course)
        grade_record(student=student, course=course, assignment_name=f"HW{index}", category="Homework",
                     grade=Decimal(15))
    kind = kinds.get("grades")
    # one SELECT of the grades joined with their students and courses, and the audit entry
    with django_assert_num_queries(1 + AUDIT_QUERIES):
        _data, count = exporter.export(kind, kind.export_queryset(), "xlsx")
    assert count == 60


def test_exporting_60_courses_with_teachers_takes_two_queries(django_assert_num_queries, admin_user, teacher):
    for _index in range(60):
        make_course().teachers.add(admin_user, teacher)
    kind = kinds.get("courses")
    # the courses, then their teachers (prefetched per chunk of 2,000), and the audit entry
    with django_assert_num_queries(2 + AUDIT_QUERIES):
        _data, count = exporter.export(kind, kind.export_queryset(), "csv")
    assert count == 60
