"""Derived tables the metrics read instead of recomputing the school from its records per request.

Each row is what the metrics count for its key, computed by metrics/derived.py from the live
records of live students, and recomputed in the same transaction as every write that could change
it (metrics/receivers.py). The course's own state (deleted or not, its semester) is read from the
course when the metrics are queried, a join with a few hundred rows.

They are caches, not school records: no django-simple-history (a history row per recomputation
would flood the audit trail and its tamper-evident chain with entries no person made), no soft
delete, and `manage.py refresh_results` rebuilds them from the records at any time. Rows are never
deleted, only recomputed (see metrics/derived.py for why): a key with nothing left keeps zeros.
"""

from django.db import models
from django.utils import timezone


class StudentCourseResult(models.Model):
    """One student in one course: the final result (grades/calculations.py) and attendance counts.

    A row exists for every pair with an enrollment or an attendance record: attendance of a student
    who was unenrolled still counts toward the attendance numbers, as it always has.
    """

    student = models.ForeignKey("students.Student", on_delete=models.CASCADE, related_name="+", db_index=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    # A live enrollment of a live student; the final result below is only set when enrolled.
    enrolled = models.BooleanField(default=False)
    status = models.CharField(max_length=10, blank=True)  # calculations.STATUS_*, "" when not enrolled
    # Labels, pass and value20 are computed from the exact percentage, not from this rounded copy.
    percentage = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    value20 = models.DecimalField(max_digits=3, decimal_places=1, null=True)  # CourseResult.value20
    passed = models.BooleanField(null=True)
    greek_label = models.CharField(max_length=20, blank=True)
    letter = models.CharField(max_length=2, blank=True)
    provisional = models.BooleanField(default=False)
    # Live attendance records by status, matched exactly (a hand-written "present" is none of them).
    present = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    over_limit = models.BooleanField(default=False)  # enrolled, absences (Absent + Excused) over the limit
    at_risk = models.BooleanField(default=False)  # enrolled, and failing or over the limit
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "course"], name="metrics_result_pair")]
        indexes = [
            # Students at risk, enrolled, over the limit, per course: read by index only, not the table.
            models.Index(fields=["course", "student"], name="metrics_result_at_risk_idx", condition=models.Q(at_risk=True)),
            models.Index(fields=["course", "student"], name="metrics_result_enrolled_idx", condition=models.Q(enrolled=True)),
            models.Index(fields=["course", "student"], name="metrics_result_over_idx", condition=models.Q(over_limit=True)),
        ]

    def __str__(self):
        return f"{self.student_id} in {self.course_id}: {self.value20}"


class CourseSummary(models.Model):
    """A course's StudentCourseResult rows added up: recomputed with them, in the same transaction.

    The dashboard reads a few hundred of these instead of adding up 90,000 results per request.
    """

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, primary_key=True,
                                  related_name="metrics_summary")
    enrolled = models.PositiveIntegerField(default=0)
    graded = models.PositiveIntegerField(default=0)  # enrolled with a final grade
    passed = models.PositiveIntegerField(default=0)
    tenths = models.PositiveBigIntegerField(default=0)  # the final grades (value20) added up, in tenths: exact
    labels = models.JSONField(default=dict)  # {Greek label: final grades with it}
    present = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)
    over_limit = models.PositiveIntegerField(default=0)  # enrolled students over the absence limit

    def __str__(self):
        return f"{self.course_id}: {self.graded} graded of {self.enrolled}"


class GradeTally(models.Model):
    """How many live grades of live students a course has at one (grade, maximum).

    The exact percentage of each group is grade / maximum × 100, so the distribution, average and
    median come out exact from a few thousand groups instead of 200,000 grades.
    """

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    grade = models.DecimalField(max_digits=6, decimal_places=2)
    max_grade = models.DecimalField(max_digits=6, decimal_places=2)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "grade", "max_grade"], name="metrics_tally_key")]

    def __str__(self):
        return f"{self.course_id}: {self.count} × {self.grade}/{self.max_grade}"


class AttendanceWeek(models.Model):
    """A course's live attendance records of live students in one week (from Monday), by status."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    present = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    excused = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "week"], name="metrics_week_key")]

    def __str__(self):
        return f"{self.course_id} {self.week}"
