"""Every URL (web and API) × anonymous / viewer / teacher / admin answers as the roles say.

The world: course A taught by the teacher, course B not; a student enrolled in both with a grade
and an attendance record in each; a deleted student. Each (URL, role) pair runs in its own
transaction, so a write by one role never changes what another sees. A last test fails when a
URL exists that this table does not cover.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from attendance.models import Attendance
from conftest import enroll, make_course, make_student, make_user
from grades.models import Grade
from sms import roles

ROLES = ("anonymous", "viewer", "teacher", "admin")
ANON_WEB = 302  # sent to the sign-in page


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
        world[f"grade_{key}"] = Grade.objects.create(
            student=student, course=course, assignment_name="Quiz", category="Homework",
            grade=Decimal(15), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1),
        )
        world[f"attendance_{key}"] = Attendance.objects.create(
            student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent"
        )
    world["deleted_student"] = make_student()
    world["deleted_student"].soft_delete()
    world["deleted_course"] = make_course()
    world["deleted_course"].soft_delete()
    return world


def url(name, *keys):
    """A URL builder: keys name objects of the world whose pks fill the URL's arguments."""
    return lambda world: reverse(name, args=[world[key].pk for key in keys])


# (URL name, method, builder, expected status for anonymous, viewer, teacher, admin)
WEB = [
    ("home", "get", url("home"), (ANON_WEB, 200, 200, 200)),
    ("students:list", "get", url("students:list"), (ANON_WEB, 200, 200, 200)),
    ("students:detail", "get", url("students:detail", "student"), (ANON_WEB, 200, 200, 200)),
    ("students:detail", "get", url("students:detail", "deleted_student"), (ANON_WEB, 404, 404, 404)),
    ("students:create", "get", url("students:create"), (ANON_WEB, 403, 200, 200)),
    ("students:create", "post", url("students:create"), (ANON_WEB, 403, 200, 200)),
    ("students:edit", "get", url("students:edit", "student"), (ANON_WEB, 403, 200, 200)),
    ("students:edit", "post", url("students:edit", "student"), (ANON_WEB, 403, 200, 200)),
    ("students:delete", "get", url("students:delete", "student"), (ANON_WEB, 403, 200, 200)),
    ("students:delete", "post", url("students:delete", "student"), (ANON_WEB, 403, 302, 302)),
    ("students:deleted", "get", url("students:deleted"), (ANON_WEB, 403, 403, 200)),
    ("students:restore", "post", url("students:restore", "deleted_student"), (ANON_WEB, 403, 403, 302)),
    ("students:restore", "post", url("students:restore", "student"), (ANON_WEB, 403, 403, 404)),
    ("courses:list", "get", url("courses:list"), (ANON_WEB, 200, 200, 200)),
    ("courses:detail", "get", url("courses:detail", "b"), (ANON_WEB, 200, 200, 200)),
    ("courses:detail", "get", url("courses:detail", "deleted_course"), (ANON_WEB, 404, 404, 404)),
    ("courses:create", "get", url("courses:create"), (ANON_WEB, 403, 403, 200)),
    ("courses:create", "post", url("courses:create"), (ANON_WEB, 403, 403, 200)),
    ("courses:edit", "get", url("courses:edit", "a"), (ANON_WEB, 403, 403, 200)),
    ("courses:edit", "post", url("courses:edit", "a"), (ANON_WEB, 403, 403, 200)),
    ("courses:delete", "get", url("courses:delete", "a"), (ANON_WEB, 403, 403, 200)),
    ("courses:delete", "post", url("courses:delete", "a"), (ANON_WEB, 403, 403, 302)),
    ("courses:deleted", "get", url("courses:deleted"), (ANON_WEB, 403, 403, 200)),
    ("courses:restore", "post", url("courses:restore", "deleted_course"), (ANON_WEB, 403, 403, 302)),
    ("courses:enrol", "get", url("courses:enrol", "a"), (ANON_WEB, 403, 200, 200)),
    ("courses:enrol", "get", url("courses:enrol", "b"), (ANON_WEB, 403, 403, 200)),
    ("courses:enrol", "post", url("courses:enrol", "b"), (ANON_WEB, 403, 403, 200)),
    ("courses:unenrol", "post", url("courses:unenrol", "a", "enrollment_a"), (ANON_WEB, 403, 302, 302)),
    ("courses:unenrol", "post", url("courses:unenrol", "b", "enrollment_b"), (ANON_WEB, 403, 403, 302)),
    ("courses:unenrol", "post", url("courses:unenrol", "a", "enrollment_b"), (ANON_WEB, 403, 404, 404)),
    ("grades:list", "get", url("grades:list", "b"), (ANON_WEB, 200, 200, 200)),
    ("grades:roster", "get", url("grades:roster", "a"), (ANON_WEB, 403, 200, 200)),
    ("grades:roster", "get", url("grades:roster", "b"), (ANON_WEB, 403, 403, 200)),
    ("grades:roster", "post", url("grades:roster", "b"), (ANON_WEB, 403, 403, 200)),
    ("grades:edit", "get", url("grades:edit", "grade_a"), (ANON_WEB, 403, 200, 200)),
    ("grades:edit", "post", url("grades:edit", "grade_b"), (ANON_WEB, 403, 403, 200)),
    ("grades:delete", "post", url("grades:delete", "grade_b"), (ANON_WEB, 403, 403, 302)),
    ("grades:delete", "post", url("grades:delete", "grade_a"), (ANON_WEB, 403, 302, 302)),
    ("attendance:roster", "get", url("attendance:roster", "a"), (ANON_WEB, 403, 200, 200)),
    ("attendance:roster", "post", url("attendance:roster", "b"), (ANON_WEB, 403, 403, 200)),
    ("attendance:course-summary", "get", url("attendance:course-summary", "b"), (ANON_WEB, 200, 200, 200)),
    ("attendance:course-summary", "get", url("attendance:course-summary", "deleted_course"),
     (ANON_WEB, 404, 404, 404)),
    ("transfer:index", "get", url("transfer:index"), (ANON_WEB, 200, 200, 200)),
    ("transfer:upload", "get", lambda w: reverse("transfer:upload", args=["students"]), (ANON_WEB, 403, 200, 200)),
    # A blank import template holds no data; any signed-in role may download it.
    ("transfer:template", "get", lambda w: reverse("transfer:template", args=["grades", "csv"]),
     (ANON_WEB, 200, 200, 200)),
    # An unknown or expired preview sends the person back to the upload page.
    ("transfer:preview", "get", lambda w: reverse("transfer:preview", args=["students", "no-such-token"]),
     (ANON_WEB, 403, 302, 302)),
    ("transfer:export", "get", lambda w: reverse("transfer:export", args=["students", "csv"]),
     (ANON_WEB, 200, 200, 200)),
    ("transfer:report-card", "get", url("transfer:report-card", "student"), (ANON_WEB, 200, 200, 200)),
    ("transfer:report-card", "get", url("transfer:report-card", "deleted_student"), (ANON_WEB, 404, 404, 404)),
    ("set_language", "post", url("set_language"), (302, 302, 302, 302)),
    ("login", "get", url("login"), (200, 302, 302, 302)),
    ("logout", "post", url("logout"), (302, 302, 302, 302)),
    ("password_change", "get", url("password_change"), (ANON_WEB, 200, 200, 200)),
    ("password_change_done", "get", url("password_change_done"), (ANON_WEB, 200, 200, 200)),
    ("admin-audit-timeline", "get", url("admin-audit-timeline"), (ANON_WEB, 403, 403, 200)),
    ("admin-metrics-dashboard", "get", url("admin-metrics-dashboard"), (ANON_WEB, 403, 403, 200)),
    ("admin-metrics-students", "get", url("admin-metrics-students"), (ANON_WEB, 403, 403, 200)),
    ("admin-metrics-courses", "get", url("admin-metrics-courses"), (ANON_WEB, 403, 403, 200)),
    ("admin-metrics-grades", "get", url("admin-metrics-grades"), (ANON_WEB, 403, 403, 200)),
    ("admin-metrics-attendance", "get", url("admin-metrics-attendance"), (ANON_WEB, 403, 403, 200)),
    ("admin-audit-entry", "get", lambda w: reverse("admin-audit-entry", args=["action:999999"]),
     (ANON_WEB, 403, 403, 404)),
    # Backups: every operation answers an admin with a redirect to the list and a message, whether
    # it worked or was refused (unknown id, empty prune form); the others never reach it.
    ("admin-backups", "get", url("admin-backups"), (ANON_WEB, 403, 403, 200)),
    ("admin-backups-create", "post", url("admin-backups-create"), (ANON_WEB, 403, 403, 302)),
    ("admin-backups-verify", "post", lambda w: reverse("admin-backups-verify", args=["no-such-backup"]),
     (ANON_WEB, 403, 403, 302)),
    ("admin-backups-restore", "get", lambda w: reverse("admin-backups-restore", args=["no-such-backup"]),
     (ANON_WEB, 403, 403, 302)),
    ("admin-backups-restore", "post", lambda w: reverse("admin-backups-restore", args=["no-such-backup"]),
     (ANON_WEB, 403, 403, 302)),
    ("admin-backups-prune", "post", url("admin-backups-prune"), (ANON_WEB, 403, 403, 302)),
    ("admin-backups-rotate-key", "post", url("admin-backups-rotate-key"), (ANON_WEB, 403, 403, 302)),
]

