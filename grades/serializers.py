from rest_framework import serializers

from grades.models import DailyPerformance, Grade
from grades.services import EDITABLE_FIELDS
from sms.api.serializers import ShapeModelSerializer


class GradeSerializer(ShapeModelSerializer):
    create_only_fields = ("student", "course")
    percentage = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)

    class Meta:
        model = Grade
        fields = ("id", "student", "course", *EDITABLE_FIELDS, "percentage", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class DailyPerformanceSerializer(ShapeModelSerializer):
    create_only_fields = ("student", "course")

    class Meta:
        model = DailyPerformance
        fields = ("id", "student", "course", "date", "category", "score", "max_score", "notes",
                  "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")


class CategoryResultSerializer(serializers.Serializer):
    category = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    average = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True,
                                       help_text="Percentage, or null when the category has no grades.")
    count = serializers.IntegerField()


class FinalGradeSerializer(serializers.Serializer):
    """One course's computed result (grades.calculations.CourseResult) for a student."""

    course = serializers.IntegerField(source="course.pk")
    course_code = serializers.CharField(source="course.course_code")
    course_name = serializers.CharField(source="course.course_name")
    semester = serializers.CharField(source="course.semester")
    credits = serializers.IntegerField(source="course.credits")
    status = serializers.CharField(source="result.status")
    message = serializers.CharField(source="result.message")
    percentage = serializers.DecimalField(source="result.percentage", max_digits=7, decimal_places=2,
                                          allow_null=True)
    value20 = serializers.CharField(source="result.value20", allow_null=True,
                                    help_text="Final grade on 0–20 with one decimal.")
    letter = serializers.CharField(source="result.letter", allow_null=True)
    greek_label = serializers.CharField(source="result.greek_label", allow_null=True)
    passed = serializers.BooleanField(source="result.passed", allow_null=True)
    provisional = serializers.BooleanField(source="result.provisional")
    unexcused_absences = serializers.IntegerField(source="result.unexcused_absences")
    penalty = serializers.DecimalField(source="result.penalty", max_digits=7, decimal_places=2)
    categories = CategoryResultSerializer(source="result.categories", many=True)
