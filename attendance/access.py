from courses.access import can_manage_course_records


def can_edit_attendance(user, record):
    """Attendance is taken and corrected by an administrator or a teacher of its course."""
    return can_manage_course_records(user, record.course)
