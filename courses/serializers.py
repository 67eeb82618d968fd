from django.contrib.auth import get_user_model
from rest_framework import serializers

from courses.models import Course, Enrollment
from courses.services import EDITABLE_FIELDS
from sms import roles
from sms.api.serializers import ShapeModelSerializer


class CourseSerializer(ShapeModelSerializer):
    teachers = serializers.PrimaryKeyRelatedField(
        many=True, required=False,
        queryset=get_user_model().objects.filter(groups__name=roles.TEACHER).distinct(),
        help_text="User ids of the teachers who manage this course's records.",
    )
    absence_limit = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Course
        fields = ("id", *EDITABLE_FIELDS, "teachers", "absence_limit", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class EnrollmentSerializer(ShapeModelSerializer):
    create_only_fields = ("student", "course")

    class Meta:
        model = Enrollment
        fields = ("id", "student", "course", "enrolled_at")
        read_only_fields = ("id", "enrolled_at")
