from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import evaluation
from courses.models import Enrollment
from sms.history import domain_history
from sms.models import SoftDeleteManager, SoftDeleteModel, SoftDeleteQuerySet


class GradeQuerySet(SoftDeleteQuerySet):
    def for_course(self, course):
        return self.filter(course=course)

    def for_student(self, student):
        return self.filter(student=student)

    def with_related(self):
        return self.select_related("student", "course")


def require_enrollment(record):
    """Grades, attendance and daily performance only exist for enrolled students."""
    if not (record.student_id and record.course_id):
        return
    if not Enrollment.objects.filter(student_id=record.student_id, course_id=record.course_id).exists():
        # The code sits on the field's error: a dict's own `code` argument is dropped by Django.
        raise ValidationError({"student": ValidationError(
            _("This student is not enrolled in this course. Enrol the student first."), code="not_enrolled",
        )})


def require_rule_category(record):
    """When a course has evaluation rules, a grade's category must be one of them."""
    rules = record.course.evaluation_rules if record.course_id else None
    if rules and not evaluation.find_rule(rules, record.category):
        allowed = ", ".join(rule["category"] for rule in rules)
        raise ValidationError({"category": ValidationError(
            _("“%(category)s” is not a category of this course. Use one of: %(allowed)s.")
            % {"category": record.category, "allowed": allowed}, code="unknown_category",
        )})


class Grade(SoftDeleteModel):
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="grades", verbose_name=_("student")
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="grades", verbose_name=_("course")
    )
    assignment_name = models.CharField(_("assignment"), max_length=200)
    category = models.CharField(_("category"), max_length=50)
    grade = models.DecimalField(_("grade"), max_digits=6, decimal_places=2)
    max_grade = models.DecimalField(_("maximum grade"), max_digits=6, decimal_places=2, default=Decimal(20))
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("How much this assignment counts within its category (1 = normal)."),
    )
    date_assigned = models.DateField(_("date assigned"), default=timezone.localdate, db_index=True)
    date_submitted = models.DateField(_("date submitted"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeleteManager.from_queryset(GradeQuerySet)()
    all_objects = models.Manager.from_queryset(GradeQuerySet)()
    history = domain_history()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["-date_assigned", "id"]
        indexes = [
            models.Index(fields=["course", "student"], name="grade_course_student_idx"),
            # The API list's order among live rows: pages read the index instead of sorting every grade.
            models.Index(fields=["-date_assigned", "id"], name="grade_live_order_idx",
                         condition=models.Q(deleted_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_grade__gt=0), name="grade_max_positive"),
            models.CheckConstraint(condition=models.Q(grade__gte=0), name="grade_not_negative"),
            models.CheckConstraint(
                condition=models.Q(grade__lte=models.F("max_grade")), name="grade_within_max"
            ),
        ]

    def __str__(self):
        return f"{self.assignment_name}: {self.grade}/{self.max_grade}"

    def normalise(self):
        self.category = (self.category or "").strip()

    def clean(self):
        if not _numbers(self.grade, self.max_grade):
            return  # clean_fields already explains what is wrong with them
        errors = {}
        if self.max_grade <= 0:
            errors["max_grade"] = _("The maximum grade must be more than 0.")
        if self.grade < 0:
            errors["grade"] = _("A grade cannot be negative.")
        elif self.max_grade > 0 and self.grade > self.max_grade:
            errors["grade"] = _("Grade %(grade)s is above the maximum %(max)s for this assignment.") % {
                "grade": _number(self.grade), "max": _number(self.max_grade)}
        if self.date_submitted and self.date_assigned and self.date_submitted < self.date_assigned:
            errors["date_submitted"] = _("The submission date cannot be before the date assigned.")
        if errors:
            raise ValidationError(errors)
        require_enrollment(self)
        require_rule_category(self)

    def validate_constraints(self, exclude=None):
        # clean() already explains these checks in words; the database constraints are a backstop.
        exclude = set(exclude or ()) | {"grade", "max_grade"}
        super().validate_constraints(exclude=exclude)

    @property
    def percentage(self):
        from grades.calculations import percentage

        return percentage(self.grade, self.max_grade)


class DailyPerformance(SoftDeleteModel):
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="daily_performances",
        verbose_name=_("student"),
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="daily_performances",
        verbose_name=_("course"),
    )
    date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    category = models.CharField(_("category"), max_length=50)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2, default=Decimal(10))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeleteManager.from_queryset(GradeQuerySet)()
    all_objects = models.Manager.from_queryset(GradeQuerySet)()
    history = domain_history()

    class Meta:
        verbose_name = _("daily performance")
        verbose_name_plural = _("daily performance records")
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["-date", "id"], name="daily_live_order_idx",
                                condition=models.Q(deleted_at__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gt=0), name="daily_max_positive"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=models.F("max_score")),
                name="daily_score_within_max",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.category}: {self.score}/{self.max_score}"

    def normalise(self):
        self.category = (self.category or "").strip()

    def clean(self):
        if not _numbers(self.score, self.max_score):
            return
        errors = {}
        if self.max_score <= 0:
            errors["max_score"] = _("The maximum score must be more than 0.")
        if self.score < 0:
            errors["score"] = _("A score cannot be negative.")
        elif self.max_score > 0 and self.score > self.max_score:
            errors["score"] = _("Score %(score)s is above the maximum %(max)s.") % {
                "score": _number(self.score), "max": _number(self.max_score)}
        if errors:
            raise ValidationError(errors)
        require_enrollment(self)

    def validate_constraints(self, exclude=None):
        super().validate_constraints(exclude=set(exclude or ()) | {"score", "max_score"})


def _numbers(*values):
    return all(isinstance(value, (int, Decimal)) for value in values)


def _number(value):
    """23.00 → 23, 18.50 → 18.5: how a teacher writes a grade."""
    normalised = Decimal(value).normalize()
    return f"{normalised:f}"
