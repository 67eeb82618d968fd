"""List filters for students, shared by the web list page and GET /api/v1/students/.

Plain django-filter FilterSets: `StudentFilter(request.GET, queryset=Student.objects.all()).qs`
works in any view; the API plugs the same class into DjangoFilterBackend.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from courses.models import Course
from sms.filters import BooleanFilter, IntegerFilter, OrderingFilter
from students.models import Student


@extend_schema_field(OpenApiTypes.INT)
class CourseIdFilter(django_filters.ModelChoiceFilter):
    """A course id; documented as an integer in the OpenAPI schema."""


class StudentFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"),
        help_text=_("Words matched against name, student ID and email."),
    )
    study_year = IntegerFilter(label=_("Study year"))
    is_active = BooleanFilter(label=_("Active"))
    class_division = django_filters.CharFilter(lookup_expr="iexact", label=_("Class division"))
    course = CourseIdFilter(
        queryset=Course.objects.all(), method="filter_course", label=_("Course"),
        help_text=_("Students enrolled in this course (id)."),
    )
    ordering = OrderingFilter(
        fields=(
            ("last_name", "last_name"), ("first_name", "first_name"), ("student_id", "student_id"),
            ("study_year", "study_year"), ("enrollment_date", "enrollment_date"),
            ("created_at", "created_at"),
        ),
        field_labels={
            "last_name": _("last name"), "first_name": _("first name"), "student_id": _("student ID"),
            "study_year": _("study year"), "enrollment_date": _("enrollment date"), "created_at": _("date added"),
        },
        label=_("Order by"),
    )

    class Meta:
        model = Student
        fields = ("search", "study_year", "is_active", "class_division", "course")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_course(self, queryset, name, value):
        return queryset.in_course(value) if value else queryset
