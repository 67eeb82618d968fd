"""Building blocks of the metrics tests' hand-computed schools."""

import datetime
from decimal import Decimal

from attendance.models import Attendance
from grades.models import Grade

FALL = "2026 Fall"


def grade(student, course, category, value, maximum=20):
    Grade.objects.create(student=student, course=course, assignment_name=category, category=category,
                         grade=Decimal(value), max_grade=Decimal(maximum), date_assigned=datetime.date(2026, 10, 1))


def absent(student, course, day, status="Absent", month=10):
    Attendance.objects.create(student=student, course=course, date=datetime.date(2026, month, day), status=status)
