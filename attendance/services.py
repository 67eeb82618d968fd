from django.db import transaction

from attendance.models import Attendance
from sms import services


@transaction.atomic
def attendance_record(*, reason=None, **data):
    return services.create(Attendance, reason=reason, **data)


def attendance_record_bulk(*, rows, reason=None):
    """Record many attendance rows all-or-nothing; RowErrors maps failing rows to errors."""
    return services.all_or_nothing(rows, lambda row: attendance_record(reason=reason, **row))


@transaction.atomic
def attendance_update(*, record, data, reason=None):
    return services.update(record, data=data, reason=reason)


@transaction.atomic
def attendance_delete(*, record, reason=None):
    return services.soft_delete(record, reason=reason)


@transaction.atomic
def attendance_restore(*, record, reason=None):
    return services.restore(record, reason=reason)


def attendance_take(*, course, date, period_number, marks, reason=None):
    """Save a whole roster: marks is [{"student": s, "status": ..., "notes": ...}].

    Re-taking the same course, date and period edits the existing records (never duplicates);
    unchanged rows are not re-saved, so history shows only real corrections. All or nothing.
    """
    existing = {
        record.student_id: record
        for record in Attendance.objects.for_roster(course, date, period_number)
    }

    def write(mark):
        record = existing.get(mark["student"].pk)
        data = {"status": mark["status"], "notes": mark.get("notes", "")}
        if record is None:
            return attendance_record(
                reason=reason, student=mark["student"], course=course, date=date,
                period_number=period_number, **data,
            )
        if all(getattr(record, name) == value for name, value in data.items()):
            return record
        return attendance_update(record=record, data=data, reason=reason)

    return services.all_or_nothing(marks, write)
