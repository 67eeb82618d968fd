from courses.access import can_manage_course_records


def can_edit_grade(user, grade):
    """A grade is changed by an administrator or by a teacher of its course."""
    return can_manage_course_records(user, grade.course)
