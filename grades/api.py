from courses.access import can_manage_course_records
from grades import access, services
from grades.filters import DailyPerformanceFilter, GradeFilter
from grades.models import DailyPerformance, Grade
from grades.serializers import DailyPerformanceSerializer, GradeSerializer
from sms.api.bulk import BulkCreateMixin
from sms.api.views import BaseModelViewSet


class CourseRecordViewSet(BaseModelViewSet):
    """Records kept per course: administrators, and teachers of that course, write them."""

    def can_create(self, user, data):
        return can_manage_course_records(user, data["course"])

    def can_change(self, user, record):
        return can_manage_course_records(user, record.course)


class GradeViewSet(BulkCreateMixin, CourseRecordViewSet):
    queryset = Grade.objects.all()
    serializer_class = GradeSerializer
    filterset_class = GradeFilter

    def can_change(self, user, grade):
        return access.can_edit_grade(user, grade)

    def create_object(self, data):
        return services.grade_record(**data)

    def create_objects(self, rows):
        return services.grades_record_bulk(rows=rows)

    def update_object(self, grade, data):
        return services.grade_update(grade=grade, data=data)

    def delete_object(self, grade):
        services.grade_delete(grade=grade)

    def restore_object(self, grade):
        return services.grade_restore(grade=grade)


class DailyPerformanceViewSet(CourseRecordViewSet):
    queryset = DailyPerformance.objects.all()
    serializer_class = DailyPerformanceSerializer
    filterset_class = DailyPerformanceFilter

    def create_object(self, data):
        return services.daily_performance_record(**data)

    def update_object(self, record, data):
        return services.daily_performance_update(record=record, data=data)

    def delete_object(self, record):
        services.daily_performance_delete(record=record)

    def restore_object(self, record):
        return services.daily_performance_restore(record=record)
