"""Fixtures shared by every app's tests: users per role and small factories."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import translation

from courses.models import Course, Enrollment
from sms import roles
from students.models import Student

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A Greek request leaves Greek active in the worker's thread (Django's LocaleMiddleware does
    not reset it), so the next test in that worker would read Greek messages."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_user(role, username=None, **extra):
    username = username or f"{role}{next(_sequence)}"
    user = User.objects.create_user(username=username, password="pass-1234", **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_user(db):
    return make_user(roles.ADMIN, "admin_user", is_staff=True)


@pytest.fixture
def teacher(db):
    return make_user(roles.TEACHER, "teacher_user")


@pytest.fixture
def viewer(db):
    return make_user(roles.VIEWER, "viewer_user")


def make_student(**fields):
    number = next(_sequence)
    values = {
        "student_id": f"S{number:05d}", "first_name": "Maria", "last_name": f"Papadopoulou{number}",
        "email": f"student{number}@school.example", "enrollment_date": datetime.date(2026, 9, 1),
    }
    values.update(fields)
    return Student.objects.create(**values)


def make_course(**fields):
    number = next(_sequence)
    values = {
        "course_code": f"C{number:04d}", "course_name": "Mathematics", "semester": "2026 Fall",
        "credits": 6, "periods_per_week": 4, "absence_penalty": Decimal(0),
        "evaluation_rules": [
            {"category": "Homework", "weight": 30}, {"category": "Midterm", "weight": 30},
            {"category": "Final", "weight": 40},
        ],
    }
    values.update(fields)
    return Course.objects.create(**values)


def enroll(student, course):
    return Enrollment.objects.create(student=student, course=course)


@pytest.fixture
def student(db):
    return make_student()


@pytest.fixture
def course(db):
    return make_course()


@pytest.fixture
def enrollment(student, course):
    return enroll(student, course)
