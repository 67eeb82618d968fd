from sms.api.serializers import ShapeModelSerializer
from students.models import Student
from students.services import EDITABLE_FIELDS


class StudentSerializer(ShapeModelSerializer):
    class Meta:
        model = Student
        fields = ("id", *EDITABLE_FIELDS, "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
