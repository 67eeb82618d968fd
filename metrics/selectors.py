"""Business metrics, aggregated in the database from the derived tables, in a fixed number of queries.

The school's records are reduced as they are written (metrics/models.py, metrics/derived.py): each
student's final result in each course, by grades/calculations.py, the one definition the student
pages use too; how many grades each course has at each (grade, maximum); each course's attendance
per week. A report aggregates those rows in the database (conditional aggregation, GROUP BY course)
and reads a few thousand grade groups, so its cost does not grow with the number of grades or
attendance records.

Every grade is normalised by its maximum first: percentage = grade / max_grade × 100, 0–20 value =
percentage / 5. Letters, labels and pass come from calculations' own functions, which read them
from the display rounding (one decimal, half up): a grade shown as 10.0 counts as a pass here too.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import timezone

from attendance.models import Status
from courses import semesters
from courses.models import Course
from grades import calculations
from metrics.derived import STATUS_FIELDS
from metrics.models import AttendanceWeek, GradeTally, StudentCourseResult
from students.models import Student

HUNDRED = Decimal(100)
BIN_WIDTH = 2  # the 0–20 histogram: [0, 2), [2, 4), … [18, 20], on the exact percentage
LETTERS = [letter for _threshold, letter in calculations.LETTERS]
LABELS = [label for _threshold, label in calculations.GREEK_LABELS]
ATTENDED = (Status.PRESENT, Status.LATE)


@dataclass(frozen=True)
class Scope:
    semester: str = ""
    course: int | None = None

    def courses(self):
        courses = Course.objects.in_semester(self.semester)
        return courses.filter(pk=self.course) if self.course else courses

    def of(self, queryset):
        """Rows of a derived table that belong to the scope's courses (live ones: the derived rows
        count live records of live students; the course's own state is read here)."""
        if self.course:
            queryset = queryset.filter(course_id=self.course)
        if self.semester:
            queryset = queryset.filter(course__semester=semesters.normalise(self.semester))
        return queryset.filter(course__deleted_at__isnull=True)


def _rate(part, whole, places=1):
    return None if not whole else calculations.display(Decimal(part) * HUNDRED / Decimal(whole), places)


# --- students ------------------------------------------------------------------------------------

def student_counts(scope):
    """One query: total, active, new this semester (enrolled within its dates; without a semester
    filter, the current semester) and at risk.

    With a semester or course filter the counts cover the students enrolled in the scope's courses,
    like every other number on the dashboard; without one, the whole school. A student at risk is
    enrolled in a live course of the scope, so always one of those counted.
    """
    first, last = semesters.semester_dates(scope.semester or semesters.semester_of(timezone.localdate()))
    students = Student.objects.all()
    if scope.semester or scope.course:
        enrolled = scope.of(StudentCourseResult.objects.filter(enrolled=True)).values("student_id")
        students = students.filter(pk__in=enrolled)
    return students.aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True)),
        new_this_semester=Count("id", filter=Q(enrollment_date__range=(first, last))),
        at_risk=Count("id", filter=Q(pk__in=_flagged("at_risk", scope))),
    )


def _flagged(flag, scope):
    """The ids of the students with a result flagged `flag` (at_risk, over_limit) in the scope."""
    return scope.of(StudentCourseResult.objects.filter(**{flag: True})).order_by().values("student_id")


def at_risk_students(scope):
    """One query: ids of the students with a final grade under 10 or absences over the limit in a
    course of the scope."""
    return sorted(set(_flagged("at_risk", scope).distinct().values_list("student_id", flat=True)))


def over_limit_students(scope):
    """One query: ids of the students over the absence limit in a course of the scope."""
    return sorted(set(_flagged("over_limit", scope).distinct().values_list("student_id", flat=True)))


def flagged_students(scope, flag):
    """The students flagged `flag` (at_risk, over_limit) in the scope, by name, for a paginator."""
    return Student.objects.filter(pk__in=_flagged(flag, scope)).order_by("last_name", "first_name", "pk")


def flagged_results(scope, flag, student_ids):
    """One query: the flagged results of these students in the scope's courses, with why: the
    final grade (under 10: failing) and the absences toward the limit (over it: over_limit)."""
    rows = scope.of(StudentCourseResult.objects.filter(**{flag: True}, student_id__in=student_ids)).order_by(
        "course__course_code", "course_id").values(
        "student_id", "course_id", "course__course_code", "course__periods_per_week", "value20", "provisional",
        "passed", "absent", "excused", "over_limit")
    return [{
        "student_id": row["student_id"], "course_id": row["course_id"], "course_code": row["course__course_code"],
        "final_grade": row["value20"], "provisional": row["provisional"], "failing": row["passed"] is False,
        "absences": row["absent"] + row["excused"], "over_limit": row["over_limit"],
        "limit": Course(periods_per_week=row["course__periods_per_week"]).absence_limit,
    } for row in rows]


def course_choices():
    """One query: every live course's id, code, name and semester, for the filters of the pages."""
    return list(Course.objects.order_by("course_code", "id").values("id", "course_code", "course_name", "semester"))


# --- courses ---------------------------------------------------------------------------------------

SUMMARY_FIELDS = ("enrolled", "graded", "passed", "tenths", "over_limit", "labels", *STATUS_FIELDS.values())


