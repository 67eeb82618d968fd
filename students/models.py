from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sms.history import domain_history
from sms.models import SoftDeleteManager, SoftDeleteModel, SoftDeleteQuerySet, unique_alive
from sms.text import fold
from sms.validators import code_validator, phone_validator


class StudentQuerySet(SoftDeleteQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text):
        # A NUL can match no stored text, and PostgreSQL refuses it in a query (a 500 on ?search=%00).
        text = (text or "").replace("\x00", "").strip()
        if not text:
            return self
        condition = Q()
        for word in fold(text).split():
            condition &= Q(search_text__contains=word)
        return self.filter(condition)

    def in_course(self, course):
        return self.filter(
            enrollments__course=course, enrollments__deleted_at__isnull=True
        ).distinct()


class Student(SoftDeleteModel):
    student_id = models.CharField(
        _("student ID"), max_length=20, db_index=True, validators=[code_validator],
        help_text=_("The school's code for the student, e.g. S2026-001."),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), db_index=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    mobile_phone = models.CharField(
        _("mobile phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    enrollment_date = models.DateField(_("enrollment date"), default=timezone.localdate)
    study_year = models.PositiveSmallIntegerField(
        _("study year"), default=1, validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("Year of study, 1 to 6."),
    )
    class_division = models.CharField(_("class division"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    health_issue = models.TextField(_("health issue"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # Folded copy of names, ID and email so search ignores case and Greek accents on every database.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SoftDeleteManager.from_queryset(StudentQuerySet)()
    all_objects = models.Manager.from_queryset(StudentQuerySet)()
    history = domain_history(excluded_fields=["search_text"])

    soft_delete_cascade = ("enrollments", "grades", "attendance_records", "daily_performances")

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            unique_alive(
                "student_id", name="unique_alive_student_id",
                message=_("Another student already has this student ID. Choose a different one."),
            ),
            unique_alive(
                "email", name="unique_alive_student_email",
                message=_("Another student already uses this email address. Use a different one."),
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="student_name_idx"),
            # The list's order among live rows: a page, even the last, walks the index instead of
            # sorting every student (PITFALLS: deep OFFSET).
            models.Index(fields=["last_name", "first_name", "id"], name="student_live_order_idx",
                         condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.student_id})"

    def get_absolute_url(self):
        return reverse("students:detail", args=[self.pk])

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self):
        return fold(f"{self.first_name} {self.last_name} {self.student_id} {self.email}")

    def normalise(self):
        self.student_id = (self.student_id or "").strip().upper()
        self.email = (self.email or "").strip().lower()
        self.first_name = (self.first_name or "").strip()
        self.last_name = (self.last_name or "").strip()
