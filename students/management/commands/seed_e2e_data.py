"""The known data set the browser tests (and a person trying the pages) start from.

Idempotent: running it again creates nothing new, and puts its own records back as documented
below when they were changed, deleted or unenrolled since (a person trying the pages, a browser
test): students and courses are restored and their fields reset, the listed enrollments restored
and others between these students and courses removed, E2E-001's three grades restored and reset
and other grades of these students in these courses deleted (soft, like every delete), and the
three users' passwords, roles and sign-in rights reset (their page language back to the default).
Attendance taken in these courses is left as it is. Every change goes through the services, so it
has its history rows.

Users (username / password / role), for test databases and local try-outs only:
    e2e-admin   / e2e-admin-pass   / admin
    e2e-teacher / e2e-teacher-pass / teacher (teaches both courses)
    e2e-viewer  / e2e-viewer-pass  / viewer
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses import semesters
from courses.models import Course, Enrollment
from courses.services import (
    course_create,
    course_restore,
    course_update,
    enrollment_create,
    enrollment_delete,
    enrollment_restore,
)
from grades.models import Grade
from grades.services import grade_delete, grade_record, grade_restore, grade_update
from metrics import derived
from sms import context, roles
from sms.models import UserPreference
from students.models import Student
from students.services import student_create, student_restore, student_update

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
REASON = "seed_e2e_data"
BLANK_STUDENT_FIELDS = ("father_name", "phone", "mobile_phone", "class_division", "health_issue", "note")


class Command(BaseCommand):
    help = (
        "Create the browser tests' known data set, or put it back as documented (idempotent): users "
        "e2e-admin/e2e-admin-pass, e2e-teacher/e2e-teacher-pass, e2e-viewer/e2e-viewer-pass, six "
        "students, two courses of the current semester with evaluation rules, enrollments and one "
        "student's grades; deleted or changed records of this set are restored and reset."
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
        UserPreference.objects.filter(user=user).delete()  # pages in the site's default language
        users[username] = user
    return users


def _reset(instance, documented, update):
    """Put back the documented values someone changed; update(changed) writes them (with history)."""
    changed = {field: value for field, value in documented.items() if getattr(instance, field) != value}
    if changed:
        update(changed)
    return instance


def _restore_last_deleted(queryset, restore):
    """Restore the most recently deleted record of the queryset (with what was deleted with it);
    None when there is none."""
    deleted = queryset.filter(deleted_at__isnull=False).order_by("-deleted_at", "-pk").first()
    if deleted is not None:
        try:
            restore(deleted)
        except ValidationError as error:  # another live record took its ID, email or code meanwhile
            raise CommandError(f"Cannot restore {deleted}: {' '.join(error.messages)}") from error
    return deleted


def seed_students():
    students = {}
    for student_id, first_name, last_name in E2E_STUDENTS:
        documented = {
            "first_name": first_name, "last_name": last_name, "email": f"{student_id.lower()}@school.example",
            "enrollment_date": datetime.date(2026, 9, 1), "study_year": 1, "is_active": True,
            **dict.fromkeys(BLANK_STUDENT_FIELDS, ""),
        }
        student = Student.objects.filter(student_id=student_id).first() or _restore_last_deleted(
            Student.all_objects.filter(student_id=student_id),
            lambda deleted: student_restore(student=deleted, reason=REASON))
        if student is None:
            student = student_create(student_id=student_id, reason=REASON, **documented)
        students[student_id] = _reset(
            student, documented, lambda data, s=student: student_update(student=s, data=data, reason=REASON))
    return students


def seed_courses(teacher):
    semester = semesters.semester_of(timezone.localdate())  # attendance can be taken today
    courses = {}
    for code, (name, rules, _students) in E2E_COURSES.items():
        documented = {
            "course_name": name, "semester": semester, "credits": 6, "hours_per_week": 4, "periods_per_week": 4,
            "absence_penalty": Decimal(0), "description": "",
            "evaluation_rules": [{"category": category, "weight": weight} for category, weight in rules],
        }
        course = Course.objects.filter(course_code=code).first() or _restore_last_deleted(
            Course.all_objects.filter(course_code=code),
            lambda deleted: course_restore(course=deleted, reason=REASON))
        if course is None:
            course = course_create(course_code=code, teachers=[teacher], reason=REASON, **documented)
        _reset(course, documented, lambda data, c=course: course_update(course=c, data=data, reason=REASON))
        if list(course.teachers.all()) != [teacher]:
            course.teachers.set([teacher])
        courses[code] = course
    return courses


def seed_enrollments(courses, students):
    """The listed enrollments live; other enrollments between these students and courses removed."""
    for code, (_name, _rules, student_ids) in E2E_COURSES.items():
        course, listed = courses[code], [students[student_id] for student_id in student_ids]
        live = list(Enrollment.objects.filter(course=course, student__in=students.values()))
        for enrollment in live:
            if enrollment.student_id not in {student.pk for student in listed}:
                enrollment_delete(enrollment=enrollment, reason=REASON)
        enrolled = {enrollment.student_id for enrollment in live}
        for student in listed:
            if student.pk in enrolled or _restore_last_deleted(
                    Enrollment.all_objects.filter(course=course, student=student),
                    lambda deleted: enrollment_restore(enrollment=deleted, reason=REASON)):
                continue
            enrollment_create(student=student, course=course, reason=REASON)


def seed_grades(courses, students):
    """E2E-001's documented grades, live and as listed; other grades of the set removed."""
    today = timezone.localdate()
    documented = {
        (students[student_id].pk, courses[code].pk, assignment): (students[student_id], courses[code], {
            "category": category, "grade": grade, "max_grade": Decimal(20), "weight": Decimal(1)})
        for student_id, code, assignment, category, grade in E2E_GRADES
    }
    found = {}
    in_the_set = Grade.objects.filter(student__in=students.values(), course__in=courses.values())
    for grade in in_the_set.order_by("pk"):
        key = (grade.student_id, grade.course_id, grade.assignment_name)
        if key in documented and key not in found:
            found[key] = grade
        else:
            grade_delete(grade=grade, reason=REASON)
    for key, (student, course, values) in documented.items():
        grade = found.get(key) or _restore_last_deleted(
            Grade.all_objects.filter(student=student, course=course, assignment_name=key[2]),
            lambda deleted: grade_restore(grade=deleted, reason=REASON))
        if grade is None:
            grade_record(student=student, course=course, assignment_name=key[2], date_assigned=today,
                         date_submitted=today, reason=REASON, **values)
        else:
            _reset(grade, values, lambda data, g=grade: grade_update(grade=g, data=data, reason=REASON))
