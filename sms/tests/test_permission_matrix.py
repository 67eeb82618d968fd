"""Every URL (web, API, Django admin) × anonymous / viewer / teacher / admin answers as the roles say.

The world: course A taught by the teacher, course B not; a student enrolled in both with a grade,
an attendance record and a daily performance record in each; a deleted record of every kind. It is
built once for the module, in a transaction rolled back at the end; each request of a row runs in
its own savepoint, rolled back after it, so a write by one role never changes what another sees.
Signed-in roles reuse one session each, made with the world.

A 302 is checked for where it goes: SIGN_IN is a redirect to a sign-in page (the role is not let
in), a plain 302 one anywhere else (the request was let in and answered with a redirect).

The last tests fail when a URL name, or a write method of a URL, is missing from the table.
"""

import datetime
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.test import APIClient

from attendance.models import Attendance
from audit.models import AuditLog
from conftest import enroll, make_course, make_student, make_user
from courses.models import Course, Enrollment
from grades.models import DailyPerformance, Grade
from sms import roles
from students.models import Student

ROLES = ("anonymous", "viewer", "teacher", "admin")
SIGN_IN = "sign-in"  # a 302 to the staff or the admin sign-in page
WRITE_METHODS = {"post", "put", "patch", "delete"}


def build_world():
    teacher = make_user(roles.TEACHER, "matrix_teacher")
    users = {
        "viewer": make_user(roles.VIEWER, "matrix_viewer"),
        "teacher": teacher,
        "admin": make_user(roles.ADMIN, "matrix_admin", is_staff=True),
    }
    course_a, course_b = make_course(), make_course()
    course_a.teachers.add(teacher)
    student = make_student()
    world = {"users": users, "student": student, "a": course_a, "b": course_b}
    for key, course in (("a", course_a), ("b", course_b)):
        world[f"enrollment_{key}"] = enroll(student, course)
        world[f"grade_{key}"] = make_grade(student, course)
        world[f"attendance_{key}"] = Attendance.objects.create(
            student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent"
        )
        world[f"performance_{key}"] = make_performance(student, course)
    world.update(deleted_records(course_a))
    world.update(admin_objects(world))
    world["sessions"] = {role: session_of(user) for role, user in users.items()}
    return world


def make_grade(student, course):
    return Grade.objects.create(
        student=student, course=course, assignment_name="Quiz", category="Homework",
        grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1),
    )


def make_performance(student, course):
    return DailyPerformance.objects.create(
        student=student, course=course, date=datetime.date(2026, 10, 1), category="Participation",
        score=Decimal(8), max_score=Decimal(10),
    )


def deleted_records(course):
    """One deleted record of each kind, in course A (the teacher's): deleted is not found, for every role."""
    other = make_student()
    records = {
        "deleted_student": make_student(), "deleted_course": make_course(),
        "deleted_enrollment": enroll(other, course), "deleted_grade": make_grade(other, course),
        "deleted_attendance": Attendance.objects.create(student=other, course=course,
                                                        date=datetime.date(2026, 10, 2)),
        "deleted_performance": make_performance(other, course),
    }
    for record in records.values():
        record.soft_delete()
    return records


def admin_objects(world):
    """What the admin's pages need: a group, a token, an audit entry, a history row, a content type."""
    viewer = world["users"]["viewer"]
    Token.objects.create(user=viewer)
    return {
        "group": Group.objects.get(name=roles.VIEWER), "viewer_user": viewer,
        "token": TokenProxy.objects.get(user=viewer), "audit_entry": AuditLog.objects.earliest("pk"),
        "student_type": ContentType.objects.get_for_model(Student),
    }


def session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def url(name, *keys):
    """A URL builder: keys name objects of the world whose pks fill the URL's arguments."""

    def build(world):
        return reverse(name, args=[world[key].pk for key in keys])

    build.keys = keys
    return build


def fixed(name, *args, query=""):
    """A URL builder for arguments that are not objects of the world."""
    return lambda world: reverse(name, args=args) + query


def admin_only(answer):
    """Django's admin site: only staff get in (the matrix's admin); the others go to its sign-in."""
    return (SIGN_IN, SIGN_IN, SIGN_IN, answer)


def students_csv(world):
    content = b"student_id,first_name,last_name,email\r\nS-MATRIX,Eleni,Nikolaou,eleni@school.example\r\n"
    return {"file": SimpleUploadedFile("students.csv", content, content_type="text/csv")}


