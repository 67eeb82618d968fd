"""The known data set the browser tests (and a person trying the pages) start from.

Idempotent: running it again creates nothing new; it resets the three users' passwords and roles.

Users (username / password / role), for test databases and local try-outs only:
    e2e-admin   / e2e-admin-pass   / admin
    e2e-teacher / e2e-teacher-pass / teacher (teaches both courses)
    e2e-viewer  / e2e-viewer-pass  / viewer
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from courses import semesters
from courses.models import Course
from courses.services import course_create, enrollments_bulk_create
from grades.models import Grade
from grades.services import grade_record
from metrics import derived
from sms import context, roles
from students.models import Student
from students.services import student_create

E2E_USERS = {
    # username: (password, role)
    "e2e-admin": ("e2e-admin-pass", roles.ADMIN),
    "e2e-teacher": ("e2e-teacher-pass", roles.TEACHER),
    "e2e-viewer": ("e2e-viewer-pass", roles.VIEWER),
}
E2E_STUDENTS = [
    # (student_id, first name, last name); emails are <student_id>@school.example in lower case
    ("E2E-001", "Ελένη", "Παπαδοπούλου"),
    ("E2E-002", "Nikos", "Georgiou"),
    ("E2E-003", "Maria", "Ioannou"),
    ("E2E-004", "Γιώργος", "Νικολάου"),
    ("E2E-005", "Sofia", "Petridi"),
    ("E2E-006", "Daniel", "Walker"),
]
E2E_COURSES = {
    # course code: (name, evaluation rules, student IDs enrolled)
    "E2E-MATH": ("Mathematics", [("Homework", 30), ("Midterm", 30), ("Final", 40)],
                 ["E2E-001", "E2E-002", "E2E-003", "E2E-004"]),
    "E2E-PHYS": ("Physics", [("Lab", 25), ("Midterm", 25), ("Final", 50)],
                 ["E2E-003", "E2E-004", "E2E-005", "E2E-006"]),
}
# E2E-001's complete Mathematics record: 90 %, 80 %, 70 % → 0.3·90 + 0.3·80 + 0.4·70 = 79 % → 15.8/20.
E2E_GRADES = [
    ("E2E-001", "E2E-MATH", "Homework 1", "Homework", Decimal(18)),
    ("E2E-001", "E2E-MATH", "Midterm", "Midterm", Decimal(16)),
    ("E2E-001", "E2E-MATH", "Final exam", "Final", Decimal(14)),
]
E2E_FINAL_GRADE = "15.8"


class Command(BaseCommand):
    help = (
        "Create the browser tests' known data set (idempotent): users e2e-admin/e2e-admin-pass, "
        "e2e-teacher/e2e-teacher-pass, e2e-viewer/e2e-viewer-pass, six students, two courses "
        "of the current semester with evaluation rules, enrollments and one student's grades."
    )

    def handle(self, *args, **options):
        with context.acting(source=context.SOURCE_COMMAND), transaction.atomic():
            users = seed_users()
            students = seed_students()
            courses = seed_courses(users["e2e-teacher"])
            seed_enrollments(courses, students)
            seed_grades(courses, students)
            # The services above keep the metrics' derived tables current already; a rerun after data
            # was changed by hand (a browser test's database) starts from consistent numbers too.
            derived.refresh_everything()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(
                f"E2E data ready: {len(users)} users, {len(students)} students, {len(courses)} courses."
            ))


def seed_users():
    users = {}
    for username, (password, role) in E2E_USERS.items():
        user, _created = User.objects.get_or_create(username=username)
        user.email = f"{username}@school.example"
        user.is_staff = user.is_superuser = role == roles.ADMIN
        user.is_active = True
        user.set_password(password)  # reset every run so the documented password always works
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        users[username] = user
    return users


def seed_students():
    existing = {s.student_id: s for s in Student.all_objects.filter(student_id__startswith="E2E-")}
    students = {}
    for student_id, first_name, last_name in E2E_STUDENTS:
        students[student_id] = existing.get(student_id) or student_create(
            student_id=student_id, first_name=first_name, last_name=last_name,
            email=f"{student_id.lower()}@school.example", enrollment_date=datetime.date(2026, 9, 1),
            reason="seed_e2e_data",
        )
    return students


def seed_courses(teacher):
    semester = semesters.semester_of(timezone.localdate())  # attendance can be taken today
    existing = {c.course_code: c for c in Course.all_objects.filter(course_code__startswith="E2E-")}
    courses = {}
    for code, (name, rules, _students) in E2E_COURSES.items():
        courses[code] = existing.get(code) or course_create(
            course_code=code, course_name=name, semester=semester, credits=6, hours_per_week=4,
            periods_per_week=4, absence_penalty=Decimal(0), teachers=[teacher],
            evaluation_rules=[{"category": category, "weight": weight} for category, weight in rules],
            reason="seed_e2e_data",
        )
    return courses


def seed_enrollments(courses, students):
    for code, (_name, _rules, student_ids) in E2E_COURSES.items():
        enrollments_bulk_create(
            course=courses[code], students=[students[i] for i in student_ids], reason="seed_e2e_data"
        )


def seed_grades(courses, students):
    today = timezone.localdate()
    for student_id, code, assignment, category, grade in E2E_GRADES:
        student, course = students[student_id], courses[code]
        if Grade.all_objects.filter(student=student, course=course, assignment_name=assignment).exists():
            continue
        grade_record(
            student=student, course=course, assignment_name=assignment, category=category,
            grade=grade, max_grade=Decimal(20), date_assigned=today, date_submitted=today,
            reason="seed_e2e_data",
        )
