"""What can be imported and exported: one declarative column list per kind, used both ways.

Each importable kind also says how rows are matched to existing records (its key), which
records it looks up in bulk before the rows are checked (no query per row for lookups), who may
import it, and which domain service writes a row, so history rows are written as for any edit.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.models import Attendance
from courses import access as course_access
from courses import services as course_services
from courses.evaluation import clean_rules
from courses.models import Course, Enrollment
from grades import services as grade_services
from grades.models import Grade
from sms import roles
from sms.transfer.columns import (
    Boolean,
    Column,
    Date,
    Integer,
    Json,
    Number,
    Text,
    Words,
    lower,
    upper,
)
from students import access as student_access
from students import services as student_services
from students.models import Student


def _full_name(obj):
    return obj.student.full_name


def _teacher_names(course):
    return sorted(user.get_username() for user in course.teachers.all())


class Kind:
    name = ""
    label = ""
    model = None
    columns = ()
    key = ()
    importable = True
    filterset = ""  # dotted path of the list page's FilterSet, applied to exports

    def export_queryset(self):
        return self.model.objects.all()

    def headers(self):
        return [column.name for column in self.columns]

    def import_columns(self):
        return [column for column in self.columns if column.importable]

    def required(self):
        return [column.name for column in self.columns if column.required]

    def column_for_field(self, field):
        return next((c.name for c in self.columns if c.target == field), field)

    def can_import(self, user):
        return roles.can_write(user)

    def prepare(self, rows, user):
        """Look up what the rows refer to (in bulk) and set row.existing / row.refs / errors."""
        raise NotImplementedError

    def changes(self, row):
        """{field: (old, new)} of the row's values that differ from the existing record."""
        existing = row.existing
        return {
            field: (getattr(existing, field), value)
            for field, value in row.values.items()
            if getattr(existing, field) != value
        }

    def write(self, row, reason):
        raise NotImplementedError


class StudentKind(Kind):
    name = "students"
    label = gettext_lazy("students")
    model = Student
    key = ("student_id",)
    filterset = "students.filters.StudentFilter"
    columns = (
        Column("student_id", Text(upper), required=True),
        Column("first_name", Text(), required=True),
        Column("last_name", Text(), required=True),
        Column("email", Text(lower), required=True),
        Column("father_name", Text()),
        Column("phone", Text()),
        Column("mobile_phone", Text()),
        Column("enrollment_date", Date()),
        Column("study_year", Integer()),
        Column("class_division", Text()),
        Column("is_active", Boolean()),
        Column("health_issue", Text()),
        Column("note", Text()),
    )

    def can_import(self, user):
        return student_access.can_edit_students(user)

    def prepare(self, rows, user):
        existing = _by_key(Student, "student_id", {row.keyed["student_id"] for row in rows})
        for row in rows:
            row.existing = existing.get(row.keyed["student_id"])

    def write(self, row, reason):
        if row.existing is None:
            return student_services.student_create(reason=reason, **row.values)
        data = {field: new for field, (_old, new) in row.changes.items()}
        return student_services.student_update(student=row.existing, data=data, reason=reason)