def courses_with_numbers(scope):
    """One query: the scope's courses, by code, each with its CourseSummary as "numbers".

    numbers: enrolled, graded, passed, tenths (the final grades added up, in tenths), over_limit
    (enrolled students over the absence limit), labels {Greek label: n}, statuses {status: attendance
    records}. Attendance counts every student with records, enrolled or no longer.
    """
    rows = scope.courses().order_by("course_code", "id").values(
        "id", "course_code", "course_name", "semester", "periods_per_week",
        *(f"metrics_summary__{field}" for field in SUMMARY_FIELDS))
    return [{**{key: row[key] for key in ("id", "course_code", "course_name", "semester", "periods_per_week")},
             "numbers": _numbers({field: row[f"metrics_summary__{field}"] for field in SUMMARY_FIELDS})}
            for row in rows]


def _numbers(summary):
    """A CourseSummary's values; zeros for a course without one (no student ever had a record in it)."""
    labels = summary["labels"] or {}
    return {
        **{field: summary[field] or 0 for field in ("enrolled", "graded", "passed", "tenths", "over_limit")},
        "labels": {label: labels.get(label, 0) for label in LABELS},
        "statuses": {status: summary[field] or 0 for status, field in STATUS_FIELDS.items()},
    }


def absence_limit(course):
    return Course(periods_per_week=course["periods_per_week"]).absence_limit


def finals_summary(numbers):
    """Graded, average final grade and pass rate over the course numbers given."""
    graded = sum(item["graded"] for item in numbers)
    tenths = sum(item["tenths"] for item in numbers)
    return {
        "graded": graded,
        "average_final": calculations.display(Decimal(tenths) / 10 / graded) if graded else None,
        "pass_rate": _rate(sum(item["passed"] for item in numbers), graded),
    }


def attendance_totals(numbers):
    totals = dict.fromkeys(Status.values, 0)
    for item in numbers:
        for status, count in item["statuses"].items():
            totals[status] += count
    return totals


def attendance_rate(numbers):
    totals = attendance_totals(numbers)
    return _rate(sum(totals[status] for status in ATTENDED), sum(totals.values()))


# --- grades -----------------------------------------------------------------------------------------

def grade_groups(scope):
    """One query: [(grade, max_grade, how many)] of the scope's live grades, from GradeTally."""
    rows = scope.of(GradeTally.objects.filter(count__gt=0)).order_by().values("grade", "max_grade").annotate(
        n=Sum("count"))
    return [(row["grade"], row["max_grade"], row["n"]) for row in rows]


def grades_summary(groups):
    """Distribution, average, median and pass rate of the grades, exact, from their groups.

    Bins are read from the exact percentage ([8, 10) ends below 50 %); letters, labels and pass from
    calculations' functions; average and median are exact fractions, rounded once for display.
    """
    count = sum(n for _grade, _maximum, n in groups)
    bins, letters, labels = Counter(), Counter(), Counter()
    passed, total, exact = 0, Fraction(0), []
    for grade, maximum, n in groups:
        percent = calculations.percentage(grade, maximum)
        fraction = Fraction(grade) * 100 / Fraction(maximum)
        bins[min(int(fraction / 5 // BIN_WIDTH) * BIN_WIDTH, 20 - BIN_WIDTH)] += n
        letters[calculations.letter_grade(percent)] += n
        labels[calculations.greek_label(calculations.to_twenty(percent))] += n
        passed += n if calculations.passed(calculations.to_twenty(percent)) else 0
        total += fraction * n
        exact.append((fraction, n))
    return {
        "count": count,
        "average": calculations.display(total / count / 5) if count else None,
        "median": calculations.display(_median(sorted(exact), count) / 5) if count else None,
        "pass_rate": _rate(passed, count),
        "histogram": [{"from": low, "to": low + BIN_WIDTH, "count": bins[low]} for low in range(0, 20, BIN_WIDTH)],
        "by_letter": [{"letter": letter, "count": letters[letter]} for letter in LETTERS],
        "by_label": [{"label": label, "count": labels[label]} for label in LABELS],
    }


def _median(groups, count):
    """The median of `count` values given as sorted (value, how many): the middle one, or the mean
    of the two middle ones (statistics.median's definition)."""
    def nth(index):
        seen = 0
        for value, n in groups:
            seen += n
            if index < seen:
                return value
        raise IndexError(index)

    middle = count // 2
    return nth(middle) if count % 2 else (nth(middle - 1) + nth(middle)) / 2


# --- attendance -------------------------------------------------------------------------------------

def weekly_trend(scope):
    """One query: attendance rate per week (Monday-based), weeks with records only."""
    sums = {f"n_{field}": Sum(field) for field in STATUS_FIELDS.values()}
    rows = scope.of(AttendanceWeek.objects.all()).order_by("week").values("week").annotate(**sums)
    trend = []
    for row in rows:
        counts = {status: row[f"n_{field}"] or 0 for status, field in STATUS_FIELDS.items()}
        records = sum(counts.values())
        if records:
            trend.append({"week": row["week"].isoformat(), "records": records,
                          "rate": _rate(sum(counts[status] for status in ATTENDED), records)})
    return trend