# (URL name, method, URL builder, expected answer for anonymous, viewer, teacher, admin[, body builder])
WEB = [
    ("home", "get", url("home"), (SIGN_IN, 200, 200, 200)),
    ("students:list", "get", url("students:list"), (SIGN_IN, 200, 200, 200)),
    ("students:detail", "get", url("students:detail", "student"), (SIGN_IN, 200, 200, 200)),
    ("students:detail", "get", url("students:detail", "deleted_student"), (SIGN_IN, 404, 404, 404)),
    ("students:create", "get", url("students:create"), (SIGN_IN, 403, 200, 200)),
    ("students:create", "post", url("students:create"), (SIGN_IN, 403, 200, 200)),
    ("students:edit", "get", url("students:edit", "student"), (SIGN_IN, 403, 200, 200)),
    ("students:edit", "post", url("students:edit", "student"), (SIGN_IN, 403, 200, 200)),
    ("students:edit", "post", url("students:edit", "deleted_student"), (SIGN_IN, 403, 404, 404)),
    ("students:delete", "get", url("students:delete", "student"), (SIGN_IN, 403, 200, 200)),
    ("students:delete", "post", url("students:delete", "student"), (SIGN_IN, 403, 302, 302)),
    ("students:delete", "post", url("students:delete", "deleted_student"), (SIGN_IN, 403, 404, 404)),
    ("students:deleted", "get", url("students:deleted"), (SIGN_IN, 403, 403, 200)),
    ("students:restore", "post", url("students:restore", "deleted_student"), (SIGN_IN, 403, 403, 302)),
    ("students:restore", "post", url("students:restore", "student"), (SIGN_IN, 403, 403, 404)),
    ("courses:list", "get", url("courses:list"), (SIGN_IN, 200, 200, 200)),
    ("courses:detail", "get", url("courses:detail", "b"), (SIGN_IN, 200, 200, 200)),
    ("courses:detail", "get", url("courses:detail", "deleted_course"), (SIGN_IN, 404, 404, 404)),
    ("courses:create", "get", url("courses:create"), (SIGN_IN, 403, 403, 200)),
    ("courses:create", "post", url("courses:create"), (SIGN_IN, 403, 403, 200)),
    ("courses:edit", "get", url("courses:edit", "a"), (SIGN_IN, 403, 403, 200)),
    ("courses:edit", "post", url("courses:edit", "a"), (SIGN_IN, 403, 403, 200)),
    ("courses:edit", "post", url("courses:edit", "deleted_course"), (SIGN_IN, 403, 403, 404)),
    ("courses:delete", "get", url("courses:delete", "a"), (SIGN_IN, 403, 403, 200)),
    ("courses:delete", "post", url("courses:delete", "a"), (SIGN_IN, 403, 403, 302)),
    ("courses:delete", "post", url("courses:delete", "deleted_course"), (SIGN_IN, 403, 403, 404)),
    ("courses:deleted", "get", url("courses:deleted"), (SIGN_IN, 403, 403, 200)),
    ("courses:restore", "post", url("courses:restore", "deleted_course"), (SIGN_IN, 403, 403, 302)),
    ("courses:enrol", "get", url("courses:enrol", "a"), (SIGN_IN, 403, 200, 200)),
    ("courses:enrol", "get", url("courses:enrol", "b"), (SIGN_IN, 403, 403, 200)),
    ("courses:enrol", "post", url("courses:enrol", "b"), (SIGN_IN, 403, 403, 200)),
    ("courses:enrol", "post", url("courses:enrol", "deleted_course"), (SIGN_IN, 404, 404, 404)),
    ("courses:unenrol", "post", url("courses:unenrol", "a", "enrollment_a"), (SIGN_IN, 403, 302, 302)),
    ("courses:unenrol", "post", url("courses:unenrol", "b", "enrollment_b"), (SIGN_IN, 403, 403, 302)),
    ("courses:unenrol", "post", url("courses:unenrol", "a", "enrollment_b"), (SIGN_IN, 403, 404, 404)),
    ("courses:unenrol", "post", url("courses:unenrol", "a", "deleted_enrollment"), (SIGN_IN, 403, 404, 404)),
    ("grades:list", "get", url("grades:list", "b"), (SIGN_IN, 200, 200, 200)),
    ("grades:list", "get", url("grades:list", "deleted_course"), (SIGN_IN, 404, 404, 404)),
    ("grades:roster", "get", url("grades:roster", "a"), (SIGN_IN, 403, 200, 200)),
    ("grades:roster", "get", url("grades:roster", "b"), (SIGN_IN, 403, 403, 200)),
    ("grades:roster", "get", url("grades:roster", "deleted_course"), (SIGN_IN, 404, 404, 404)),
    ("grades:roster", "post", url("grades:roster", "b"), (SIGN_IN, 403, 403, 200)),
    ("grades:edit", "get", url("grades:edit", "grade_a"), (SIGN_IN, 403, 200, 200)),
    ("grades:edit", "get", url("grades:edit", "deleted_grade"), (SIGN_IN, 404, 404, 404)),
    ("grades:edit", "post", url("grades:edit", "grade_b"), (SIGN_IN, 403, 403, 200)),
    ("grades:delete", "get", url("grades:delete", "grade_a"), (SIGN_IN, 403, 200, 200)),
    ("grades:delete", "get", url("grades:delete", "grade_b"), (SIGN_IN, 403, 403, 200)),
    ("grades:delete", "post", url("grades:delete", "grade_b"), (SIGN_IN, 403, 403, 302)),
    ("grades:delete", "post", url("grades:delete", "grade_a"), (SIGN_IN, 403, 302, 302)),
    ("grades:delete", "post", url("grades:delete", "deleted_grade"), (SIGN_IN, 404, 404, 404)),
    ("attendance:roster", "get", url("attendance:roster", "a"), (SIGN_IN, 403, 200, 200)),
    ("attendance:roster", "post", url("attendance:roster", "b"), (SIGN_IN, 403, 403, 200)),
    ("attendance:roster", "post", url("attendance:roster", "deleted_course"), (SIGN_IN, 404, 404, 404)),
    ("attendance:course-summary", "get", url("attendance:course-summary", "b"), (SIGN_IN, 200, 200, 200)),
    ("attendance:course-summary", "get", url("attendance:course-summary", "deleted_course"),
     (SIGN_IN, 404, 404, 404)),
    ("transfer:index", "get", url("transfer:index"), (SIGN_IN, 200, 200, 200)),
    ("transfer:upload", "get", fixed("transfer:upload", "students"), (SIGN_IN, 403, 200, 200)),
    # A real file: teachers and admins import students (on to its preview), viewers do not.
    ("transfer:upload", "post", fixed("transfer:upload", "students"), (SIGN_IN, 403, 302, 302), students_csv),
    ("transfer:upload", "post", fixed("transfer:upload", "courses"), (SIGN_IN, 403, 403, 302), students_csv),
    # A blank import template holds no data; any signed-in role may download it.
    ("transfer:template", "get", fixed("transfer:template", "grades", "csv"), (SIGN_IN, 200, 200, 200)),
    # An unknown or expired preview sends the person back to the upload page.
    ("transfer:preview", "get", fixed("transfer:preview", "students", "no-such-token"),
     (SIGN_IN, 403, 302, 302)),
    ("transfer:preview", "post", fixed("transfer:preview", "students", "no-such-token"),
     (SIGN_IN, 403, 302, 302)),
    ("transfer:export", "get", fixed("transfer:export", "students", "csv"), (SIGN_IN, 200, 200, 200)),
    ("transfer:report-card", "get", url("transfer:report-card", "student"), (SIGN_IN, 200, 200, 200)),
    ("transfer:report-card", "get", url("transfer:report-card", "deleted_student"), (SIGN_IN, 404, 404, 404)),
    ("set_language", "post", url("set_language"), (302, 302, 302, 302)),
    ("login", "get", url("login"), (200, 302, 302, 302)),
    ("login", "post", url("login"), (200, 302, 302, 302)),
    ("login", "put", url("login"), (200, 302, 302, 302)),
    ("logout", "post", url("logout"), (SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN)),
    ("password_change", "get", url("password_change"), (SIGN_IN, 200, 200, 200)),
    ("password_change", "post", url("password_change"), (SIGN_IN, 200, 200, 200)),
    ("password_change", "put", url("password_change"), (SIGN_IN, 200, 200, 200)),
    ("password_change_done", "get", url("password_change_done"), (SIGN_IN, 200, 200, 200)),
    # The SMS tool pages in the admin site: the audit trail, metrics and backups are the admin's alone.
    ("admin-audit-timeline", "get", url("admin-audit-timeline"), (SIGN_IN, 403, 403, 200)),
    ("admin-metrics-dashboard", "get", url("admin-metrics-dashboard"), (SIGN_IN, 403, 403, 200)),
    ("admin-metrics-students", "get", url("admin-metrics-students"), (SIGN_IN, 403, 403, 200)),
    ("admin-metrics-courses", "get", url("admin-metrics-courses"), (SIGN_IN, 403, 403, 200)),
    ("admin-metrics-grades", "get", url("admin-metrics-grades"), (SIGN_IN, 403, 403, 200)),
    ("admin-metrics-attendance", "get", url("admin-metrics-attendance"), (SIGN_IN, 403, 403, 200)),
    ("admin-audit-entry", "get", fixed("admin-audit-entry", "action:999999"), (SIGN_IN, 403, 403, 404)),
    ("admin-audit-entry", "get", lambda w: reverse("admin-audit-entry", args=[f"action:{w['audit_entry'].pk}"]),
     (SIGN_IN, 403, 403, 200)),
    ("admin-audit-entry", "get",
     lambda w: reverse("admin-audit-entry", args=[f"grades.grade:{w['grade_b'].history.earliest().pk}"]),
     (SIGN_IN, 403, 403, 200)),
    # Backups: every operation answers an admin with a redirect to the list and a message, whether
    # it worked or was refused (unknown id, empty prune form); the others never reach it.
    ("admin-backups", "get", url("admin-backups"), (SIGN_IN, 403, 403, 200)),
    ("admin-backups-create", "post", url("admin-backups-create"), (SIGN_IN, 403, 403, 302)),
    ("admin-backups-verify", "post", fixed("admin-backups-verify", "no-such-backup"), (SIGN_IN, 403, 403, 302)),
    ("admin-backups-restore", "get", fixed("admin-backups-restore", "no-such-backup"), (SIGN_IN, 403, 403, 302)),
    ("admin-backups-restore", "post", fixed("admin-backups-restore", "no-such-backup"), (SIGN_IN, 403, 403, 302)),
    ("admin-backups-prune", "post", url("admin-backups-prune"), (SIGN_IN, 403, 403, 302)),
    ("admin-backups-rotate-key", "post", url("admin-backups-rotate-key"), (SIGN_IN, 403, 403, 302)),
]