class CourseKind(Kind):
    name = "courses"
    label = gettext_lazy("courses")
    model = Course
    key = ("course_code",)
    filterset = "courses.filters.CourseFilter"
    columns = (
        Column("course_code", Text(upper), required=True),
        Column("course_name", Text(), required=True),
        Column("semester", Text(), required=True),
        Column("credits", Integer()),
        Column("description", Text()),
        Column("hours_per_week", Integer()),
        Column("periods_per_week", Integer()),
        Column("absence_penalty", Number()),
        Column("evaluation_rules", Json()),
        Column("teachers", Words(), source=_teacher_names),
    )

    def export_queryset(self):
        return Course.objects.prefetch_related("teachers")

    def can_import(self, user):
        return course_access.can_edit_course(user)

    def prepare(self, rows, user):
        codes = {row.keyed["course_code"] for row in rows}
        courses = Course.objects.filter(course_code__in=codes).prefetch_related("teachers")
        existing = {course.course_code: course for course in courses}
        names = {name for row in rows for name in row.values.get("teachers", ())}
        users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=names)}
        for row in rows:
            row.existing = existing.get(row.keyed["course_code"])
            unknown = [name for name in row.values.get("teachers", ()) if name not in users]
            if unknown:
                row.add_error("teachers", _("No user with the username %(names)s.")
                              % {"names": ", ".join(unknown)})
            row.refs["teachers"] = [users[name] for name in row.values.get("teachers", ()) if name in users]

    def changes(self, row):
        values = dict(row.values)
        teachers = values.pop("teachers", None)
        if "evaluation_rules" in values:
            try:  # compare the rules as they would be stored
                values["evaluation_rules"] = clean_rules(values["evaluation_rules"])
            except ValidationError:
                pass  # the service explains it when the row is written
        existing = row.existing
        changed = {f: (getattr(existing, f), v) for f, v in values.items() if getattr(existing, f) != v}
        if teachers is not None and _teacher_names(existing) != list(teachers):
            changed["teachers"] = (_teacher_names(existing), list(teachers))
        return changed

    def write(self, row, reason):
        values = {field: value for field, value in row.values.items() if field != "teachers"}
        teachers = row.refs["teachers"] if "teachers" in row.values else None
        if row.existing is None:
            return course_services.course_create(teachers=teachers or (), reason=reason, **values)
        data = {field: new for field, (_old, new) in row.changes.items() if field != "teachers"}
        return course_services.course_update(course=row.existing, data=data, teachers=teachers, reason=reason)


class CourseRecordKind(Kind):
    """Rows that belong to a student in a course: a teacher imports them only for courses they teach."""

    def prepare(self, rows, user):
        students = _by_key(Student, "student_id", {row.keyed["student_id"] for row in rows})
        courses = _by_key(Course, "course_code", {row.keyed["course_code"] for row in rows})
        for row in rows:
            student_id, course_code = row.keyed["student_id"], row.keyed["course_code"]
            row.refs["student"], row.refs["course"] = students.get(student_id), courses.get(course_code)
            if row.refs["student"] is None:
                row.add_error("student_id", _("No student has the student ID %(id)s.") % {"id": student_id})
            course = row.refs["course"]
            if course is None:
                row.add_error("course_code", _("No course has the code %(code)s.") % {"code": course_code})
            elif not course_access.can_manage_course_records(user, course):
                row.add_error("course_code", _("You do not teach %(code)s, so you cannot import its records.")
                              % {"code": course.course_code})
        self.find_existing([row for row in rows if not row.errors])


def _by_key(model, field, values):
    return {getattr(obj, field): obj for obj in model.objects.filter(**{f"{field}__in": values})}


class EnrollmentKind(CourseRecordKind):
    name = "enrollments"
    label = gettext_lazy("enrollments")
    model = Enrollment
    key = ("student_id", "course_code")
    filterset = "courses.filters.EnrollmentFilter"
    columns = (
        Column("student_id", Text(upper), required=True, field="student", source="student.student_id"),
        Column("course_code", Text(upper), required=True, field="course", source="course.course_code"),
        Column("student_name", Text(), field=None, source=_full_name),
        Column("course_name", Text(), field=None, source="course.course_name"),
        Column("semester", Text(), field=None, source="course.semester"),
    )

    def export_queryset(self):
        return Enrollment.objects.live().select_related("student", "course")

    def find_existing(self, rows):
        pairs = set(Enrollment.objects.filter(
            student__in=[row.refs["student"] for row in rows],
            course__in=[row.refs["course"] for row in rows],
        ).values_list("student_id", "course_id"))
        for row in rows:
            pair = (row.refs["student"].pk, row.refs["course"].pk)
            row.existing = row.refs["student"] if pair in pairs else None

    def changes(self, row):
        return {}  # an enrollment has nothing to update: it exists or it does not

    def write(self, row, reason):
        return course_services.enrollment_create(
            student=row.refs["student"], course=row.refs["course"], reason=reason
        )


