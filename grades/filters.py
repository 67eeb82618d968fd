"""List filters for grades and daily performance (web list pages and the API).

Date ranges are inclusive: `date_from=2026-09-01&date_to=2026-09-30`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from grades.models import DailyPerformance, Grade
from sms.filters import OrderingFilter
from students.models import Student


class GradeFilter(django_filters.FilterSet):
    student = django_filters.ModelChoiceFilter(queryset=Student.objects.all(), label=_("Student"))
    course = django_filters.ModelChoiceFilter(queryset=Course.objects.all(), label=_("Course"))
    category = django_filters.CharFilter(lookup_expr="iexact", label=_("Category"))
    date_from = django_filters.DateFilter(
        field_name="date_assigned", lookup_expr="gte", label=_("Assigned from")
    )
    date_to = django_filters.DateFilter(field_name="date_assigned", lookup_expr="lte", label=_("Assigned to"))
    ordering = OrderingFilter(
        fields=(("date_assigned", "date_assigned"), ("grade", "grade"), ("category", "category"),
                ("assignment_name", "assignment_name"), ("created_at", "created_at")),
        field_labels={"date_assigned": _("date assigned"), "grade": _("grade"), "category": _("category"),
                      "assignment_name": _("assignment"), "created_at": _("date added")},
        label=_("Order by"),
    )

    class Meta:
        model = Grade
        fields = ("student", "course", "category", "date_from", "date_to")


class DailyPerformanceFilter(django_filters.FilterSet):
    student = django_filters.ModelChoiceFilter(queryset=Student.objects.all(), label=_("Student"))
    course = django_filters.ModelChoiceFilter(queryset=Course.objects.all(), label=_("Course"))
    category = django_filters.CharFilter(lookup_expr="iexact", label=_("Category"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    ordering = OrderingFilter(
        fields=(("date", "date"), ("score", "score"), ("category", "category")),
        field_labels={"date": _("date"), "score": _("score"), "category": _("category")}, label=_("Order by"),
    )

    class Meta:
        model = DailyPerformance
        fields = ("student", "course", "category", "date_from", "date_to")
