import datetime

import pytest
from django.core.cache import cache

from conftest import enroll, make_course, make_student
from metrics.tests.helpers import FALL, absent, grade


@pytest.fixture(autouse=True)
def no_cached_numbers():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school(db):
    """Course A (2026 Fall; limit 2 absences) with s1 17.0/20, s2 9.0/20 and 3 absences, s3 no grades;
    course B (2026 Spring) with s1 18.0/20.

    Attendance in A: s1 Present (Oct 5) and Late (Oct 12), s2 Absent (Oct 5, 12, 19), s3 Excused (Oct 5).
    """
    a = make_course(semester=FALL, periods_per_week=1,
                    evaluation_rules=[{"category": "Homework", "weight": 50}, {"category": "Final", "weight": 50}])
    b = make_course(semester="2026 Spring", evaluation_rules=[{"category": "Homework", "weight": 100}])
    s1 = make_student(enrollment_date=datetime.date(2026, 9, 10))
    s2 = make_student(enrollment_date=datetime.date(2025, 9, 1))
    s3 = make_student(enrollment_date=datetime.date(2026, 10, 1), is_active=False)
    for student in (s1, s2, s3):
        enroll(student, a)
    enroll(s1, b)
    grade(s1, a, "Homework", 18), grade(s1, a, "Final", 16)  # 90 %, 80 % → 85 % → 17.0
    grade(s2, a, "Homework", 8), grade(s2, a, "Final", 10)   # 40 %, 50 % → 45 % → 9.0
    grade(s1, b, "Homework", 45, 50)                          # 90 % → 18.0
    for day in (5, 12, 19):
        absent(s2, a, day)
    absent(s1, a, 5, "Present"), absent(s1, a, 12, "Late"), absent(s3, a, 5, "Excused")
    return {"a": a, "b": b, "s1": s1, "s2": s2, "s3": s3}