# Restoring a row that is not deleted is 404: restore looks among deleted rows only. A deleted row
# is 404 for every method: it can be neither read nor changed until an admin restores it. A body
# of {} is a 400 for whoever is let in to write, a 403 for whoever is not.
API = [
    ("api-token", "post", url("api-token"), (400, 400, 400, 400)),
    ("api-schema", "get", url("api-schema"), (200, 200, 200, 200)),
    ("api-docs", "get", url("api-docs"), (200, 200, 200, 200)),
    ("api-student-list", "get", url("api-student-list"), (401, 200, 200, 200)),
    ("api-student-list", "post", url("api-student-list"), (401, 403, 400, 400)),
    ("api-student-detail", "get", url("api-student-detail", "student"), (401, 200, 200, 200)),
    ("api-student-detail", "get", url("api-student-detail", "deleted_student"), (401, 404, 404, 404)),
    ("api-student-detail", "put", url("api-student-detail", "student"), (401, 403, 400, 400)),
    ("api-student-detail", "patch", url("api-student-detail", "student"), (401, 403, 200, 200)),
    ("api-student-detail", "patch", url("api-student-detail", "deleted_student"), (401, 403, 404, 404)),
    ("api-student-detail", "delete", url("api-student-detail", "student"), (401, 403, 204, 204)),
    ("api-student-detail", "delete", url("api-student-detail", "deleted_student"), (401, 403, 404, 404)),
    ("api-student-final-grades", "get", url("api-student-final-grades", "student"), (401, 200, 200, 200)),
    ("api-student-final-grades", "get", url("api-student-final-grades", "deleted_student"),
     (401, 404, 404, 404)),
    ("api-student-restore", "post", url("api-student-restore", "deleted_student"), (401, 403, 403, 200)),
    ("api-student-restore", "post", url("api-student-restore", "student"), (401, 403, 403, 404)),
    ("api-course-list", "get", url("api-course-list"), (401, 200, 200, 200)),
    ("api-course-list", "post", url("api-course-list"), (401, 403, 403, 400)),
    ("api-course-detail", "get", url("api-course-detail", "b"), (401, 200, 200, 200)),
    ("api-course-detail", "get", url("api-course-detail", "deleted_course"), (401, 404, 404, 404)),
    ("api-course-detail", "put", url("api-course-detail", "a"), (401, 403, 403, 400)),
    ("api-course-detail", "patch", url("api-course-detail", "a"), (401, 403, 403, 200)),
    ("api-course-detail", "patch", url("api-course-detail", "deleted_course"), (401, 403, 403, 404)),
    ("api-course-detail", "delete", url("api-course-detail", "a"), (401, 403, 403, 204)),
    ("api-course-restore", "post", url("api-course-restore", "deleted_course"), (401, 403, 403, 200)),
    ("api-enrollment-list", "get", url("api-enrollment-list"), (401, 200, 200, 200)),
    ("api-enrollment-list", "post", url("api-enrollment-list"), (401, 403, 400, 400)),
    ("api-enrollment-detail", "get", url("api-enrollment-detail", "enrollment_b"), (401, 200, 200, 200)),
    ("api-enrollment-detail", "get", url("api-enrollment-detail", "deleted_enrollment"), (401, 404, 404, 404)),
    # Enrollments are not edited (delete and re-enrol): PUT and PATCH are not allowed (a viewer is
    # refused first, as for any write).
    ("api-enrollment-detail", "put", url("api-enrollment-detail", "enrollment_a"), (401, 403, 405, 405)),
    ("api-enrollment-detail", "patch", url("api-enrollment-detail", "enrollment_a"), (401, 403, 405, 405)),
    ("api-enrollment-detail", "delete", url("api-enrollment-detail", "enrollment_b"), (401, 403, 403, 204)),
    ("api-enrollment-detail", "delete", url("api-enrollment-detail", "enrollment_a"), (401, 403, 204, 204)),
    ("api-enrollment-detail", "delete", url("api-enrollment-detail", "deleted_enrollment"),
     (401, 403, 404, 404)),
    ("api-enrollment-restore", "post", url("api-enrollment-restore", "enrollment_a"), (401, 403, 403, 404)),
    ("api-enrollment-restore", "post", url("api-enrollment-restore", "deleted_enrollment"),
     (401, 403, 403, 200)),
    ("api-grade-list", "get", url("api-grade-list"), (401, 200, 200, 200)),
    ("api-grade-list", "post", url("api-grade-list"), (401, 403, 400, 400)),
    ("api-grade-bulk", "post", url("api-grade-bulk"), (401, 403, 400, 400)),
    ("api-grade-detail", "get", url("api-grade-detail", "grade_b"), (401, 200, 200, 200)),
    ("api-grade-detail", "get", url("api-grade-detail", "deleted_grade"), (401, 404, 404, 404)),
    ("api-grade-detail", "put", url("api-grade-detail", "grade_a"), (401, 403, 400, 400)),
    ("api-grade-detail", "put", url("api-grade-detail", "grade_b"), (401, 403, 403, 400)),
    ("api-grade-detail", "patch", url("api-grade-detail", "grade_a"), (401, 403, 200, 200)),
    ("api-grade-detail", "patch", url("api-grade-detail", "grade_b"), (401, 403, 403, 200)),
    ("api-grade-detail", "patch", url("api-grade-detail", "deleted_grade"), (401, 403, 404, 404)),
    ("api-grade-detail", "delete", url("api-grade-detail", "grade_a"), (401, 403, 204, 204)),
    ("api-grade-detail", "delete", url("api-grade-detail", "grade_b"), (401, 403, 403, 204)),
    ("api-grade-restore", "post", url("api-grade-restore", "grade_a"), (401, 403, 403, 404)),
    ("api-grade-restore", "post", url("api-grade-restore", "deleted_grade"), (401, 403, 403, 200)),
    ("api-attendance-list", "get", url("api-attendance-list"), (401, 200, 200, 200)),
    ("api-attendance-list", "post", url("api-attendance-list"), (401, 403, 400, 400)),
    ("api-attendance-bulk", "post", url("api-attendance-bulk"), (401, 403, 400, 400)),
    ("api-attendance-detail", "get", url("api-attendance-detail", "attendance_b"), (401, 200, 200, 200)),
    ("api-attendance-detail", "get", url("api-attendance-detail", "deleted_attendance"), (401, 404, 404, 404)),
    ("api-attendance-detail", "put", url("api-attendance-detail", "attendance_a"), (401, 403, 400, 400)),
    ("api-attendance-detail", "put", url("api-attendance-detail", "attendance_b"), (401, 403, 403, 400)),
    ("api-attendance-detail", "patch", url("api-attendance-detail", "attendance_a"), (401, 403, 200, 200)),
    ("api-attendance-detail", "patch", url("api-attendance-detail", "attendance_b"), (401, 403, 403, 200)),
    ("api-attendance-detail", "delete", url("api-attendance-detail", "attendance_a"), (401, 403, 204, 204)),
    ("api-attendance-detail", "delete", url("api-attendance-detail", "attendance_b"), (401, 403, 403, 204)),
    ("api-attendance-detail", "delete", url("api-attendance-detail", "deleted_attendance"),
     (401, 403, 404, 404)),
    ("api-attendance-restore", "post", url("api-attendance-restore", "attendance_a"), (401, 403, 403, 404)),
    ("api-attendance-restore", "post", url("api-attendance-restore", "deleted_attendance"),
     (401, 403, 403, 200)),
    ("api-daily-performance-list", "get", url("api-daily-performance-list"), (401, 200, 200, 200)),
    ("api-daily-performance-list", "post", url("api-daily-performance-list"), (401, 403, 400, 400)),
    ("api-daily-performance-detail", "get", url("api-daily-performance-detail", "performance_b"),
     (401, 200, 200, 200)),
    ("api-daily-performance-detail", "get", url("api-daily-performance-detail", "deleted_performance"),
     (401, 404, 404, 404)),
    ("api-daily-performance-detail", "get", fixed("api-daily-performance-detail", 999999), (401, 404, 404, 404)),
    ("api-daily-performance-detail", "put", url("api-daily-performance-detail", "performance_a"),
     (401, 403, 400, 400)),
    ("api-daily-performance-detail", "put", url("api-daily-performance-detail", "performance_b"),
     (401, 403, 403, 400)),
    ("api-daily-performance-detail", "patch", url("api-daily-performance-detail", "performance_a"),
     (401, 403, 200, 200)),
    ("api-daily-performance-detail", "patch", url("api-daily-performance-detail", "performance_b"),
     (401, 403, 403, 200)),
    ("api-daily-performance-detail", "delete", url("api-daily-performance-detail", "performance_a"),
     (401, 403, 204, 204)),
    ("api-daily-performance-detail", "delete", url("api-daily-performance-detail", "performance_b"),
     (401, 403, 403, 204)),
    ("api-daily-performance-detail", "delete", url("api-daily-performance-detail", "deleted_performance"),
     (401, 403, 404, 404)),
    ("api-daily-performance-restore", "post", fixed("api-daily-performance-restore", 999999),
     (401, 403, 403, 404)),
    ("api-daily-performance-restore", "post", url("api-daily-performance-restore", "deleted_performance"),
     (401, 403, 403, 200)),
    # JSON is not an upload: 415 before any file is read.
    ("api-import", "post", fixed("api-import", "students"), (401, 403, 415, 415)),
    ("api-export", "get", fixed("api-export", "students", "csv"), (401, 200, 200, 200)),
    ("api-report-card", "get", url("api-report-card", "student"), (401, 200, 200, 200)),
    ("api-report-card", "get", url("api-report-card", "deleted_student"), (401, 404, 404, 404)),
    ("api-audit-logs", "get", url("api-audit-logs"), (401, 403, 403, 200)),
    ("api-metrics-dashboard", "get", url("api-metrics-dashboard"), (401, 403, 403, 200)),
    ("api-metrics-students", "get", url("api-metrics-students"), (401, 403, 403, 200)),
    ("api-metrics-courses", "get", url("api-metrics-courses"), (401, 403, 403, 200)),
    ("api-metrics-grades", "get", url("api-metrics-grades"), (401, 403, 403, 200)),
    ("api-metrics-attendance", "get", url("api-metrics-attendance"), (401, 403, 403, 200)),
    ("api-audit-log", "get", fixed("api-audit-log", "action:999999"), (401, 403, 403, 404)),
    ("api-audit-log", "get", lambda w: reverse("api-audit-log", args=[f"action:{w['audit_entry'].pk}"]),
     (401, 403, 403, 200)),
]


