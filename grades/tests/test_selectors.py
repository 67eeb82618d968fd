import datetime
from decimal import Decimal

import pytest

from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from grades.models import DailyPerformance, Grade
from grades.selectors import course_enrollments, final_grades_for_course, final_grades_for_student

pytestmark = pytest.mark.django_db


def test_final_grades_for_a_student_take_two_queries_however_many_courses(django_assert_num_queries):
    student = make_student()
    for number in range(12):
        course = make_course(semester="2026 Spring" if number % 2 else "2026 Fall", absence_penalty=Decimal(1))
        enroll(student, course)
        for category in ("Homework", "Midterm", "Final"):
            Grade.objects.create(student=student, course=course, assignment_name=category, category=category,
                                 grade=Decimal(14), max_grade=Decimal(20))
        DailyPerformance.objects.create(student=student, course=course, category="Homework", score=5)
        Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent")
    # enrollments with courses and absence counts, grades (no rule counts daily performance)
    with django_assert_num_queries(2):
        rows, gpa = final_grades_for_student(student)
    assert len(rows) == 12 and rows[0][0].semester == "2026 Spring"  # spring comes before fall
    # 70% minus 1 point for one unexcused absence = 69% → 13.8
    assert {result.value20 for _course, result in rows} == {Decimal("13.8")}
    assert gpa == Decimal("2.76")


def test_final_grades_for_a_course_take_two_queries_however_many_students(django_assert_num_queries):
    course = make_course()
    students = [make_student() for _ in range(60)]
    for student in students:
        enroll(student, course)
        Grade.objects.create(student=student, course=course, assignment_name="H", category="Homework",
                             grade=Decimal(10), max_grade=Decimal(20))
    # enrollments with absence counts, grades
    with django_assert_num_queries(2):
        results = final_grades_for_course(course)
    assert len(results) == 60 and all(r.value20 == Decimal("10.0") and r.provisional for r in results.values())


def test_daily_performance_is_read_when_a_rule_counts_it(django_assert_num_queries):
    course = make_course(evaluation_rules=[{"category": "Participation", "weight": 100, "daily_multiplier": 1}])
    student = make_student()
    enroll(student, course)
    DailyPerformance.objects.create(student=student, course=course, category="Participation", score=Decimal(8),
                                    max_score=Decimal(10))
    # enrollments with absence counts, grades, daily performance
    with django_assert_num_queries(3):
        results = final_grades_for_course(course)
    assert results[student.pk].value20 == Decimal("16.0")
    rows, _gpa = final_grades_for_student(student)
    assert rows[0][1].value20 == Decimal("16.0")


def test_penalties_and_absence_counts_come_with_the_enrollments():
    course = make_course(absence_penalty=Decimal(2), evaluation_rules=[{"category": "Homework", "weight": 100}])
    student, other = make_student(), make_student()
    enroll(student, course)
    enroll(other, course)
    Grade.objects.create(student=student, course=course, assignment_name="H", category="Homework",
                         grade=Decimal(20), max_grade=Decimal(20))
    for day, status in [(1, "Absent"), (2, "Absent"), (3, "Excused"), (4, "Late")]:
        Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, day), status=status)
    Attendance.objects.create(student=other, course=make_course(), date=datetime.date(2026, 10, 1), status="Absent")
    counts = {e.student_id: (e.absences, e.unexcused) for e in course_enrollments(course)}
    assert counts == {student.pk: (3, 2), other.pk: (0, 0)}
    assert final_grades_for_course(course)[student.pk].percentage == Decimal(96)  # 100 − 2 × 2 unexcused


def test_deleted_grades_and_unenrolled_courses_do_not_count():
    student, course = make_student(), make_course()
    enrollment = enroll(student, course)
    deleted = Grade.objects.create(student=student, course=course, assignment_name="H", category="Homework",
                                   grade=Decimal(2), max_grade=Decimal(20))
    deleted.soft_delete()
    rows, gpa = final_grades_for_student(student)
    assert rows[0][1].status == "no_grades" and gpa is None
    enrollment.soft_delete()
    assert final_grades_for_student(student) == ([], None)
