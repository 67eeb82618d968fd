from attendance import access, services
from attendance.filters import AttendanceFilter
from attendance.models import Attendance
from attendance.serializers import AttendanceSerializer
from courses.access import can_manage_course_records
from sms.api.bulk import BulkCreateMixin
from sms.api.views import BaseModelViewSet


class AttendanceViewSet(BulkCreateMixin, BaseModelViewSet):
    """Attendance: administrators, and teachers of the course, take and correct it."""

    queryset = Attendance.objects.all()
    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter

    def can_create(self, user, data):
        return can_manage_course_records(user, data["course"])

    def can_change(self, user, record):
        return access.can_edit_attendance(user, record)

    def create_object(self, data):
        return services.attendance_record(**data)

    def create_objects(self, rows):
        return services.attendance_record_bulk(rows=rows)

    def update_object(self, record, data):
        return services.attendance_update(record=record, data=data)

    def delete_object(self, record):
        services.attendance_delete(record=record)

    def restore_object(self, record):
        return services.attendance_restore(record=record)
