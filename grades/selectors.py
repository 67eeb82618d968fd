"""Reads that compute final grades: a fixed number of queries however many rows."""

from collections import defaultdict

from attendance.models import Attendance
from courses import semesters
from courses.models import Enrollment
from grades import calculations
from grades.models import DailyPerformance, Grade


def _results(enrollments, **scope):
    """CourseResult per (student_id, course_id) of the given enrollments; 3 queries."""
    marks = defaultdict(list)
    for grade in Grade.objects.filter(**scope).only(
        "student_id", "course_id", "category", "grade", "max_grade", "weight",
        "date_assigned", "date_submitted",
    ):
        marks[grade.student_id, grade.course_id].append(calculations.mark_from_grade(grade))
    for record in DailyPerformance.objects.filter(**scope).only(
        "student_id", "course_id", "category", "score", "max_score", "date"
    ):
        marks[record.student_id, record.course_id].append(calculations.mark_from_daily(record))
    unexcused = {
        (row["student_id"], row["course_id"]): row["unexcused"]
        for row in Attendance.objects.filter(**scope).absence_counts()
    }
    return {
        (e.student_id, e.course_id): calculations.course_result(
            e.course.evaluation_rules,
            marks[e.student_id, e.course_id],
            unexcused.get((e.student_id, e.course_id), 0),
            e.course.absence_penalty,
        )
        for e in enrollments
    }


def final_grades_for_student(student, semester=None):
    """[(course, CourseResult)] for the student's enrollments, and the credit-weighted GPA.

    4 queries: enrollments with courses, grades, daily performance, absence counts.
    """
    enrollments = sorted(
        Enrollment.objects.live().filter(student=student).select_related("course"),
        key=lambda e: (semesters.sort_key(e.course.semester), e.course.course_code),
    )
    if semester:
        enrollments = [e for e in enrollments if e.course.semester == semester]
    results = _results(enrollments, student=student)
    rows = [(e.course, results[e.student_id, e.course_id]) for e in enrollments]
    return rows, calculations.gpa((result, course.credits) for course, result in rows)


def final_grades_for_course(course):
    """{student_id: CourseResult} for everyone enrolled in the course; 4 queries."""
    enrollments = list(Enrollment.objects.live().filter(course=course).select_related("course"))
    results = _results(enrollments, course=course)
    return {student_id: result for (student_id, _course_id), result in results.items()}