class GradeKind(CourseRecordKind):
    name = "grades"
    label = gettext_lazy("grades")
    model = Grade
    key = ("student_id", "course_code", "assignment_name")
    filterset = "grades.filters.GradeFilter"
    columns = (
        Column("student_id", Text(upper), required=True, field="student", source="student.student_id"),
        Column("course_code", Text(upper), required=True, field="course", source="course.course_code"),
        Column("assignment_name", Text(), required=True),
        Column("category", Text(), required=True),
        Column("grade", Number(), required=True),
        Column("max_grade", Number()),
        Column("weight", Number()),
        Column("date_assigned", Date()),
        Column("date_submitted", Date(blank=None)),
        Column("notes", Text()),
        Column("student_name", Text(), field=None, source=_full_name),
        Column("course_name", Text(), field=None, source="course.course_name"),
    )

    def export_queryset(self):
        return Grade.objects.select_related("student", "course").order_by(
            "course__course_code", "student__student_id", "date_assigned", "id"
        )

    def find_existing(self, rows):
        found = {}
        for grade in Grade.objects.filter(
            student__in=[row.refs["student"] for row in rows],
            course__in=[row.refs["course"] for row in rows],
            assignment_name__in={row.keyed["assignment_name"] for row in rows},
        ):
            found.setdefault((grade.student_id, grade.course_id, grade.assignment_name), []).append(grade)
        for row in rows:
            key = (row.refs["student"].pk, row.refs["course"].pk, row.keyed["assignment_name"])
            matches = found.get(key, [])
            if len(matches) > 1:
                row.add_error("assignment_name", _(
                    "%(count)s grades of this student in this course are called “%(name)s”; correct them "
                    "on the grades page instead.") % {"count": len(matches), "name": key[2]})
            row.existing = matches[0] if len(matches) == 1 else None

    def changes(self, row):
        values = {f: v for f, v in row.values.items() if f not in ("student", "course")}
        return {f: (getattr(row.existing, f), v) for f, v in values.items() if getattr(row.existing, f) != v}

    def write(self, row, reason):
        values = {f: v for f, v in row.values.items() if f not in ("student", "course")}
        if row.existing is None:
            return grade_services.grade_record(
                reason=reason, student=row.refs["student"], course=row.refs["course"], **values
            )
        data = {field: new for field, (_old, new) in row.changes.items()}
        return grade_services.grade_update(grade=row.existing, data=data, reason=reason)


class AttendanceKind(Kind):
    name = "attendance"
    label = gettext_lazy("attendance")
    model = Attendance
    importable = False
    filterset = "attendance.filters.AttendanceFilter"
    columns = (
        Column("student_id", Text(), source="student.student_id"),
        Column("course_code", Text(), source="course.course_code"),
        Column("date", Date()),
        Column("period_number", Integer()),
        Column("status", Text()),
        Column("notes", Text()),
        Column("student_name", Text(), field=None, source=_full_name),
        Column("course_name", Text(), field=None, source="course.course_name"),
    )

    def export_queryset(self):
        return Attendance.objects.select_related("student", "course").order_by(
            "date", "period_number", "course__course_code", "student__student_id", "id"
        )


KINDS = {
    kind.name: kind
    for kind in (StudentKind(), CourseKind(), EnrollmentKind(), GradeKind(), AttendanceKind())
}
IMPORT_KINDS = [name for name, kind in KINDS.items() if kind.importable]


def get(name, importing=False):
    kind = KINDS.get(name)
    if kind is None or (importing and not kind.importable):
        return None
    return kind