# Restoring a row that is not deleted is 404: restore looks among deleted rows only.
API = [
    ("api-token", "post", url("api-token"), (400, 400, 400, 400)),
    ("api-schema", "get", url("api-schema"), (200, 200, 200, 200)),
    ("api-docs", "get", url("api-docs"), (200, 200, 200, 200)),
    ("api-student-list", "get", url("api-student-list"), (401, 200, 200, 200)),
    ("api-student-list", "post", url("api-student-list"), (401, 403, 400, 400)),
    ("api-student-detail", "get", url("api-student-detail", "student"), (401, 200, 200, 200)),
    ("api-student-detail", "get", url("api-student-detail", "deleted_student"), (401, 404, 404, 404)),
    ("api-student-detail", "patch", url("api-student-detail", "student"), (401, 403, 200, 200)),
    ("api-student-detail", "delete", url("api-student-detail", "student"), (401, 403, 204, 204)),
    ("api-student-final-grades", "get", url("api-student-final-grades", "student"), (401, 200, 200, 200)),
    ("api-student-restore", "post", url("api-student-restore", "deleted_student"), (401, 403, 403, 200)),
    ("api-student-restore", "post", url("api-student-restore", "student"), (401, 403, 403, 404)),
    ("api-course-list", "get", url("api-course-list"), (401, 200, 200, 200)),
    ("api-course-list", "post", url("api-course-list"), (401, 403, 403, 400)),
    ("api-course-detail", "get", url("api-course-detail", "b"), (401, 200, 200, 200)),
    ("api-course-detail", "patch", url("api-course-detail", "a"), (401, 403, 403, 200)),
    ("api-course-detail", "delete", url("api-course-detail", "a"), (401, 403, 403, 204)),
    ("api-course-restore", "post", url("api-course-restore", "deleted_course"), (401, 403, 403, 200)),
    ("api-enrollment-list", "get", url("api-enrollment-list"), (401, 200, 200, 200)),
    ("api-enrollment-list", "post", url("api-enrollment-list"), (401, 403, 400, 400)),
    ("api-enrollment-detail", "get", url("api-enrollment-detail", "enrollment_b"), (401, 200, 200, 200)),
    ("api-enrollment-detail", "delete", url("api-enrollment-detail", "enrollment_b"), (401, 403, 403, 204)),
    ("api-enrollment-detail", "delete", url("api-enrollment-detail", "enrollment_a"), (401, 403, 204, 204)),
    ("api-enrollment-restore", "post", url("api-enrollment-restore", "enrollment_a"), (401, 403, 403, 404)),
    ("api-grade-list", "get", url("api-grade-list"), (401, 200, 200, 200)),
    ("api-grade-list", "post", url("api-grade-list"), (401, 403, 400, 400)),
    ("api-grade-bulk", "post", url("api-grade-bulk"), (401, 403, 400, 400)),
    ("api-grade-detail", "get", url("api-grade-detail", "grade_b"), (401, 200, 200, 200)),
    ("api-grade-detail", "patch", url("api-grade-detail", "grade_a"), (401, 403, 200, 200)),
    ("api-grade-detail", "patch", url("api-grade-detail", "grade_b"), (401, 403, 403, 200)),
    ("api-grade-detail", "delete", url("api-grade-detail", "grade_b"), (401, 403, 403, 204)),
    ("api-grade-restore", "post", url("api-grade-restore", "grade_a"), (401, 403, 403, 404)),
    ("api-attendance-list", "get", url("api-attendance-list"), (401, 200, 200, 200)),
    ("api-attendance-list", "post", url("api-attendance-list"), (401, 403, 400, 400)),
    ("api-attendance-bulk", "post", url("api-attendance-bulk"), (401, 403, 400, 400)),
    ("api-attendance-detail", "get", url("api-attendance-detail", "attendance_b"), (401, 200, 200, 200)),
    ("api-attendance-detail", "patch", url("api-attendance-detail", "attendance_a"), (401, 403, 200, 200)),
    ("api-attendance-detail", "patch", url("api-attendance-detail", "attendance_b"), (401, 403, 403, 200)),
    ("api-attendance-restore", "post", url("api-attendance-restore", "attendance_a"), (401, 403, 403, 404)),
    ("api-daily-performance-list", "get", url("api-daily-performance-list"), (401, 200, 200, 200)),
    ("api-daily-performance-list", "post", url("api-daily-performance-list"), (401, 403, 400, 400)),
    ("api-daily-performance-detail", "get", lambda w: reverse("api-daily-performance-detail", args=[999999]),
     (401, 404, 404, 404)),
    ("api-daily-performance-restore", "post", lambda w: reverse("api-daily-performance-restore", args=[999999]),
     (401, 403, 403, 404)),
    # JSON is not an upload: 415 before any file is read.
    ("api-import", "post", lambda w: reverse("api-import", args=["students"]), (401, 403, 415, 415)),
    ("api-export", "get", lambda w: reverse("api-export", args=["students", "csv"]), (401, 200, 200, 200)),
    ("api-report-card", "get", url("api-report-card", "student"), (401, 200, 200, 200)),
    ("api-report-card", "get", url("api-report-card", "deleted_student"), (401, 404, 404, 404)),
    ("api-audit-logs", "get", url("api-audit-logs"), (401, 403, 403, 200)),
    ("api-metrics-dashboard", "get", url("api-metrics-dashboard"), (401, 403, 403, 200)),
    ("api-metrics-students", "get", url("api-metrics-students"), (401, 403, 403, 200)),
    ("api-metrics-courses", "get", url("api-metrics-courses"), (401, 403, 403, 200)),
    ("api-metrics-grades", "get", url("api-metrics-grades"), (401, 403, 403, 200)),
    ("api-metrics-attendance", "get", url("api-metrics-attendance"), (401, 403, 403, 200)),
    ("api-audit-log", "get", lambda w: reverse("api-audit-log", args=["action:999999"]), (401, 403, 403, 404)),
]

CASES = [(*case, role, case[3][index]) for case in WEB + API for index, role in enumerate(ROLES)]


@pytest.fixture(autouse=True)
def backups_in_a_temporary_folder(settings, tmp_path):
    """The backup rows must not write backups or a master key into the working tree."""
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "build", "expected_all", "role", "expected"), CASES,
    ids=[f"{case[0]}-{case[1]}-{case[4]}-{index}" for index, case in enumerate(CASES)],
)
def test_each_url_answers_each_role_as_expected(name, method, build, expected_all, role, expected):
    world = build_world()
    client = APIClient()
    if role != "anonymous":
        client.force_login(world["users"][role])
    target = build(world)
    response = getattr(client, method)(target, {}, format="json") if target.startswith("/api/") else (
        getattr(client, method)(target))
    assert response.status_code == expected, f"{method.upper()} {target} as {role}"


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_the_matrix_covers_every_named_url_outside_djangos_admin():
    covered = {case[0] for case in WEB + API} | set(ADMIN_TOOLS)
    names = {name for name in _names(get_resolver().url_patterns) if not name.startswith("admin:")}
    assert sorted(names - covered) == []


ADMIN_TOOLS = {}  # admin tool pages (metrics, audit, backups): name -> tested in their apps' matrices
