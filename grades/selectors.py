"""Reads that compute final grades: a fixed number of queries however many rows."""

from collections import defaultdict

from courses import semesters
from courses.models import Enrollment
from grades import calculations
from grades.models import DailyPerformance, Grade

GRADE_COLUMNS = ("student_id", "course_id", "category", "grade", "max_grade", "weight", "date_assigned",
                 "date_submitted")


def _results(enrollments, grades, **scope):
    """CourseResult per (student_id, course_id) of the given enrollments.

    Each enrollment carries its course and `unexcused` (Enrollment.objects.with_absence_counts());
    `grades` are the scope's grades. Daily performance is read (one query) only when one of the
    courses counts it.
    """
    marks = defaultdict(list)
    for grade in grades:
        marks[grade.student_id, grade.course_id].append(calculations.mark_from_grade(grade))
    if any(calculations.counts_daily(e.course.evaluation_rules) for e in enrollments):
        for record in DailyPerformance.objects.filter(**scope).only(
            "student_id", "course_id", "category", "score", "max_score", "date"
        ):
            marks[record.student_id, record.course_id].append(calculations.mark_from_daily(record))
    return {
        (e.student_id, e.course_id): calculations.course_result(
            e.course.evaluation_rules, marks[e.student_id, e.course_id], e.unexcused, e.course.absence_penalty,
        )
        for e in enrollments
    }


def final_grades_for_student(student, semester=None):
    """[(course, CourseResult)] for the student's enrollments, and the credit-weighted GPA.

    2 queries: enrollments with courses and absence counts, grades; a third for daily performance
    when one of the courses counts it.
    """
    enrollments = sorted(
        Enrollment.objects.live().filter(student=student).select_related("course").with_absence_counts(),
        key=lambda e: (semesters.sort_key(e.course.semester), e.course.course_code),
    )
    if semester:
        enrollments = [e for e in enrollments if e.course.semester == semester]
    grades = Grade.objects.for_student(student).only(*GRADE_COLUMNS)
    results = _results(enrollments, grades, student=student)
    rows = [(e.course, results[e.student_id, e.course_id]) for e in enrollments]
    return rows, calculations.gpa((result, course.credits) for course, result in rows)


def course_enrollments(course):
    """The course's live enrollments with their students and absence counts, by student name; 1 query."""
    enrollments = Enrollment.objects.live().filter(course=course).select_related("student").with_absence_counts()
    return list(enrollments.order_by("student__last_name", "student__first_name", "student_id"))


def final_grades_for_course(course, enrollments=None, grades=None):
    """{student_id: CourseResult} for everyone enrolled in the course.

    Pass what the page has already read, course_enrollments(course) and the course's grades, to
    save those two queries; daily performance adds one when the course counts it.
    """
    if enrollments is None:
        enrollments = list(Enrollment.objects.live().filter(course=course).with_absence_counts())
    if grades is None:
        grades = Grade.objects.for_course(course).only(*GRADE_COLUMNS)
    for enrollment in enrollments:
        enrollment.course = course  # one course object for all, no query per row
    results = _results(enrollments, grades, course=course)
    return {student_id: result for (student_id, _course_id), result in results.items()}
