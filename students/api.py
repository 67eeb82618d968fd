from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from courses import semesters
from grades.selectors import final_grades_for_student
from grades.serializers import FinalGradeSerializer
from sms.api.views import BaseModelViewSet
from students import access, services
from students.filters import StudentFilter
from students.models import Student
from students.serializers import StudentSerializer


class StudentViewSet(BaseModelViewSet):
    """Students: any role reads; administrators and teachers write; administrators restore."""

    queryset = Student.objects.all()
    serializer_class = StudentSerializer
    filterset_class = StudentFilter

    def can_write(self, user):
        return access.can_edit_students(user)

    def create_object(self, data):
        return services.student_create(**data)

    def update_object(self, student, data):
        return services.student_update(student=student, data=data)

    def delete_object(self, student):
        services.student_delete(student=student)

    def restore_object(self, student):
        return services.student_restore(student=student)

    @extend_schema(
        summary="Computed final grade per course, and the credit-weighted GPA.",
        responses=inline_serializer("FinalGrades", {
            "student": serializers.IntegerField(),
            "gpa": serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True),
            "courses": FinalGradeSerializer(many=True),
        }),
        parameters=[OpenApiParameter("semester", str, description='Only this semester, e.g. "2026 Fall".')],
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="final-grades", pagination_class=None, filterset_class=None)
    def final_grades(self, request, pk=None):
        student = self.get_object()
        semester = semesters.normalise(request.query_params.get("semester", "")) or None
        rows, gpa = final_grades_for_student(student, semester=semester)
        courses = FinalGradeSerializer([{"course": c, "result": r} for c, r in rows], many=True).data
        return Response({"student": student.pk, "gpa": None if gpa is None else f"{gpa:.2f}", "courses": courses})
