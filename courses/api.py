from courses import access, services
from courses.filters import CourseFilter, EnrollmentFilter
from courses.models import Course, Enrollment
from courses.serializers import CourseSerializer, EnrollmentSerializer
from sms.api.views import BaseModelViewSet


class CourseViewSet(BaseModelViewSet):
    """Courses: any role reads; only administrators create, edit, delete and restore."""

    queryset = Course.objects.prefetch_related("teachers")
    serializer_class = CourseSerializer
    filterset_class = CourseFilter

    def can_write(self, user):
        return access.can_edit_course(user)

    def create_object(self, data):
        return services.course_create(**data)

    def update_object(self, course, data):
        data = dict(data)
        return services.course_update(course=course, data=data, teachers=data.pop("teachers", None))

    def delete_object(self, course):
        services.course_delete(course=course)

    def restore_object(self, course):
        return services.course_restore(course=course)


class EnrollmentViewSet(BaseModelViewSet):
    """Enrollments: administrators, and teachers for the courses they teach. No edits: delete and re-enrol."""

    queryset = Enrollment.objects.live()
    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter
    http_method_names = ("get", "post", "delete", "head", "options")

    def can_create(self, user, data):
        return access.can_manage_course_records(user, data["course"])

    def can_change(self, user, enrollment):
        return access.can_manage_course_records(user, enrollment.course)

    def create_object(self, data):
        return services.enrollment_create(**data)

    def delete_object(self, enrollment):
        services.enrollment_delete(enrollment=enrollment)

    def restore_object(self, enrollment):
        return services.enrollment_restore(enrollment=enrollment)
