import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from attendance.models import Attendance
from courses.models import Course
from grades.models import Grade
from grades.selectors import final_grades_for_student
from sms import roles
from students.models import Student

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_courses_and_records_once():
    call_command("seed_demo", students=30, verbosity=0)
    assert Student.objects.count() == 30 and Course.objects.count() == 18
    assert Grade.objects.exists() and Attendance.objects.exists()
    assert Grade.history.count() == Grade.objects.count()
    call_command("seed_demo", students=30, verbosity=0)
    assert Student.objects.count() == 30


def test_seed_demo_users_log_in_with_the_documented_passwords():
    call_command("seed_demo", students=1, verbosity=0)
    for username, password, role in [("admin", "sms-admin-demo", "admin"), ("teacher", "sms-teacher-demo", "teacher"),
                                     ("viewer", "sms-viewer-demo", "viewer")]:
        assert roles.role_of(authenticate(username=username, password=password)) == role


def test_seeded_grades_are_valid_and_computable():
    call_command("seed_demo", students=5, verbosity=0)
    for grade in Grade.objects.all()[:50]:
        grade.full_clean()
    rows, _gpa = final_grades_for_student(Student.objects.first())
    assert rows and any(result.has_grade for _course, result in rows)


def test_seed_demo_spans_three_semesters_with_rules_and_greek_and_english_names():
    call_command("seed_demo", students=40, verbosity=0)
    assert Course.objects.values("semester").distinct().count() == 3
    assert all(course.evaluation_rules for course in Course.objects.all())
    names = " ".join(Student.objects.values_list("first_name", flat=True))
    assert any("α" <= letter <= "ω" for letter in names.lower()) and any("a" <= letter <= "z" for letter in names.lower())
    assert Attendance.history.count() == Attendance.objects.count()
