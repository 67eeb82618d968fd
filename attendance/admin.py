from django.contrib import admin

from attendance.models import Attendance
from courses.admin import CourseSemesterFilter
from sms.admin import SoftDeleteAdmin
from sms.transfer.admin import TransferAdminMixin


@admin.register(Attendance)
class AttendanceAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "attendance"
    list_display = ("student", "course", "date", "period_number", "status")
    # No date hierarchy (two queries over 500,000 rows a page): dates filter by period.
    list_filter = ("status", "date", CourseSemesterFilter)
    list_select_related = ("student", "course")
    search_fields = ("student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")
