from django.contrib import admin

from attendance.models import Attendance
from sms.admin import SoftDeleteAdmin
from sms.transfer.admin import TransferAdminMixin


@admin.register(Attendance)
class AttendanceAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "attendance"
    list_display = ("student", "course", "date", "period_number", "status")
    list_filter = ("status", "date", "course__semester")
    list_select_related = ("student", "course")
    search_fields = ("student__student_id", "student__last_name", "course__course_code")
    autocomplete_fields = ("student", "course")
    date_hierarchy = "date"
