"""`?ordering=<field>` and `?ordering=-<field>` on every resource's list.

Each resource gets three rows inserted neither in the field's order nor in its reverse, so neither
the default ordering nor the insertion order can pass for both directions.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from grades.models import DailyPerformance, Grade
from sms.api.testing import data_of, token_client
from students.models import Student

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def rows():
    """Three students (Mid, Zeta, Alpha) in one course, each with a grade, an attendance record and
    a daily performance score that sort in the same order as their names; plus three more courses."""
    course = make_course(course_code="C-MID")
    make_course(course_code="C-ZETA"), make_course(course_code="C-ALPHA")
    for rank, last_name in ((2, "Mid"), (3, "Zeta"), (1, "Alpha")):
        student = make_student(last_name=last_name)
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name="Quiz", category="Homework",
                             grade=Decimal(10 + rank), max_grade=Decimal(20), date_assigned=DAY)
        Attendance.objects.create(student=student, course=course, date=DAY + datetime.timedelta(days=rank))
        DailyPerformance.objects.create(student=student, course=course, date=DAY, category="Participation",
                                        score=Decimal(rank), max_score=Decimal(10))
    return course


def last_names(items):
    names = dict(Student.objects.values_list("pk", "last_name"))
    return [names[item["student"]] for item in items]


NAMES = ["Alpha", "Mid", "Zeta"]


@pytest.mark.parametrize(("resource", "field", "value_of", "ascending"), [
    ("students", "last_name", lambda items: [item["last_name"] for item in items], NAMES),
    ("courses", "course_code", lambda items: [item["course_code"] for item in items], ["C-ALPHA", "C-MID", "C-ZETA"]),
    ("enrollments", "student", last_names, NAMES),
    ("grades", "grade", lambda items: [item["grade"] for item in items], ["11.00", "12.00", "13.00"]),
    ("attendance", "date", lambda items: [item["date"] for item in items], ["2026-10-02", "2026-10-03", "2026-10-04"]),
    ("daily-performance", "score", lambda items: [item["score"] for item in items], ["1.00", "2.00", "3.00"]),
])
def test_each_list_sorts_by_a_field_both_ways(viewer, rows, resource, field, value_of, ascending):
    client = token_client(viewer)
    items = data_of(client.get(f"/api/v1/{resource}/", {"ordering": field}))["items"]
    assert value_of(items) == ascending
    items = data_of(client.get(f"/api/v1/{resource}/", {"ordering": f"-{field}"}))["items"]
    assert value_of(items) == ascending[::-1]
