"""Business metrics, aggregated in the database, in a fixed number of queries.

Counts, rates, grade distributions and the weekly attendance trend are single aggregate queries
with conditional aggregation. Final grades (average final grade, pass rate per course, students
at risk) follow the course's evaluation rules, which grades/calculations.py defines once for the
whole application: the rows they need are fetched in three queries as plain tuples, and the
rules are applied in Python, so the dashboard and the student pages can never disagree.

Every grade is normalised by its maximum first: percentage = grade / max_grade × 100, 0–20 value
= percentage / 5. Thresholds follow the display rounding (one decimal, half up), so a grade shown
as 10.0 counts as a pass here too.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from attendance.models import COUNTED_ABSENCES, Attendance, Status
from courses import semesters
from courses.models import Course, Enrollment
from grades import calculations
from grades.models import DailyPerformance, Grade
from students.models import Student

HUNDRED = Decimal(100)
BIN_WIDTH = 2  # the 0–20 histogram: [0, 2), [2, 4), … [18, 20]
# Labels are read from rounded values (one decimal, half up): a percentage p shows as a letter at
# threshold t when p ≥ t − 0.05, and its 0–20 value p / 5 reaches t when p ≥ 5t − 0.25. Bands below
# are [(name, lowest percentage that earns it)], highest first.
LETTERS = [(letter, max(threshold - Decimal("0.05"), Decimal(0))) for threshold, letter in calculations.LETTERS]
GREEK_LABELS = [(label, max(threshold * 5 - Decimal("0.25"), Decimal(0)))
                for threshold, label in calculations.GREEK_LABELS]
PASS_PERCENTAGE = calculations.PASS_MARK * 5 - Decimal("0.25")
# SQLite computes grade × 100 / max_grade in floating point (49.75 may come back as 49.7499…). Two
# percentages of two-decimal grades differ by at least 1e-8, so lowering every bound by 1e-9 is
# exact on both databases.
EPSILON = Decimal("1e-9")
ATTENDED = (Status.PRESENT, Status.LATE)


@dataclass(frozen=True)
class Scope:
    semester: str = ""
    course: int | None = None

    def courses(self):
        courses = Course.objects.in_semester(self.semester)
        return courses.filter(pk=self.course) if self.course else courses

    def of(self, queryset, prefix=""):
        """Rows of queryset (grades, attendance, enrollments) that belong to the scope's courses."""
        if self.course:
            queryset = queryset.filter(**{f"{prefix}course_id": self.course})
        if self.semester:
            queryset = queryset.filter(**{f"{prefix}course__semester": semesters.normalise(self.semester)})
        return queryset.filter(**{f"{prefix}course__deleted_at__isnull": True,
                                  f"{prefix}student__deleted_at__isnull": True})


def _rate(part, whole, places=1):
    return None if not whole else calculations.display(Decimal(part) * HUNDRED / Decimal(whole), places)


def _percentage():
    return ExpressionWrapper(F("grade") * HUNDRED / F("max_grade"), output_field=DecimalField())


# --- students ------------------------------------------------------------------------------------

def student_counts(scope):
    """One query: total, active, and new this semester (enrolled within its dates; without a
    semester filter, the current semester).

    With a semester or course filter the counts cover the students enrolled in the scope's courses,
    like every other number on the dashboard; without one, the whole school.
    """
    first, last = semesters.semester_dates(scope.semester or semesters.semester_of(timezone.localdate()))
    students = Student.objects.all()
    if scope.semester or scope.course:
        students = students.filter(pk__in=scope.of(Enrollment.objects.all()).values("student_id"))
    return students.aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True)),
        new_this_semester=Count("id", filter=Q(enrollment_date__range=(first, last))),
    )


# --- final grades per enrollment (three queries of plain tuples, the maths of calculations.py) -----

def course_results(scope, courses, counts):
    """{(student_id, course_id): CourseResult} for the live enrollments of the given courses.

    counts: attendance_counts(scope), for each course's penalty per unexcused absence.
    """
    by_id = {course["id"]: course for course in courses}
    enrollments = scope.of(Enrollment.objects.all()).filter(course_id__in=by_id).values_list(
        "student_id", "course_id")
    marks = defaultdict(list)
    for student_id, course_id, category, grade, maximum, weight, submitted, assigned, pk in scope.of(
            Grade.objects.filter(course_id__in=by_id)).values_list(
            "student_id", "course_id", "category", "grade", "max_grade", "weight", "date_submitted",
            "date_assigned", "pk"):
        marks[student_id, course_id].append(
            calculations.Mark(category, grade, maximum, weight, submitted or assigned, pk))
    for student_id, course_id, category, score, maximum, day, pk in scope.of(
            DailyPerformance.objects.filter(course_id__in=by_id)).values_list(
            "student_id", "course_id", "category", "score", "max_score", "date", "pk"):
        marks[student_id, course_id].append(calculations.Mark(category, score, maximum, Decimal(1), day, pk, True))
    return {
        (student_id, course_id): calculations.course_result(
            by_id[course_id]["evaluation_rules"], marks[student_id, course_id],
            counts.get((student_id, course_id), {}).get(Status.ABSENT, 0), by_id[course_id]["absence_penalty"],
        )
        for student_id, course_id in enrollments
    }


