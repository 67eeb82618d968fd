"""API lists answer from plain rows (sms.api.serializers.ValuesRepresentation): the same items the
resource's serializer gives for model instances, on every resource and every kind of field."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from attendance.models import Attendance
from attendance.serializers import AttendanceSerializer
from conftest import enroll, make_course, make_student, make_user
from courses.models import Course, Enrollment
from courses.serializers import CourseSerializer, EnrollmentSerializer
from grades.models import DailyPerformance, Grade
from grades.serializers import DailyPerformanceSerializer, GradeSerializer
from sms import roles
from sms.api.testing import data_of, token_client
from students.models import Student
from students.serializers import StudentSerializer

pytestmark = pytest.mark.django_db

RESOURCES = [
    ("students", Student, StudentSerializer),
    ("courses", Course, CourseSerializer),
    ("enrollments", Enrollment, EnrollmentSerializer),
    ("grades", Grade, GradeSerializer),
    ("attendance", Attendance, AttendanceSerializer),
    ("daily-performance", DailyPerformance, DailyPerformanceSerializer),
]


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def varied_records():
    """Rows with Greek text, blanks, nulls, decimals with and without fractions, dates and teachers."""
    teachers = [make_user(roles.TEACHER), make_user(roles.TEACHER)]
    with_teachers = make_course(periods_per_week=3, absence_penalty=Decimal("0.25"))
    with_teachers.teachers.add(*teachers)
    unscheduled = make_course(course_name="Νεοελληνική Γλώσσα", periods_per_week=0, evaluation_rules=[])
    greek = make_student(first_name="Ελένη", last_name="Παπαδοπούλου", phone="", health_issue="Άσθμα")
    plain = make_student(is_active=False, study_year=3)
    for student in (greek, plain):
        for course in (with_teachers, unscheduled):
            enroll(student, course)
    Grade.objects.create(student=greek, course=with_teachers, assignment_name="Δοκιμασία 1", category="Homework",
                         grade=Decimal("17.5"), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
    Grade.objects.create(student=plain, course=with_teachers, assignment_name="Quiz", category="Final",
                         grade=Decimal("6.67"), max_grade=Decimal(9), weight=Decimal("2.5"),
                         date_assigned=datetime.date(2026, 10, 2), date_submitted=datetime.date(2026, 10, 3),
                         notes="Late, accepted")
    Attendance.objects.create(student=greek, course=with_teachers, date=datetime.date(2026, 10, 5), status="Late",
                              notes="Λεωφορείο")
    Attendance.objects.create(student=plain, course=unscheduled, date=datetime.date(2026, 10, 5), period_number=3)
    DailyPerformance.objects.create(student=greek, course=with_teachers, date=datetime.date(2026, 10, 6),
                                    category="Participation", score=Decimal("7.25"))


@pytest.mark.parametrize(("resource", "model", "serializer"), RESOURCES)
def test_a_list_gives_the_items_its_serializer_gives(viewer, varied_records, resource, model, serializer):
    items = data_of(token_client(viewer).get(f"/api/v1/{resource}/", {"page_size": 200}))["items"]
    expected = json.loads(JSONRenderer().render(serializer(model.objects.order_by("pk"), many=True).data))
    assert items and sorted(items, key=lambda item: item["id"]) == [in_id_order(item) for item in expected]


def in_id_order(item):
    """The serializer lists a course's teachers in the database's order, which SQL leaves open."""
    return {**item, "teachers": sorted(item["teachers"])} if "teachers" in item else item
