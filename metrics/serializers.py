"""What each metrics report returns (metrics/reports.py), for the OpenAPI schema.

The reports are plain dicts built in a fixed number of queries; these serializers only describe
them (drf-spectacular reads them; nothing is serialized through them), so clients and the
schemathesis fuzzing (sms/tests/test_api_fuzz.py) can check every answer. metrics/tests checks
that real reports match them.
"""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from attendance.models import Status
from metrics.selectors import BIN_WIDTH, LABELS, LETTERS


def rate(help_text):
    return serializers.FloatField(allow_null=True, min_value=0, max_value=100,
                                  help_text=f"{help_text} (%, one decimal); null when there is nothing to count.")


def grade20(help_text):
    return serializers.FloatField(allow_null=True, min_value=0, max_value=20,
                                  help_text=f"{help_text} on the 0–20 scale (one decimal); null without grades.")


def count(help_text=""):
    return serializers.IntegerField(min_value=0, help_text=help_text)


class StudentCountsSerializer(serializers.Serializer):
    total = count("Students: of the chosen semester's or course's courses; the whole school without a filter.")
    active = count("Of those, active.")
    new_this_semester = count("Of those, enrolled at the school within the semester's dates (the current "
                              "semester without a semester filter).")
    at_risk = count("Of those, with a final grade under 10 or absences over the limit in a course of the filter.")

    class Meta:
        ref_name = "MetricsStudentCounts"


class EnrolledCourseSerializer(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_code = serializers.CharField()
    course_name = serializers.CharField()
    enrolled = count("Live enrollments of live students.")

    class Meta:
        ref_name = "MetricsEnrolledCourse"


class StudentsReportSerializer(StudentCountsSerializer):
    at_risk_students = serializers.ListField(child=serializers.IntegerField(),
                                             help_text="Ids of the students at risk, ascending.")
    enrolled_per_course = EnrolledCourseSerializer(many=True)

    class Meta:
        ref_name = "MetricsStudentsReport"


class LabelCountSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=LABELS, help_text="Greek label.")
    count = count()

    class Meta:
        ref_name = "MetricsLabelCount"


class LetterCountSerializer(serializers.Serializer):
    letter = serializers.ChoiceField(choices=LETTERS)
    count = count()

    class Meta:
        ref_name = "MetricsLetterCount"


class FinalsSummarySerializer(serializers.Serializer):
    graded = count("Enrolled students with a final grade.")
    average_final = grade20("Average final grade")
    pass_rate = rate("Share of graded students with a final grade of 10 or more")

    class Meta:
        ref_name = "MetricsFinalsSummary"


class CourseRowSerializer(FinalsSummarySerializer):
    course_id = serializers.IntegerField()
    course_code = serializers.CharField()
    course_name = serializers.CharField()
    semester = serializers.CharField()
    enrolled = count("Live enrollments of live students.")
    attendance_rate = rate("Lessons attended (Present or Late) over all attendance records")
    grade_distribution = LabelCountSerializer(many=True, help_text="Final grades by Greek label.")

    class Meta:
        ref_name = "MetricsCourseRow"


class CoursesReportSerializer(serializers.Serializer):
    courses = CourseRowSerializer(many=True)

    class Meta:
        ref_name = "MetricsCoursesReport"


HISTOGRAM_BAND = inline_serializer("MetricsHistogramBand", fields={
    "from": serializers.IntegerField(min_value=0, max_value=20 - BIN_WIDTH),
    "to": serializers.IntegerField(min_value=BIN_WIDTH, max_value=20),
    "count": count("Grades from `from` (included) to `to` (excluded; the last band includes 20)."),
}, many=True)


class GradesReportSerializer(serializers.Serializer):
    count = count("Live grades of live students.")
    average = grade20("Average grade, each normalised by its maximum,")
    median = grade20("Median grade, each normalised by its maximum,")
    pass_rate = rate("Share of grades of 10 or more (as displayed)")
    histogram = HISTOGRAM_BAND
    by_letter = LetterCountSerializer(many=True)
    by_label = LabelCountSerializer(many=True)

    class Meta:
        ref_name = "MetricsGradesReport"


BY_STATUS = inline_serializer("MetricsAttendanceByStatus", fields={
    status: count(f"Attendance records with the status {status} (case-exact).") for status in Status.values})


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday that starts the week.")
    records = count()
    rate = rate("Lessons attended (Present or Late)")

    class Meta:
        ref_name = "MetricsWeek"


class AttendanceCourseSerializer(serializers.Serializer):
    course_id = serializers.IntegerField()
    course_code = serializers.CharField()
    rate = rate("Lessons attended (Present or Late)")
    limit = serializers.IntegerField(allow_null=True, help_text="Absences (Absent and Excused) allowed; null "
                                                                "for a course without periods.")

    class Meta:
        ref_name = "MetricsAttendanceCourse"


class AttendanceHeadlineSerializer(serializers.Serializer):
    rate = rate("Lessons attended (Present or Late) over all attendance records")
    by_status = BY_STATUS
    over_limit = count("Enrollments over the absence limit (a student counts once per course).")
    weekly_trend = WeekSerializer(many=True, help_text="Weeks with records only.")

    class Meta:
        ref_name = "MetricsAttendanceHeadline"


class AttendanceReportSerializer(AttendanceHeadlineSerializer):
    records = count("Attendance records with one of the four statuses.")
    per_course = AttendanceCourseSerializer(many=True)
    over_limit_students = serializers.ListField(child=serializers.IntegerField(),
                                                help_text="Ids of the students over the limit, ascending.")

    class Meta:
        ref_name = "MetricsAttendanceReport"


class CoursePassRateSerializer(FinalsSummarySerializer):
    course_code = serializers.CharField()

    class Meta:
        ref_name = "MetricsCoursePassRate"


class CoursesHeadlineSerializer(FinalsSummarySerializer):
    count = count("Courses of the filter.")
    pass_rate_per_course = CoursePassRateSerializer(many=True)

    class Meta:
        ref_name = "MetricsCoursesHeadline"


class DashboardReportSerializer(serializers.Serializer):
    students = StudentCountsSerializer()
    courses = CoursesHeadlineSerializer()
    grades = GradesReportSerializer()
    attendance = AttendanceHeadlineSerializer()

    class Meta:
        ref_name = "MetricsDashboardReport"


REPORT_SERIALIZERS = {
    "students": StudentsReportSerializer, "courses": CoursesReportSerializer, "grades": GradesReportSerializer,
    "attendance": AttendanceReportSerializer, "dashboard": DashboardReportSerializer,
}