# The Django admin: every registered model's pages, with the object of the world it opens.
ADMIN_OBJECTS = {
    Student: "student", Course: "a", Enrollment: "enrollment_a", Grade: "grade_a",
    DailyPerformance: "performance_a", Attendance: "attendance_a", AuditLog: "audit_entry",
    User: "viewer_user", Group: "group", TokenProxy: "token",
}


def admin_model_rows(model):
    """Change list (and an action on the object: soft delete, or Django's delete confirmation),
    add, change, delete and history pages; for models with django-simple-history, one past
    version and its revert form. The audit log is read-only, for the admin too: 403 on writes."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    key = ADMIN_OBJECTS[model]
    soft_deleted = hasattr(model, "all_objects")
    write = admin_only(403) if model is AuditLog else None

    def action(world):
        name = "soft_delete_selected" if soft_deleted else "delete_selected"
        return {"action": name, "_selected_action": [world[key].pk], "index": 0}

    rows = [
        (f"{prefix}_changelist", "get", url(f"{prefix}_changelist"), admin_only(200)),
        (f"{prefix}_changelist", "post", url(f"{prefix}_changelist"), admin_only(302 if soft_deleted else 200),
         action),
        (f"{prefix}_add", "get", url(f"{prefix}_add"), write or admin_only(200)),
        (f"{prefix}_add", "post", url(f"{prefix}_add"), write or admin_only(200)),
        (f"{prefix}_change", "get", url(f"{prefix}_change", key), admin_only(200)),
        (f"{prefix}_change", "post", url(f"{prefix}_change", key), write or admin_only(200)),
        (f"{prefix}_delete", "get", url(f"{prefix}_delete", key), write or admin_only(200)),
        (f"{prefix}_delete", "post", url(f"{prefix}_delete", key), write or admin_only(302),
         lambda world: {"post": "yes"}),
        (f"{prefix}_history", "get", url(f"{prefix}_history", key), admin_only(200)),
    ]
    if hasattr(model, "history"):
        def version(world):
            record = world[key]
            return reverse(f"{prefix}_simple_history", args=[record.pk, record.history.earliest().history_id])

        rows += [
            (f"{prefix}_simple_history", "get", version, admin_only(200)),
            (f"{prefix}_simple_history", "post", version, admin_only(200)),
        ]
    return rows


def admin_import_rows(model):
    """The admin's import (sms/transfer/admin.py), for the models it imports: a post without a file
    is a 400 with the form's error, and an unknown or expired upload goes back to the upload page."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    if not _has_url(f"{prefix}_import"):
        return []
    preview = fixed(f"{prefix}_import_preview", "no-such-upload")
    return [
        (f"{prefix}_import", "get", url(f"{prefix}_import"), admin_only(200)),
        (f"{prefix}_import", "post", url(f"{prefix}_import"), admin_only(400)),
        (f"{prefix}_import_preview", "get", preview, admin_only(302)),
        (f"{prefix}_import_preview", "post", preview, admin_only(302)),
    ]


