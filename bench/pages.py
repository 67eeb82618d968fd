"""What the benchmark measures: every list page, every API list and the metrics dashboard.

Each is compared with a floor (bench/floor.py): API lists with `.values()` + JsonResponse, the
others with their own SQL alone (SQL_FLOOR).
"""

from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

from bench.floor import SQL_FLOOR
from bench.measure import Endpoint
from bench.naive import serializer_without_eager_loading, without_eager_loading
from courses import semesters
from courses.models import Course, Enrollment
from metrics import reports

API_LISTS = ("students", "courses", "enrollments", "grades", "attendance", "daily-performance")
BIG_PAGE = 200  # the API's maximum page size


@contextmanager
def metrics_uncached():
    """Every dashboard request computes its numbers, as the first one after the 60 s cache expires."""
    with mock.patch.object(reports, "CACHE_SECONDS", 0):
        yield


def busiest_course():
    """The current semester's course with the most students: the largest per-course pages."""
    current = semesters.semester_of(timezone.localdate())
    return Course.objects.in_semester(current).with_enrolled_count().order_by("-enrolled_count", "id").first()


def endpoints(course, grades_pages):
    today = timezone.localdate().isoformat()
    student = Enrollment.objects.filter(course=course).order_by("student_id").first().student
    return [
        *web_lists(course, student, today),
        *api_lists(grades_pages),
        *dashboards(),
        *admin_lists(),
    ]


def web_lists(course, student, today):
    per_course = [
        ("Grade sheet", f"/grades/course/{course.pk}/"),
        ("Grade roster", f"/grades/course/{course.pk}/roster/"),
        ("Attendance roster (today, period 1)", f"/attendance/course/{course.pk}/?date={today}&period=1"),
        ("Absences per student", f"/attendance/course/{course.pk}/summary/"),
    ]
    pages = [
        ("Students", "web", "/students/"),
        ("Students, last page", "web", "/students/?page=400"),
        ("Students, search “smith”", "web", "/students/?search=smith"),
        ("Courses", "web", "/courses/"),
        *[(name, "web", url) for name, url in per_course],
        ("Audit timeline (admin)", "web", "/admin/tools/audit/"),
        ("Course page (its students' final grades)", "detail", f"/courses/{course.pk}/"),
        ("Student page (final grades per course)", "detail", f"/students/{student.pk}/"),
    ]
    return [Endpoint(name, group, url, naive=without_eager_loading, floor=SQL_FLOOR) for name, group, url in pages]


def api_lists(grades_pages):
    endpoints = []
    for name in API_LISTS:
        for size in (25, BIG_PAGE):
            query = f"?page_size={size}"
            endpoints.append(Endpoint(f"/api/v1/{name}/ {query}", "api", f"/api/v1/{name}/{query}", client="api",
                                      floor=f"/bench/floor/{name}/{query}", naive=serializer_without_eager_loading))
    last = f"?page={grades_pages}&page_size=25"
    endpoints.append(Endpoint(f"/api/v1/grades/ {last}", "api", f"/api/v1/grades/{last}", client="api",
                              floor=f"/bench/floor/grades/{last}", naive=serializer_without_eager_loading))
    for size in (25, BIG_PAGE):
        query = f"?page_size={size}"
        endpoints.append(Endpoint(f"/api/v1/audit/logs/ {query}", "api", f"/api/v1/audit/logs/{query}",
                                  client="api", floor=f"/bench/floor/audit/{query}", naive=without_eager_loading))
    return endpoints


def dashboards():
    """The reports uncached (each request computes them) against their SQL alone, and cached.

    No naive twin: the reports load no related rows, so switching eager loading off changes
    nothing; their naive form was computing from the records, before the derived tables (results.md).
    """
    uncached = {"around": metrics_uncached, "floor": SQL_FLOOR}
    return [
        Endpoint("Metrics dashboard (admin page), uncached", "dashboard", "/admin/tools/metrics/", **uncached),
        Endpoint("/api/v1/metrics/dashboard/, uncached", "dashboard", "/api/v1/metrics/dashboard/", client="api",
                 **uncached),
        Endpoint("Metrics dashboard (admin page), cached", "dashboard", "/admin/tools/metrics/"),
        *(Endpoint(f"Metrics {report} (admin page), uncached", "dashboard", f"/admin/tools/metrics/{report}/",
                   **uncached) for report in ("students", "courses", "grades", "attendance")),
        *(Endpoint(f"/api/v1/metrics/{report}/, uncached", "dashboard", f"/api/v1/metrics/{report}/", client="api",
                   **uncached) for report in ("students", "courses", "grades", "attendance")),
        Endpoint("/api/v1/metrics/dashboard/?semester=2026 Fall, uncached", "dashboard",
                 "/api/v1/metrics/dashboard/?semester=2026%20Fall", client="api", **uncached),
    ]


def admin_lists():
    return [
        Endpoint(f"Admin: {label}", "admin", f"/admin/{path}/", naive=without_eager_loading, floor=SQL_FLOOR)
        for label, path in [("students", "students/student"), ("courses", "courses/course"),
                            ("enrollments", "courses/enrollment"), ("grades", "grades/grade"),
                            ("attendance", "attendance/attendance")]
    ]