def attendance_counts(scope):
    """One query: {(student_id, course_id): {status: n}} for the scope."""
    counts = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    rows = _attendance(scope).order_by().values("student_id", "course_id", "status").annotate(n=Count("id"))
    for row in rows:
        counts[row["student_id"], row["course_id"]][row["status"]] = row["n"]
    return counts


def _course_rows(scope):
    return list(scope.courses().order_by("course_code", "id").values(
        "id", "course_code", "course_name", "semester", "credits", "evaluation_rules", "absence_penalty",
        "periods_per_week"))


def _limit(course):
    return Course(periods_per_week=course["periods_per_week"]).absence_limit


def school_state(scope):
    """Courses, final results and attendance counts of the scope: 5 queries."""
    courses = _course_rows(scope)
    counts = attendance_counts(scope)
    return courses, course_results(scope, courses, counts), counts


def at_risk(courses, results, counts):
    """Students with a final grade under 10 or absences over the limit in any course of the scope."""
    limits = {course["id"]: _limit(course) for course in courses}
    risky = set()
    for (student_id, course_id), result in results.items():
        absences = sum(counts.get((student_id, course_id), {}).get(status, 0) for status in COUNTED_ABSENCES)
        limit = limits[course_id]
        if (result.has_grade and not result.passed) or (limit is not None and absences > limit):
            risky.add(student_id)
    return risky


def over_limit(courses, results, counts):
    limits = {course["id"]: _limit(course) for course in courses}
    return sorted({
        (student_id, course_id) for (student_id, course_id), statuses in counts.items()
        if course_id in limits and limits[course_id] is not None
        and sum(statuses[status] for status in COUNTED_ABSENCES) > limits[course_id]
        and (student_id, course_id) in results
    })


# --- grades -----------------------------------------------------------------------------------------

def grade_distribution(scope):
    """One query: every grade normalised by its maximum, counted in 0–20 bins, letters and labels."""
    grades = scope.of(Grade.objects.all()).annotate(pct=_percentage())
    bins = {
        f"bin_{low}": Count("id", filter=Q(pct__gte=low * 5 - EPSILON, pct__lt=(low + BIN_WIDTH) * 5 - EPSILON))
        for low in range(0, 20, BIN_WIDTH)
    }
    bins[f"bin_{20 - BIN_WIDTH}"] = Count("id", filter=Q(pct__gte=(20 - BIN_WIDTH) * 5 - EPSILON))
    letters = {f"letter_{index}": _band(LETTERS, index) for index in range(len(LETTERS))}
    labels = {f"label_{index}": _band(GREEK_LABELS, index) for index in range(len(GREEK_LABELS))}
    return grades.aggregate(
        count=Count("id"), average_pct=Avg("pct"),
        passed=Count("id", filter=Q(pct__gte=PASS_PERCENTAGE - EPSILON)),
        **bins, **letters, **labels,
    )


def _band(bands, index):
    """Count of percentages that display within band `index` of [(name, lowest percentage)]."""
    lower = Q(pct__gte=bands[index][1] - EPSILON) if bands[index][1] > 0 else Q()
    upper = Q(pct__lt=bands[index - 1][1] - EPSILON) if index else Q()
    return Count("id", filter=lower & upper)


def grades_summary(scope, distribution, median_pct):
    count = distribution["count"]
    average = distribution["average_pct"]
    return {
        "count": count,
        "average": None if average is None else calculations.display(Decimal(average) / 5),
        "median": None if median_pct is None else calculations.display(Decimal(median_pct) / 5),
        "pass_rate": _rate(distribution["passed"], count),
        "histogram": [
            {"from": low, "to": low + BIN_WIDTH, "count": distribution[f"bin_{low}"]}
            for low in range(0, 20, BIN_WIDTH)
        ],
        "by_letter": [{"letter": name, "count": distribution[f"letter_{i}"]} for i, (name, _t) in enumerate(LETTERS)],
        "by_label": [{"label": name, "count": distribution[f"label_{i}"]} for i, (name, _t) in enumerate(GREEK_LABELS)],
    }


def median_percentage(scope):
    """Median of the normalised grades; one query of percentages (median is not portable SQL)."""
    values = [Decimal(value) for value in scope.of(Grade.objects.all()).annotate(pct=_percentage())
              .values_list("pct", flat=True)]
    return statistics.median(values) if values else None


# --- attendance -------------------------------------------------------------------------------------

def _attendance(scope):
    """Attendance rows of the scope with one of the four statuses, matched exactly: a row written
    around the application as "present" or "ABSENT" is not guessed at (nor allowed to break a report)."""
    return scope.of(Attendance.objects.filter(status__in=Status.values))


def attendance_totals(counts):
    totals = dict.fromkeys(Status.values, 0)
    for statuses in counts.values():
        for status, number in statuses.items():
            totals[status] += number
    return totals


def weekly_trend(scope):
    """One query: attendance rate per week (Monday-based)."""
    rows = _attendance(scope).annotate(week=TruncWeek("date")).order_by("week").values(
        "week").annotate(total=Count("id"), attended=Count("id", filter=Q(status__in=ATTENDED)))
    return [{"week": row["week"].isoformat() if hasattr(row["week"], "isoformat") else str(row["week"]),
             "records": row["total"], "rate": _rate(row["attended"], row["total"])} for row in rows]
