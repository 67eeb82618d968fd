import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import evaluation, semesters
from sms.history import domain_history
from sms.models import SoftDeleteManager, SoftDeleteModel, SoftDeleteQuerySet, unique_alive
from sms.validators import code_validator

WEEKS_PER_SEMESTER = 14
# Share of a course's scheduled periods a student may miss (Absent or Excused) before being
# flagged; the warning starts at 80 % of that limit.
ABSENCE_LIMIT_SHARE = Decimal("0.15")
ABSENCE_WARNING_SHARE = Decimal("0.80")


class CourseQuerySet(SoftDeleteQuerySet):
    def in_semester(self, semester):
        return self.filter(semester=semesters.normalise(semester)) if semester else self

    def taught_by(self, user):
        return self.filter(teachers=user)

    def with_enrolled_count(self):
        """`enrolled_count`: live enrollments of live students.

        A correlated subquery, not a JOIN and GROUP BY: a page counts only its own rows, and the
        paginator's COUNT(*) leaves the unused annotation out instead of grouping every enrollment.
        """
        enrolled = (
            Enrollment.objects.filter(course=models.OuterRef("pk"), student__deleted_at__isnull=True)
            .order_by().values("course").annotate(count=models.Count("pk")).values("count")
        )
        return self.annotate(enrolled_count=Coalesce(models.Subquery(enrolled), 0))


class Course(SoftDeleteModel):
    course_code = models.CharField(
        _("course code"), max_length=20, db_index=True, validators=[code_validator],
        help_text=_("Letters, digits, - and _; stored in capitals, e.g. MATH-101."),
    )
    course_name = models.CharField(_("course name"), max_length=200)
    semester = models.CharField(
        _("semester"), max_length=20, db_index=True, validators=[semesters.validate_semester],
        help_text=_('A year and a term, e.g. "2026 Spring".'),
    )
    credits = models.PositiveSmallIntegerField(
        _("credits"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 to 12."),
    )
    description = models.TextField(_("description"), blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), default=0, validators=[MaxValueValidator(40)]
    )
    periods_per_week = models.PositiveSmallIntegerField(
        _("periods per week"), default=0, validators=[MaxValueValidator(40)]
    )
    absence_penalty = models.DecimalField(
        _("absence penalty"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Percentage points taken off the final grade per unexcused absence (0–100)."),
    )
    evaluation_rules = models.JSONField(
        _("evaluation rules"), default=list, blank=True,
        help_text=_('Categories and weights, e.g. [{"category": "Homework", "weight": 30}].'),
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_courses",
        verbose_name=_("teachers"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeleteManager.from_queryset(CourseQuerySet)()
    all_objects = models.Manager.from_queryset(CourseQuerySet)()
    history = domain_history()

    soft_delete_cascade = ("enrollments", "grades", "attendance_records", "daily_performances")

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["course_code", "id"]
        constraints = [
            unique_alive(
                "course_code", name="unique_alive_course_code",
                message=_("Another course already has this code. Choose a different code."),
            ),
        ]

    def __str__(self):
        return f"{self.course_code} — {self.course_name}"

    def get_absolute_url(self):
        return reverse("courses:detail", args=[self.pk])

    def normalise(self):
        self.course_code = (self.course_code or "").strip().upper()
        self.semester = semesters.normalise(self.semester)

    def clean(self):
        try:
            self.evaluation_rules = evaluation.clean_rules(self.evaluation_rules)
        except ValidationError as error:
            raise ValidationError({"evaluation_rules": error.messages}) from error

    @property
    def rules_weight_total(self):
        return evaluation.total_weight(self.evaluation_rules)

    @property
    def scheduled_periods(self):
        return self.periods_per_week * WEEKS_PER_SEMESTER

    @property
    def absence_limit(self):
        """Absences (Absent + Excused) allowed before the student is flagged; None if unscheduled."""
        if not self.scheduled_periods:
            return None
        return math.floor(self.scheduled_periods * ABSENCE_LIMIT_SHARE)

    @property
    def absence_warning_at(self):
        limit = self.absence_limit
        return None if limit is None else math.ceil(limit * ABSENCE_WARNING_SHARE)


class EnrollmentQuerySet(SoftDeleteQuerySet):
    def live(self):
        """Enrollments whose student and course are not deleted either."""
        return self.filter(student__deleted_at__isnull=True, course__deleted_at__isnull=True)

    def with_absence_counts(self):
        """`absences` (toward the limit) and `unexcused` (penalised) of each enrollment's student in
        its course, read in the same query as the enrollments."""
        from attendance.models import COUNTED_ABSENCES, PENALISED_ABSENCES, Attendance  # imports this module

        records = Attendance.objects.filter(
            student=models.OuterRef("student_id"), course=models.OuterRef("course_id")
        ).order_by().values("student")

        def count(statuses):
            counted = records.filter(status__in=statuses).annotate(count=models.Count("pk")).values("count")
            return Coalesce(models.Subquery(counted), 0)

        return self.annotate(absences=count(COUNTED_ABSENCES), unexcused=count(PENALISED_ABSENCES))


class Enrollment(SoftDeleteModel):
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="enrollments",
        verbose_name=_("student"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    objects = SoftDeleteManager.from_queryset(EnrollmentQuerySet)()
    all_objects = models.Manager.from_queryset(EnrollmentQuerySet)()
    history = domain_history()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["course_id", "student_id", "id"]
        constraints = [
            unique_alive(
                "student", "course", name="unique_alive_enrollment",
                message=_("This student is already enrolled in this course."),
                code="enrollment_exists",
            ),
        ]

    def __str__(self):
        return f"{self.student_id} → {self.course_id}"
