"""The naive twin of each page: the same code with eager loading switched off.

`without_eager_loading()` makes every select_related() and prefetch_related() a no-op while it
is active, including querysets built at import time (a viewset's `queryset`), so each related
row is fetched on first access, one query per row: what the pages would cost without it.

API lists answer from `.values()` rows (sms.api.serializers.ValuesRepresentation); their naive
twin is DRF's own list, a model instance per row through the ModelSerializer, without eager loading.

The metrics dashboard has no related rows to load; its naive twin computes final grades course
by course with the selector the course page uses (grades.selectors.final_grades_for_course),
four queries per course, instead of the three school-wide queries of metrics.selectors.
"""

from contextlib import contextmanager
from unittest import mock

from django.db.models import QuerySet
from rest_framework.mixins import ListModelMixin

from courses.models import Course
from grades.selectors import final_grades_for_course
from metrics import selectors
from sms.api.views import BaseModelViewSet

_fetch_all = QuerySet._fetch_all


def _fetch_all_lazily(queryset):
    if queryset._result_cache is None:
        queryset._prefetch_related_lookups = ()
        queryset.query.select_related = False
    _fetch_all(queryset)


@contextmanager
def without_eager_loading():
    with mock.patch.object(QuerySet, "_fetch_all", _fetch_all_lazily):
        yield


@contextmanager
def serializer_without_eager_loading():
    with mock.patch.object(BaseModelViewSet, "list", ListModelMixin.list), without_eager_loading():
        yield


def _school_state_per_course(scope):
    courses = selectors._course_rows(scope)
    counts = selectors.attendance_counts(scope)
    results = {}
    for course in Course.objects.filter(pk__in=[row["id"] for row in courses]):
        for student_id, result in final_grades_for_course(course).items():
            results[student_id, course.pk] = result
    return courses, results, counts


@contextmanager
def dashboard_per_course():
    with mock.patch.object(selectors, "school_state", _school_state_per_course):
        yield
