"""The floor each API list is compared with, and the empty probes that measure per-request cost.

The floor of a list is the least work that answers the same request: look the token up, count,
read the page's columns with `.values()` and return them with JsonResponse. No DRF, filters,
serializer or envelope. The probes are empty views behind the application's own access checks;
their queries (session, user, role, or token) are what every request pays before the page.
"""

from django.core.serializers.json import DjangoJSONEncoder
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


def floor_list(request, name):
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
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
