from django.db import transaction

from grades.models import DailyPerformance, Grade
from sms import services

EDITABLE_FIELDS = (
    "assignment_name", "category", "grade", "max_grade", "weight", "date_assigned",
    "date_submitted", "notes",
)


@transaction.atomic
def grade_record(*, reason=None, **data):
    """Record one grade; ValidationError in plain words (above max, not enrolled, ...)."""
    return services.create(Grade, reason=reason, **data)


def grades_record_bulk(*, rows, reason=None):
    """Record many grades all-or-nothing; RowErrors maps each failing row to its errors."""
    return services.all_or_nothing(rows, lambda row: grade_record(reason=reason, **row))


@transaction.atomic
def grade_update(*, grade, data, reason=None):
    """Correct a grade; the old value stays in its history with who, when and why."""
    return services.update(grade, data=data, reason=reason)


@transaction.atomic
def grade_delete(*, grade, reason=None):
    return services.soft_delete(grade, reason=reason)


@transaction.atomic
def grade_restore(*, grade, reason=None):
    return services.restore(grade, reason=reason)


@transaction.atomic
def daily_performance_record(*, reason=None, **data):
    return services.create(DailyPerformance, reason=reason, **data)


@transaction.atomic
def daily_performance_update(*, record, data, reason=None):
    return services.update(record, data=data, reason=reason)


@transaction.atomic
def daily_performance_delete(*, record, reason=None):
    return services.soft_delete(record, reason=reason)


@transaction.atomic
def daily_performance_restore(*, record, reason=None):
    return services.restore(record, reason=reason)
