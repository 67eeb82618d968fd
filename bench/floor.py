"""The floors pages are compared with, and the empty probes that measure per-request cost.

API lists: the least work that answers the same request: look the token up, count, read the
page's columns with `.values()` and return them with JsonResponse. No DRF, filters, serializer
or envelope.

Web pages, admin change lists and the metrics reports: the page's own SQL alone. bench/suite.py
records the statements (with their parameters) one request of the page runs, leaves out those an
empty request behind the same checks also runs (session, user, role, token), and the floor view
runs the rest through a plain cursor and fetches every row, behind the same checks, and answers
an empty body. It is what the data costs the database and the driver; the page's time above it is
its Python: model instances, calculations, forms and templates. (A `.values()` floor for these
pages would have to leave out work the page must do, such as final grades, or copy the page's
code; the SQL is the one part no implementation of the page can avoid.)

The probes are empty views behind the application's own access checks; their queries (session,
user, role, or token) are what every request pays before the page.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from attendance.models import Attendance
from attendance.serializers import AttendanceSerializer
from audit import selectors
from courses.models import Course, Enrollment
from courses.serializers import CourseSerializer, EnrollmentSerializer
from grades.models import DailyPerformance, Grade
from grades.serializers import DailyPerformanceSerializer, GradeSerializer
from sms import web
from sms.api.views import BaseAPIView
from students.models import Student
from students.serializers import StudentSerializer


def _columns(serializer, model):
    """The serializer's fields that are columns of the model (foreign keys as ids)."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in serializer.Meta.fields if name in names]


LISTS = {
    "students": (Student.objects.all, _columns(StudentSerializer, Student)),
    "courses": (Course.objects.all, _columns(CourseSerializer, Course)),
    "enrollments": (Enrollment.objects.live, _columns(EnrollmentSerializer, Enrollment)),
    "grades": (Grade.objects.all, _columns(GradeSerializer, Grade)),
    "attendance": (Attendance.objects.all, _columns(AttendanceSerializer, Attendance)),
    "daily-performance": (DailyPerformance.objects.all, _columns(DailyPerformanceSerializer, DailyPerformance)),
}


def _token_user(request):
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def floor_list(request, name):
    if _token_user(request) is None:
        return JsonResponse({"detail": "not authenticated"}, status=401)
    size = int(request.GET.get("page_size", 25))
    start = (int(request.GET.get("page", 1)) - 1) * size
    if name == "audit":
        rows = selectors.timeline({})
        total, items = rows.count(), selectors.with_ids(rows[start:start + size])
    elif name in LISTS:
        queryset, columns = LISTS[name]
        rows = queryset()
        total, items = rows.count(), list(rows.values(*columns)[start:start + size])
        if name == "courses":
            _add_teachers(items)
    else:
        raise Http404
    return JsonResponse({"items": items, "total": total}, encoder=DjangoJSONEncoder)


def _add_teachers(items):
    pairs = Course.teachers.through.objects.filter(course_id__in=[item["id"] for item in items])
    teachers = {}
    for course_id, user_id in pairs.values_list("course_id", "user_id"):
        teachers.setdefault(course_id, []).append(user_id)
    for item in items:
        item["teachers"] = teachers.get(item["id"], [])


@web.reader_required
def web_probe(request):
    return HttpResponse("")


class ApiProbe(BaseAPIView):
    def get(self, request):
        return Response({})


# {key: [(sql, params), ...]}: each page's own statements, recorded by record_statements().
STATEMENTS = {}
SQL_FLOOR = "sql"  # Endpoint.floor for "the page's SQL alone"


class _Recorder:
    """A connection.execute_wrapper keeping each statement with its parameters."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def record_statements(key, request_page, request_probe):
    """Record under `key` the statements of request_page() that request_probe() does not also run."""
    page, probe = _Recorder(), _Recorder()
    with connection.execute_wrapper(page):
        request_page()
    with connection.execute_wrapper(probe):
        request_probe()
    shared = [sql for sql, _params in probe.statements]
    own = []
    for sql, params in page.statements:
        if sql in shared:
            shared.remove(sql)
        elif sql.lstrip()[:6].upper() in ("SELECT", "WITH"):
            own.append((sql, params))
    STATEMENTS[key] = own
    return own


def _replay(key):
    with connection.cursor() as cursor:
        for sql, params in STATEMENTS[key]:
            cursor.execute(sql, params)
            cursor.fetchall()


@web.reader_required
def sql_floor_web(request, key):
    _replay(key)
    return HttpResponse("")


def sql_floor_api(request, key):
    if _token_user(request) is None:
        return JsonResponse({"detail": "not authenticated"}, status=401)
    _replay(key)
    return JsonResponse({})