def _has_url(name):
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


ADMIN = [
    ("admin:index", "get", url("admin:index"), admin_only(200)),
    ("admin:app_list", "get", fixed("admin:app_list", "students"), admin_only(200)),
    # Signed in without staff status, the admin's sign-in page explains it and offers another account.
    # Its POST is throttled as the staff sign-in is (sms/tests/test_web_site.py).
    ("admin:login", "get", url("admin:login"), (200, 200, 200, 302)),
    ("admin:login", "post", url("admin:login"), (200, 200, 200, 200)),
    # Whoever is not staff is sent to the admin's index (and from there to its sign-in); the admin,
    # signed out, to the staff sign-in page (LOGOUT_REDIRECT_URL).
    ("admin:logout", "post", url("admin:logout"), (302, 302, 302, SIGN_IN)),
    ("admin:password_change", "get", url("admin:password_change"), admin_only(200)),
    ("admin:password_change", "post", url("admin:password_change"), admin_only(200)),
    ("admin:password_change_done", "get", url("admin:password_change_done"), admin_only(200)),
    ("admin:autocomplete", "get",
     fixed("admin:autocomplete", query="?app_label=grades&model_name=grade&field_name=student"), admin_only(200)),
    ("admin:jsi18n", "get", url("admin:jsi18n"), admin_only(200)),
    ("admin:view_on_site", "get", url("admin:view_on_site", "student_type", "student"), admin_only(302)),
    ("admin:auth_user_password_change", "get", url("admin:auth_user_password_change", "viewer_user"),
     admin_only(200)),
    ("admin:auth_user_password_change", "post", url("admin:auth_user_password_change", "viewer_user"),
     admin_only(200)),
    # The admin sees deleted rows in the admin site: that is where they are restored.
    ("admin:students_student_change", "get", url("admin:students_student_change", "deleted_student"),
     admin_only(200)),
    *(row for model in admin.site._registry for row in admin_model_rows(model)),
    *(row for model in admin.site._registry for row in admin_import_rows(model)),
]

