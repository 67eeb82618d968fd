from django.contrib import admin

from courses.models import Course, Enrollment
from sms.admin import SoftDeleteAdmin
from sms.transfer.admin import TransferAdminMixin


@admin.register(Course)
class CourseAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "courses"
    list_display = ("course_code", "course_name", "semester", "credits", "periods_per_week")
    list_filter = ("semester", "credits")
    search_fields = ("course_code", "course_name")
    filter_horizontal = ("teachers",)


@admin.register(Enrollment)
class EnrollmentAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "enrollments"
    list_display = ("student", "course", "enrolled_at")
    list_filter = ("course__semester",)
    list_select_related = ("student", "course")
    search_fields = ("student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")
