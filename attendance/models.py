from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grades.models import require_enrollment
from sms.history import domain_history
from sms.models import SoftDeleteManager, SoftDeleteModel, SoftDeleteQuerySet, unique_alive


class Status(models.TextChoices):
    PRESENT = "Present", _("Present")
    ABSENT = "Absent", _("Absent")
    LATE = "Late", _("Late")
    EXCUSED = "Excused", _("Excused")


# By school policy Excused absences count toward the absence limit; Late does not.
COUNTED_ABSENCES = (Status.ABSENT, Status.EXCUSED)
# Only unexcused absences cost grade points.
PENALISED_ABSENCES = (Status.ABSENT,)


class AttendanceQuerySet(SoftDeleteQuerySet):
    def for_roster(self, course, date, period_number):
        return self.filter(course=course, date=date, period_number=period_number)

    def absence_counts(self):
        """Per (student, course): absences toward the limit and penalised absences."""
        return self.values("student_id", "course_id").annotate(
            absences=Count("id", filter=Q(status__in=COUNTED_ABSENCES)),
            unexcused=Count("id", filter=Q(status__in=PENALISED_ABSENCES)),
        )


class Attendance(SoftDeleteModel):
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="attendance_records",
        verbose_name=_("student"),
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="attendance_records",
        verbose_name=_("course"),
    )
    date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    period_number = models.PositiveSmallIntegerField(
        _("period"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Teaching period of the day, 1 to 12."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PRESENT)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeleteManager.from_queryset(AttendanceQuerySet)()
    all_objects = models.Manager.from_queryset(AttendanceQuerySet)()
    history = domain_history()

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["-date", "period_number", "id"]
        indexes = [
            models.Index(fields=["course", "date"], name="attendance_course_date_idx"),
            # The API list's order among live rows: pages read the index instead of sorting every record.
            models.Index(fields=["-date", "period_number", "id"], name="attendance_live_order_idx",
                         condition=Q(deleted_at__isnull=True)),
        ]
        constraints = [
            unique_alive(
                "student", "course", "date", "period_number", name="unique_alive_attendance",
                message=_("Attendance for this student, course, date and period is already taken. "
                          "Edit that record instead."),
                code="attendance_exists",
            ),
        ]

    def __str__(self):
        return f"{self.date} P{self.period_number} {self.status}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": ValidationError(
                _("Attendance cannot be taken for a future date."), code="future_date"
            )})
        require_enrollment(self)
