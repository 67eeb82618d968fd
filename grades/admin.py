from django.contrib import admin

from courses.admin import CategoryFilter, CourseSemesterFilter
from grades.models import DailyPerformance, Grade
from sms.admin import SoftDeleteAdmin
from sms.transfer.admin import TransferAdminMixin


@admin.register(Grade)
class GradeAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "grades"
    list_display = ("student", "course", "assignment_name", "category", "grade", "max_grade", "date_assigned")
    # Choices from the courses (one query) and date periods, not DISTINCT over 200,000 grades; no date
    # hierarchy (two queries over the table a page).
    list_filter = (CategoryFilter, CourseSemesterFilter, "date_assigned")
    list_select_related = ("student", "course")
    search_fields = ("assignment_name", "student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")


@admin.register(DailyPerformance)
class DailyPerformanceAdmin(SoftDeleteAdmin):
    list_display = ("student", "course", "date", "category", "score", "max_score")
    list_filter = ("category", "date")
    list_select_related = ("student", "course")
    search_fields = ("student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")
