"""Reads for the student pages, each in a fixed number of queries."""

from django.db.models import Count

from attendance.models import COUNTED_ABSENCES, Attendance, Status
from courses import semesters
from grades.models import Grade
from grades.selectors import final_grades_for_student


def student_record(student):
    """Everything the student page shows, per course: result, grades and attendance counts, and
    the semesters that have a report card (those of the live enrollments, latest first).

    6 queries: the 4 of final_grades_for_student, the grades, the attendance counts.
    """
    results, gpa = final_grades_for_student(student)
    grades_by_course = {}
    for grade in Grade.objects.for_student(student).order_by("date_assigned", "id"):
        grades_by_course.setdefault(grade.course_id, []).append(grade)
    attendance = _attendance_counts(student)
    courses = [
        {
            "course": course, "result": result, "grades": grades_by_course.get(course.pk, []),
            "attendance": attendance.get(course.pk, _empty_counts()),
        }
        for course, result in results
    ]
    # The same semesters as sms.transfer.reportcard.semesters_of, read from the rows already here.
    report_card_semesters = sorted(
        {row["course"].semester for row in courses}, key=lambda name: (semesters.sort_key(name), name),
        reverse=True)
    return {"courses": courses, "gpa": gpa, "report_card_semesters": report_card_semesters}


def _empty_counts():
    return {status.value: 0 for status in Status} | {"counted": 0}


def _attendance_counts(student):
    """{course_id: {"Present": n, "Absent": n, "Late": n, "Excused": n, "counted": n}}."""
    counts = {}
    rows = (
        Attendance.objects.filter(student=student).order_by()
        .values("course_id", "status").annotate(n=Count("id"))
    )
    for row in rows:
        counts.setdefault(row["course_id"], _empty_counts())[row["status"]] = row["n"]
    for course_counts in counts.values():
        # Excused counts toward the limit by school policy; Late does not (attendance.models).
        course_counts["counted"] = sum(course_counts[status] for status in COUNTED_ABSENCES)
    return counts
