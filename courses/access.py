"""Who may do what with courses and the records kept per course (grades, attendance)."""

from sms import roles


def can_edit_course(user):
    """Create, edit, delete courses and their rules: administrators only."""
    return roles.is_admin(user)


def teaches(user, course):
    if not roles.is_teacher(user):
        return False
    taught = getattr(user, "_sms_taught_course_ids", None)
    if taught is None:
        taught = set(user.taught_courses.values_list("pk", flat=True))
        user._sms_taught_course_ids = taught
    return course.pk in taught


def can_manage_course_records(user, course):
    """Enrol students, record grades and take attendance in this course."""
    return roles.is_admin(user) or teaches(user, course)
