from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from conftest import make_student
from courses.models import Course, Enrollment
from courses.services import course_delete, course_update, enrollment_create, enrollment_delete
from grades.calculations import display
from grades.models import Grade
from grades.selectors import final_grades_for_student
from grades.services import grade_delete, grade_record, grade_update
from sms import roles
from sms.models import UserPreference
from sms.preferences import language_set
from students.management.commands.seed_e2e_data import E2E_FINAL_GRADE, E2E_USERS
from students.models import Student
from students.services import student_delete, student_update

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


def documented_state():
    """What the command promises, read back from the database."""
    return {
        "students": sorted(
            Student.objects.values_list("student_id", "first_name", "last_name", "email", "is_active")),
        "courses": sorted(
            (course.course_code, course.course_name, course.rules_weight_total,
             tuple(course.teachers.values_list("username", flat=True)))
            for course in Course.objects.all()),
        "enrollments": sorted(Enrollment.objects.live().values_list("course__course_code", "student__student_id")),
        "grades": sorted(Grade.objects.values_list("student__student_id", "assignment_name", "grade")),
        "roles": {username: roles.role_of(authenticate(username=username, password=password))
                  for username, (password, _role) in E2E_USERS.items()},
    }


def test_a_rerun_restores_deleted_students_and_courses_and_resets_what_was_changed():
    call_command("seed_e2e_data", verbosity=0)
    seeded = documented_state()
    assert seeded["enrollments"] == [
        ("E2E-MATH", "E2E-001"), ("E2E-MATH", "E2E-002"), ("E2E-MATH", "E2E-003"), ("E2E-MATH", "E2E-004"),
        ("E2E-PHYS", "E2E-003"), ("E2E-PHYS", "E2E-004"), ("E2E-PHYS", "E2E-005"), ("E2E-PHYS", "E2E-006")]
    # What a person trying the pages (or a browser test) leaves behind:
    student_delete(student=Student.objects.get(student_id="E2E-001"))  # takes its enrollments and grades
    course_delete(course=Course.objects.get(course_code="E2E-PHYS"))
    maths = Course.objects.get(course_code="E2E-MATH")
    student_update(student=Student.objects.get(student_id="E2E-002"),
                   data={"first_name": "Renamed", "is_active": False})
    course_update(course=maths, teachers=[], data={
        "course_name": "Algebra", "evaluation_rules": [{"category": "Final", "weight": 50}]})
    enrollment_delete(enrollment=Enrollment.objects.get(course=maths, student__student_id="E2E-003"))
    enroll_extra = Student.objects.get(student_id="E2E-006")
    enrollment_create(student=enroll_extra, course=maths)
    viewer = User.objects.get(username="e2e-viewer")
    viewer.groups.set([Group.objects.get(name=roles.ADMIN)])
    viewer.is_active = False
    viewer.save()
    call_command("seed_e2e_data", verbosity=0)
    assert documented_state() == seeded
    test_the_seeded_student_has_the_documented_final_grade()


def test_a_rerun_puts_back_the_documented_grades_of_the_documented_student():
    call_command("seed_e2e_data", verbosity=0)
    student, maths = Student.objects.get(student_id="E2E-001"), Course.objects.get(course_code="E2E-MATH")
    grades = {grade.assignment_name: grade for grade in Grade.objects.filter(student=student)}
    grade_update(grade=grades["Midterm"], data={"grade": Decimal(3)})
    grade_delete(grade=grades["Final exam"])
    grade_record(student=student, course=maths, assignment_name="Extra", category="Homework", grade=Decimal(1))
    call_command("seed_e2e_data", verbosity=0)
    assert sorted(Grade.objects.filter(student=student).values_list("assignment_name", "grade")) == [
        ("Final exam", Decimal(14)), ("Homework 1", Decimal(18)), ("Midterm", Decimal(16))]
    assert Grade.all_objects.filter(student=student).count() == 4  # the extra one is deleted, not erased
    test_the_seeded_student_has_the_documented_final_grade()


def test_a_rerun_of_an_untouched_data_set_writes_no_history():
    call_command("seed_e2e_data", verbosity=0)
    history = (Student.history.count(), Course.history.count(), Enrollment.history.count(), Grade.history.count())
    call_command("seed_e2e_data", verbosity=0)
    assert (Student.history.count(), Course.history.count(), Enrollment.history.count(),
            Grade.history.count()) == history


def test_a_rerun_resets_the_users_language_to_the_default():
    call_command("seed_e2e_data", verbosity=0)
    language_set(user=User.objects.get(username="e2e-teacher"), language="el")
    call_command("seed_e2e_data", verbosity=0)
    assert not UserPreference.objects.filter(user__username__startswith="e2e-").exists()


def test_a_rerun_that_cannot_restore_a_student_says_why_and_changes_nothing():
    call_command("seed_e2e_data", verbosity=0)
    student_delete(student=Student.objects.get(student_id="E2E-002"))
    make_student(student_id="OTHER-1", email="e2e-002@school.example")  # the deleted student's email, reused
    with pytest.raises(CommandError, match="Cannot restore"):
        call_command("seed_e2e_data", verbosity=0)
    assert not Student.objects.filter(student_id="E2E-002").exists()
