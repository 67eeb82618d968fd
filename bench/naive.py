"""The naive twin of each page: the same code with eager loading switched off.

`without_eager_loading()` makes every select_related() and prefetch_related() a no-op while it
is active, including querysets built at import time (a viewset's `queryset`), so each related
row is fetched on first access, one query per row: what the pages would cost without it.

API lists answer from `.values()` rows (sms.api.serializers.ValuesRepresentation); their naive
twin is DRF's own list, a model instance per row through the ModelSerializer, without eager loading.

The metrics dashboard has no naive twin: it reads derived tables (metrics.models) that the writes
keep current, and has no related rows to load. Its figures before those tables, when every
uncached request computed 90,000 final grades, are in bench/results.md (Findings).
"""

from contextlib import contextmanager
from unittest import mock

from django.db.models import QuerySet
from rest_framework.mixins import ListModelMixin

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
