from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses import semesters
from courses.models import Course, Enrollment
from sms.admin import SoftDeleteAdmin, ValuesFilter, range_filter
from sms.transfer.admin import TransferAdminMixin


def course_facets(request):
    """(semesters, rule categories) of every course, read once per request for the sidebar filters
    of the change lists (300 courses at district scale, where DISTINCT over the grades or the
    attendance rows reads 200,000–500,000). A grade's category is one of its course's rules
    whenever the course has rules (grades/models.py)."""
    facets = getattr(request, "_sms_course_facets", None)
    if facets is None:
        found, categories = set(), {}
        for semester, rules in Course.all_objects.values_list("semester", "evaluation_rules"):
            found.add(semester)
            for rule in rules if isinstance(rules, list) else ():
                if isinstance(rule, dict) and str(rule.get("category") or "").strip():
                    name = str(rule["category"]).strip()
                    categories.setdefault(name.casefold(), name)
        facets = request._sms_course_facets = (
            sorted(found, key=lambda value: (semesters.sort_key(value), value)),
            sorted(categories.values(), key=str.casefold),
        )
    return facets


class SemesterFilter(ValuesFilter):
    title = _("semester")
    parameter_name = lookup = "semester"

    def choices_for(self, request):
        return [(semester, semester) for semester in course_facets(request)[0]]


class CourseSemesterFilter(SemesterFilter):
    parameter_name = lookup = "course__semester"


class CategoryFilter(ValuesFilter):
    title = _("category")
    parameter_name = "category"
    lookup = "category__iexact"  # rules match categories case-insensitively

    def choices_for(self, request):
        return [(category, category) for category in course_facets(request)[1]]


@admin.register(Course)
class CourseAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "courses"
    list_display = ("course_code", "course_name", "semester", "credits", "periods_per_week")
    list_filter = (SemesterFilter, range_filter("credits", _("credits"), range(1, 13)))
    search_fields = ("course_code", "course_name")
    filter_horizontal = ("teachers",)


@admin.register(Enrollment)
class EnrollmentAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "enrollments"
    list_display = ("student", "course", "enrolled_at")
    list_filter = (CourseSemesterFilter,)
    list_select_related = ("student", "course")
    search_fields = ("student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")
