"""List filters for courses and enrollments (web list pages and the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from sms.filters import IntegerFilter, OrderingFilter
from students.models import Student


class CourseFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), help_text=_("Matched against course code and name."),
    )
    semester = django_filters.CharFilter(method="filter_semester", label=_("Semester"))
    teacher = IntegerFilter(field_name="teachers", label=_("Teacher (user id)"))
    ordering = OrderingFilter(
        fields=(("course_code", "course_code"), ("course_name", "course_name"), ("semester", "semester"),
                ("credits", "credits")),
        field_labels={"course_code": _("course code"), "course_name": _("course name"), "semester": _("semester"),
                      "credits": _("credits")},
        label=_("Order by"),
    )

    class Meta:
        model = Course
        fields = ("search", "semester", "teacher")

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(course_code__icontains=word) | Q(course_name__icontains=word))
        return queryset

    def filter_semester(self, queryset, name, value):
        return queryset.in_semester(value)


class EnrollmentFilter(django_filters.FilterSet):
    student = django_filters.ModelChoiceFilter(queryset=Student.objects.all(), label=_("Student"))
    course = django_filters.ModelChoiceFilter(queryset=Course.objects.all(), label=_("Course"))
    ordering = OrderingFilter(
        fields=(("enrolled_at", "enrolled_at"), ("student__last_name", "student"), ("course__course_code", "course")),
        field_labels={"enrolled_at": _("enrolled at"), "student__last_name": _("student"),
                      "course__course_code": _("course")},
        label=_("Order by"),
    )

    class Meta:
        model = Enrollment
        fields = ("student", "course")
