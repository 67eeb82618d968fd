from attendance.models import Attendance
from sms.api.serializers import ShapeModelSerializer


class AttendanceSerializer(ShapeModelSerializer):
    create_only_fields = ("student", "course")

    class Meta:
        model = Attendance
        fields = ("id", "student", "course", "date", "period_number", "status", "notes",
                  "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
