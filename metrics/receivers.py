"""Keep the metrics' derived tables current on every write of a school record.

Signals rather than a call in each service, so that no entry point can forget one: every save()
and delete() of a grade, daily performance record, attendance record, enrollment, course or student
passes here, whether it came from a service, an admin form or action, the API, an import, a
cascading soft delete or restore, or a shell. The refresh runs in the writer's transaction
(sms.derived: at once, or once per key at the end of a batch).

What signals cannot see is a write around the models: QuerySet.update(), bulk_create, raw SQL.
Domain code has none (audit/tests/test_audit_trail.py); the bulk seeders (sms.history.bulk_insert)
run `manage.py refresh_results` when they are done.
"""

from types import SimpleNamespace

from django.db.models.signals import post_delete, post_save, pre_save

from attendance.models import Attendance
from courses.models import Course, Enrollment
from grades.models import DailyPerformance, Grade
from metrics import derived as tables
from sms import derived
from students.models import Student

KEY_FIELDS = {
    Grade: ("course_id", "student_id", "grade", "max_grade"),
    DailyPerformance: ("course_id", "student_id"),
    Attendance: ("course_id", "student_id", "date"),
    Enrollment: ("course_id", "student_id"),
}


def keys_of(model, record):
    """{refresh function: keys} of the derived rows that count this record."""
    keys = {tables.refresh_results: {(record.course_id, record.student_id)}}
    if model is Grade:
        grade, maximum = (model._meta.get_field(name).to_python(getattr(record, name)) for name in ("grade", "max_grade"))
        keys[tables.refresh_tallies] = {tables.grade_key(record.course_id, grade, maximum)}
    if model is Attendance:
        keys[tables.refresh_weeks] = {(record.course_id, tables.week_of(model._meta.get_field("date").to_python(record.date)))}
    return keys


def _refresh(keys):
    for function, function_keys in keys.items():
        derived.refresh(function, function_keys)


def _deleted_at_only(update_fields):
    return update_fields is not None and set(update_fields) <= {"deleted_at"}


def remember_keys_before_the_change(sender, instance, update_fields=None, **kwargs):
    """An edit can move a record to other keys (another date, grade or maximum): the rows of the
    old keys are recomputed too. A soft delete or restore saves only deleted_at: same keys."""
    if instance._state.adding or instance.pk is None or _deleted_at_only(update_fields):
        return
    if sender in KEY_FIELDS:
        before = sender.all_objects.filter(pk=instance.pk).values(*KEY_FIELDS[sender]).first()
        instance._metrics_keys_before = keys_of(sender, SimpleNamespace(**before)) if before else {}
    elif sender is Student:
        instance._metrics_was_deleted = Student.all_objects.filter(
            pk=instance.pk, deleted_at__isnull=False).exists()


def refresh_after_save(sender, instance, created, update_fields=None, **kwargs):
    if sender in KEY_FIELDS:
        keys = keys_of(sender, instance)
        for function, before in instance.__dict__.pop("_metrics_keys_before", {}).items():
            keys[function] = keys.get(function, set()) | before
        _refresh(keys)
    elif sender is Course and not created and not _deleted_at_only(update_fields):
        # Rules, absence penalty and periods decide the results; whether the course is deleted and
        # its semester are read from the course itself when the metrics are queried.
        _refresh(tables.keys_of_course(instance.pk))
    elif sender is Student and not created:
        was_deleted = instance.__dict__.pop("_metrics_was_deleted", not instance.is_deleted)
        if _deleted_at_only(update_fields) or was_deleted != instance.is_deleted:
            _refresh(tables.keys_of_student(instance.pk))


def refresh_after_delete(sender, instance, **kwargs):
    """Records are soft-deleted; a hard delete (a shell, a test) is followed all the same."""
    if sender in KEY_FIELDS:
        _refresh(keys_of(sender, instance))


def connect():
    """Called once by MetricsConfig.ready()."""
    for model in (*KEY_FIELDS, Course, Student):
        pre_save.connect(remember_keys_before_the_change, sender=model, dispatch_uid=f"metrics-pre-{model.__name__}")
        post_save.connect(refresh_after_save, sender=model, dispatch_uid=f"metrics-post-{model.__name__}")
    for model in KEY_FIELDS:
        post_delete.connect(refresh_after_delete, sender=model, dispatch_uid=f"metrics-delete-{model.__name__}")
