import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from courses.models import Course, Enrollment
from grades.calculations import display
from grades.models import Grade
from grades.selectors import final_grades_for_student
from sms import roles
from students.management.commands.seed_e2e_data import E2E_FINAL_GRADE, E2E_USERS
from students.models import Student

pytestmark = pytest.mark.django_db


def counts():
    return (Student.objects.count(), Course.objects.count(), Enrollment.objects.count(), Grade.objects.count())


def test_it_creates_the_known_data_set_once():
    call_command("seed_e2e_data", verbosity=0)
    assert counts() == (6, 2, 8, 3)
    call_command("seed_e2e_data", verbosity=0)
    assert counts() == (6, 2, 8, 3)


def test_its_users_log_in_with_the_documented_passwords_even_after_a_change():
    call_command("seed_e2e_data", verbosity=0)
    admin = authenticate(username="e2e-admin", password="e2e-admin-pass")
    admin.set_password("something-else")
    admin.save()
    call_command("seed_e2e_data", verbosity=0)
    for username, (password, role) in E2E_USERS.items():
        assert roles.role_of(authenticate(username=username, password=password)) == role


def test_the_teacher_teaches_both_courses_whose_rules_sum_to_100():
    call_command("seed_e2e_data", verbosity=0)
    for course in Course.objects.all():
        assert list(course.teachers.values_list("username", flat=True)) == ["e2e-teacher"]
        assert course.rules_weight_total == 100


def test_the_seeded_student_has_the_documented_final_grade():
    call_command("seed_e2e_data", verbosity=0)
    rows, _gpa = final_grades_for_student(Student.objects.get(student_id="E2E-001"))
    results = {course.course_code: result for course, result in rows}
    assert str(display(results["E2E-MATH"].value20)) == E2E_FINAL_GRADE
    assert not results["E2E-MATH"].provisional
