"""List filters for attendance (web list pages and the API). Date ranges are inclusive."""

import django_filters
from django.utils.translation import gettext_lazy as _

from attendance.models import Attendance, Status
from courses.models import Course
from sms.filters import IntegerFilter, OrderingFilter
from students.models import Student


class AttendanceFilter(django_filters.FilterSet):
    student = django_filters.ModelChoiceFilter(queryset=Student.objects.all(), label=_("Student"))
    course = django_filters.ModelChoiceFilter(queryset=Course.objects.all(), label=_("Course"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    period_number = IntegerFilter(label=_("Period"))
    ordering = OrderingFilter(
        fields=(("date", "date"), ("period_number", "period_number"), ("status", "status"),
                ("student__last_name", "student")),
        field_labels={"date": _("date"), "period_number": _("period"), "status": _("status"),
                      "student__last_name": _("student")},
        label=_("Order by"),
    )

    class Meta:
        model = Attendance
        fields = ("student", "course", "status", "date_from", "date_to", "period_number")
