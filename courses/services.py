from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Course, Enrollment
from sms import services

EDITABLE_FIELDS = (
    "course_code", "course_name", "semester", "credits", "description", "hours_per_week",
    "periods_per_week", "absence_penalty", "evaluation_rules",
)


@transaction.atomic
def course_create(*, teachers=(), reason=None, **data):
    course = services.create(Course, reason=reason, **data)
    course.teachers.set(teachers)
    return course


@transaction.atomic
def course_update(*, course, data, teachers=None, reason=None):
    course = services.update(course, data=data, reason=reason)
    if teachers is not None:
        course.teachers.set(teachers)
    return course


@transaction.atomic
def course_delete(*, course, reason=None):
    """Soft-delete the course with its enrollments, grades and attendance."""
    return services.soft_delete(course, reason=reason)


@transaction.atomic
def course_restore(*, course, reason=None):
    return services.restore(course, reason=reason)


def _require_live(student, course):
    for thing in (student, course):
        services.refuse_deleted(thing)


@transaction.atomic
def enrollment_create(*, student, course, reason=None):
    """Enrol one student; ValidationError if already enrolled or either side is deleted."""
    _require_live(student, course)
    return services.create(Enrollment, student=student, course=course, reason=reason)


@transaction.atomic
def enrollments_bulk_create(*, course, students, reason=None):
    """Enrol many students at once, skipping those already enrolled; returns the new ones."""
    services.refuse_deleted(course)
    already = set(Enrollment.objects.filter(course=course).values_list("student_id", flat=True))
    chosen = [student for student in students if student.pk not in already]
    return services.all_or_nothing(
        chosen, lambda student: enrollment_create(student=student, course=course, reason=reason)
    )


@transaction.atomic
def enrollment_delete(*, enrollment, reason=None):
    """Unenrol: the enrollment is soft-deleted; grades and attendance stay for the record."""
    return services.soft_delete(enrollment, reason=reason)


@transaction.atomic
def enrollment_restore(*, enrollment, reason=None):
    if enrollment.student.is_deleted or enrollment.course.is_deleted:
        raise ValidationError(_("Restore the student and the course before this enrollment."))
    return services.restore(enrollment, reason=reason)
