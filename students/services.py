from django.db import transaction

from sms import services
from students.models import Student

EDITABLE_FIELDS = (
    "student_id", "first_name", "last_name", "email", "father_name", "phone", "mobile_phone",
    "enrollment_date", "study_year", "class_division", "is_active", "health_issue", "note",
)


@transaction.atomic
def student_create(*, reason=None, **data):
    """Create a student; ValidationError says which field to fix."""
    return services.create(Student, reason=reason, **data)


@transaction.atomic
def student_update(*, student, data, reason=None):
    return services.update(student, data=data, reason=reason)


@transaction.atomic
def student_delete(*, student, reason=None):
    """Soft-delete the student with their enrollments, grades and attendance."""
    return services.soft_delete(student, reason=reason)


@transaction.atomic
def student_restore(*, student, reason=None):
    """Restore the student and what was deleted with them; refuses if the ID or email is taken."""
    return services.restore(student, reason=reason)