ROWS = [row if len(row) == 5 else (*row, None) for row in WEB + API + ADMIN]

# URLs whose views only read: a POST is answered as a GET is, or refused (405), and writes nothing
# (checked below). Every other URL's write methods each have a row above.
READS_ONLY = {
    "home", "students:list", "students:detail", "students:deleted", "courses:list", "courses:detail",
    "courses:deleted", "grades:list", "attendance:course-summary", "transfer:index", "transfer:template",
    "transfer:export", "transfer:report-card", "password_change_done", "admin-audit-timeline",
    "admin-audit-entry", "admin-metrics-dashboard", "admin-metrics-students", "admin-metrics-courses",
    "admin-metrics-grades", "admin-metrics-attendance", "admin-backups", "admin:index", "admin:app_list",
    "admin:password_change_done", "admin:autocomplete", "admin:jsi18n", "admin:view_on_site",
    *(f"admin:{model._meta.app_label}_{model._meta.model_name}_history" for model in admin.site._registry),
}


# Reads that are themselves audited (listing the backups is an operation on them, issue 7): their
# audit entry and its chain link are the only writes allowed.
AUDITED_READS = {"admin-backups"}


def is_audit_write(sql):
    return re.match(r'\s*(INSERT INTO|UPDATE) "audit_(auditlog|chainlink|chainhead)"', sql) is not None


@pytest.fixture(autouse=True)
def backups_in_a_temporary_folder(settings, tmp_path):
    """The backup rows must not write backups or a master key into the working tree."""
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"


def answer(world, role, method, target, body=None):
    """What `role` gets for `method` on `target`, in a savepoint rolled back afterwards."""
    cache.clear()  # rate limit counters and cached reports start afresh for each request
    client = APIClient()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    data = body(world) if body else {}
    with transaction.atomic():
        if target.startswith("/api/"):
            response = getattr(client, method)(target, data, format="json")
        else:
            response = getattr(client, method)(target, data)
        transaction.set_rollback(True)
    location = urlsplit(response.get("Location", "")).path
    if response.status_code == 302 and location in (reverse("login"), reverse("admin:login")):
        return SIGN_IN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "build", "expected", "body"), ROWS,
                         ids=[f"{row[0]}-{row[1]}-{index}" for index, row in enumerate(ROWS)])
def test_each_url_answers_each_role_as_expected(world, name, method, build, expected, body):
    target = build(world)
    answers = tuple(answer(world, role, method, target, body) for role in ROLES)
    assert answers == expected, f"{method.upper()} {target} as {ROLES}"


@pytest.mark.django_db
def test_urls_that_only_read_write_nothing_when_posted_to(world):
    gets = {row[0]: row for row in reversed(ROWS) if row[1] == "get"}
    for name in sorted(READS_ONLY):
        _name, _method, build, expected, _body = gets[name]
        with CaptureQueriesContext(connection) as queries:
            posted = answer(world, "admin", "post", build(world))
        writes = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(
            ("INSERT", "UPDATE", "DELETE")) and not (name in AUDITED_READS and is_audit_write(query["sql"]))]
        assert posted in (expected[-1], 405) and writes == [], f"POST {build(world)}"


def test_every_url_that_opens_a_record_by_id_is_tried_on_a_deleted_one():
    # Outside Django's admin, where the admin sees deleted rows on purpose (it restores them there).
    by_id = {row[0] for row in ROWS if getattr(row[2], "keys", ()) and not row[0].startswith("admin:")}
    on_deleted = {row[0] for row in ROWS if any(key.startswith("deleted_") for key in getattr(row[2], "keys", ()))}
    assert sorted(by_id - on_deleted) == []


def _views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def write_methods(view):
    """The write methods a URL's view answers.

    DRF views and class-based views name them in their class (a viewset route maps each method to
    an action; FormView answers PUT as POST). A function view, Django's admin included, reads its
    input from request.POST, which Django fills for POST only: its one write method is POST.
    """
    if hasattr(view, "cls"):
        handled = getattr(view, "actions", None) or [method for method in WRITE_METHODS if hasattr(view.cls, method)]
        return {method for method in handled if method in WRITE_METHODS and method in view.cls.http_method_names}
    if hasattr(view, "view_class"):
        names = view.view_class.http_method_names
        return {method for method in WRITE_METHODS if method in names and hasattr(view.view_class, method)}
    return {"post"}


def test_the_matrix_covers_every_named_url_admin_included():
    names = {name for name, _view in _views(get_resolver().url_patterns)}
    assert sorted(names - {row[0] for row in ROWS}) == []


def test_the_matrix_covers_every_write_method_of_every_url():
    needed = {(name, method) for name, view in _views(get_resolver().url_patterns) for method in write_methods(view)}
    covered = {(row[0], row[1]) for row in ROWS} | {(name, "post") for name in READS_ONLY}
    assert sorted(needed - covered) == []
