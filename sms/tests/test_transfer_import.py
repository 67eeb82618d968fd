"""Importing students, courses, enrollments and grades: preview, all-or-nothing confirm, round trips."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import enroll, make_course, make_student, make_user
from courses.models import Course, Enrollment
from grades.models import Grade
from grades.services import grade_record
from sms import roles
from sms.transfer import exporter, importer, kinds, readers, writers
from students import services as student_services
from students.models import Student

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "xlsx"]
STUDENT_HEADERS = ["student_id", "first_name", "last_name", "email"]


def table_of(headers, rows, fmt="csv"):
    return readers.read_table(writers.write(fmt, headers, rows), f"upload.{fmt}")


def exported(name, fmt):
    kind = kinds.get(name)
    data, _count = exporter.export(kind, kind.export_queryset(), fmt)
    return readers.read_table(data, f"{name}.{fmt}")


def preview(name, table, user):
    return importer.preview(kinds.get(name), table, user)


def apply(name, table, user):
    return importer.apply(kinds.get(name), table, user, filename=f"{name}.csv")


def by_number(result):
    return {row.number: row for row in result.rows}


@pytest.fixture
def school(admin_user):
    """A small school with Greek text, formula-like values, decimals, dates and a teacher."""
    teacher = make_user(roles.TEACHER, "kyria_eleni")
    greek = make_student(student_id="S2026-001", first_name="Γιώργος", last_name="Παπαδόπουλος",
                         email="giorgos@school.gr", father_name="Νικόλαος", phone="+30 210 1234567",
                         note="=SUM(A1:A9) δεν είναι τύπος", health_issue="Άσθμα", study_year=3,
                         class_division="Γ2", is_active=False)
    plain = make_student(student_id="S2026-002", first_name="Emma", last_name="Smith", email="emma@school.gr")
    course = make_course(course_code="GRK-101", course_name="Νεοελληνική Γλώσσα", semester="2026 Fall",
                         credits=4, description="@mention και -παύλα", absence_penalty=Decimal("0.5"),
                         evaluation_rules=[{"category": "Εργασία", "weight": 40},
                                           {"category": "Τελική", "weight": 60, "daily_multiplier": 0.5}])
    course.teachers.add(teacher)
    other = make_course(course_code="MATH-101", course_name="Mathematics")
    for student in (greek, plain):
        enroll(student, course)
    enroll(greek, other)
    grade_record(student=greek, course=course, assignment_name="Έκθεση 1", category="Εργασία",
                 grade=Decimal("18.5"), max_grade=Decimal(20), weight=Decimal("1.5"),
                 date_assigned=datetime.date(2026, 9, 10), date_submitted=datetime.date(2026, 9, 12),
                 notes="+καλή δουλειά")
    grade_record(student=plain, course=course, assignment_name="Final", category="Τελική",
                 grade=Decimal("73.25"), max_grade=Decimal(100), date_assigned=datetime.date(2026, 12, 1))
    grade_record(student=greek, course=other, assignment_name="HW 1", category="Homework", grade=Decimal(9),
                 max_grade=Decimal(10), date_assigned=datetime.date(2026, 9, 20))
    return {"teacher": teacher, "course": course, "other": other, "greek": greek, "plain": plain}


def snapshot():
    students = [
        {name: getattr(student, name) for name in student_services.EDITABLE_FIELDS}
        for student in Student.objects.order_by("student_id")
    ]
    courses = [
        ({name: getattr(course, name) for name in ("course_code", "course_name", "semester", "credits",
                                                    "description", "hours_per_week", "periods_per_week",
                                                    "absence_penalty", "evaluation_rules")},
         sorted(course.teachers.values_list("username", flat=True)))
        for course in Course.objects.order_by("course_code")
    ]
    enrollments = sorted(Enrollment.objects.values_list("student__student_id", "course__course_code"))
    grades = sorted(
        Grade.objects.values_list("student__student_id", "course__course_code", "assignment_name", "category",
                                  "grade", "max_grade", "weight", "date_assigned", "date_submitted", "notes")
    )
    return students, courses, enrollments, grades


def wipe():
    """Remove every domain row for good, as on a fresh installation."""
    for model in (Grade, Enrollment, Student, Course):
        model.all_objects.all().delete()


ORDER = ("students", "courses", "enrollments", "grades")


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_into_an_empty_database_gives_the_same_data(school, admin_user, fmt):
    before = snapshot()
    files = {name: exported(name, fmt) for name in ORDER}
    wipe()
    for name in ORDER:
        result = apply(name, files[name], admin_user)
        assert result.applied, [row.messages for row in result.rows if row.messages]
        assert result.counts["create"] == len(files[name].rows)
    assert snapshot() == before
    assert Student.objects.get(student_id="S2026-001").note == "=SUM(A1:A9) δεν είναι τύπος"


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_into_the_same_database_changes_nothing(school, admin_user, fmt):
    before = snapshot()
    history_rows = Student.history.count() + Grade.history.count() + Course.history.count()
    for name in ORDER:
        result = apply(name, exported(name, fmt), admin_user)
        assert result.applied
        assert result.counts == {"create": 0, "update": 0, "unchanged": len(result.rows), "error": 0}
    assert snapshot() == before
    assert Student.history.count() + Grade.history.count() + Course.history.count() == history_rows


def test_preview_shows_creates_and_updates_and_saves_nothing(school, admin_user):
    table = table_of(STUDENT_HEADERS, [
        ["S2026-002", "Emma", "Smith-Jones", "emma@school.gr"],
        ["S2026-003", "Ελένη", "Οικονόμου", "eleni@school.gr"],
    ])
    result = preview("students", table, admin_user)
    rows = by_number(result)
    assert rows[2].action == importer.UPDATE
    assert rows[2].changes == {"last_name": ("Smith", "Smith-Jones")}
    assert rows[3].action == importer.CREATE
    assert result.ok and not result.applied
    assert not Student.objects.filter(student_id="S2026-003").exists()
    assert Student.objects.get(student_id="S2026-002").last_name == "Smith"


def test_confirm_writes_through_the_services_with_history_and_reason(school, admin_user):
    table = table_of(STUDENT_HEADERS, [["S2026-002", "Emma", "Smith-Jones", "emma@school.gr"]])
    assert apply("students", table, admin_user).applied
    latest = Student.objects.get(student_id="S2026-002").history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "import students.csv"
    assert latest.last_name == "Smith-Jones"


def test_it_names_the_missing_columns(admin_user):
    with pytest.raises(ValidationError) as caught:
        preview("students", table_of(["student_id", "first_name"], [["S1", "Ann"]]), admin_user)
    assert "last_name" in caught.value.messages[0] and "email" in caught.value.messages[0]
    assert caught.value.code == "file_columns"


def test_it_refuses_a_header_row_that_repeats_a_column(admin_user):
    with pytest.raises(ValidationError) as caught:
        preview("students", table_of([*STUDENT_HEADERS, "email"], [["S1", "A", "B", "a@x.gr", "b@x.gr"]]),
                admin_user)
    assert "email" in caught.value.messages[0]


def test_it_refuses_a_file_with_only_a_header_row(admin_user):
    with pytest.raises(ValidationError) as caught:
        preview("students", table_of(STUDENT_HEADERS, []), admin_user)
    assert caught.value.code == "file_empty"


def test_it_refuses_more_than_5000_rows_and_says_to_split_the_file(admin_user):
    rows = [[f"S{n}", "Ann", "Lee", f"a{n}@x.gr"] for n in range(importer.MAX_ROWS + 1)]
    with pytest.raises(ValidationError) as caught:
        preview("students", table_of(STUDENT_HEADERS, rows), admin_user)
    assert caught.value.code == "file_too_large"
    assert caught.value.messages == ["The file has 5001 rows; at most 5000 can be imported at once. Split it."]
    assert not Student.objects.exists()


def test_it_marks_every_row_of_a_key_repeated_in_the_file(admin_user):
    table = table_of(STUDENT_HEADERS, [
        ["S1", "Ann", "Lee", "ann@x.gr"], ["S2", "Bob", "Ray", "bob@x.gr"],
        ["s1 ", "Ann", "Lee", "ann2@x.gr"],
    ])
    rows = by_number(preview("students", table, admin_user))
    assert rows[2].action == rows[4].action == importer.ERROR
    assert "rows 2, 4" in rows[2].messages[0]
    assert rows[3].action == importer.CREATE


@pytest.mark.parametrize("name, headers, first, repeat", [
    ("courses", ["course_code", "course_name", "semester"], ["PHY-1", "Φυσική", "2026 Fall"],
     ["phy-1", "Physics", "2026 Fall"]),
    ("enrollments", ["student_id", "course_code"], ["S2026-001", "GRK-101"], ["s2026-001", "grk-101"]),
    ("grades", ["student_id", "course_code", "assignment_name", "category", "grade", "max_grade"],
     ["S2026-002", "GRK-101", "Δοκιμασία", "Εργασία", "12", "20"],
     ["S2026-002", "GRK-101", "Δοκιμασία", "Εργασία", "14", "20"]),
])
def test_a_key_repeated_in_a_file_of_any_kind_is_an_error_on_both_rows(school, admin_user, name, headers, first,
                                                                        repeat):
    result = apply(name, table_of(headers, [first, repeat]), admin_user)
    assert not result.applied and result.counts["error"] == 2
    assert all("appears more than once in the file (rows 2, 3)" in row.messages[0] for row in result.rows)


def test_it_explains_bad_values_next_to_each_row(admin_user):
    headers = [*STUDENT_HEADERS, "study_year", "enrollment_date", "is_active"]
    table = table_of(headers, [
        ["S1", "Ann", "Lee", "not-an-email", "2", "2026-09-01", "yes"],
        ["S2", "Bob", "Ray", "bob@x.gr", "second", "2026-09-01", "ναι"],
        ["S3", "Cy", "Fox", "cy@x.gr", "9", "31/02/2026", "maybe"],
        ["S4", "", "Dee", "dee@x.gr", "1", "01/09/2026", "όχι"],
        ["S5", "Eve", "Ng", "eve@x.gr", "1", "", ""],
    ])
    rows = by_number(preview("students", table, admin_user))
    assert rows[2].messages == ["email: Enter a valid email address."]
    assert rows[3].messages == ["study_year: “second” is not a whole number."]
    assert any(m.startswith("enrollment_date: “31/02/2026” is not a date") for m in rows[4].messages)
    assert "is_active: “maybe” is not yes or no." in rows[4].messages
    assert rows[5].messages == ["first_name: This column is required; fill it in."]
    assert rows[6].action == importer.CREATE


def test_a_single_bad_row_means_nothing_is_written(admin_user):
    table = table_of(STUDENT_HEADERS, [
        ["S1", "Ann", "Lee", "ann@x.gr"], ["S2", "Bob", "Ray", "bob@x.gr"], ["S3", "Cy", "Fox", "bad"],
    ])
    result = apply("students", table, admin_user)
    assert not result.applied
    assert by_number(result)[4].action == importer.ERROR
    assert Student.objects.count() == 0


def test_a_row_the_service_refuses_on_confirm_means_nothing_is_written(school, admin_user):
    # The email belongs to another student: only the model's unique check finds this.
    table = table_of(STUDENT_HEADERS, [["S9", "Ann", "Lee", "ann@x.gr"],
                                       ["S10", "Bob", "Ray", "emma@school.gr"]])
    result = apply("students", table, admin_user)
    assert not result.applied
    assert by_number(result)[3].messages == [
        "email: Another student already uses this email address. Use a different one."]
    assert not Student.objects.filter(student_id="S9").exists()


GRADE_HEADERS = ["student_id", "course_code", "assignment_name", "category", "grade", "max_grade"]


def test_grade_rows_are_checked_by_the_grade_rules(school, admin_user):
    outsider = make_student(student_id="S-OUT")
    table = table_of(GRADE_HEADERS, [
        ["S2026-001", "GRK-101", "Έκθεση 2", "Εργασία", "25", "20"],
        ["S-OUT", "GRK-101", "Έκθεση 2", "Εργασία", "10", "20"],
        ["S-NONE", "GRK-101", "Έκθεση 2", "Εργασία", "10", "20"],
        ["S2026-001", "NOPE-1", "Έκθεση 2", "Εργασία", "10", "20"],
        ["S2026-001", "GRK-101", "Quiz", "Quiz", "10", "20"],
        ["S2026-002", "GRK-101", "Έκθεση 2", "homework", "17,5", "20"],
    ])
    rows = by_number(preview("grades", table, admin_user))
    assert rows[2].messages == ["grade: Grade 25 is above the maximum 20 for this assignment."]
    assert rows[3].messages == [
        "student_id: This student is not enrolled in this course. Enrol the student first."]
    assert rows[4].messages == ["student_id: No student has the student ID S-NONE."]
    assert rows[5].messages == ["course_code: No course has the code NOPE-1."]
    assert rows[6].messages[0].startswith("category: “Quiz” is not a category of this course.")
    assert rows[7].action == importer.CREATE
    assert outsider.grades.count() == 0


def test_a_grade_is_matched_by_student_course_and_assignment_and_corrected(school, admin_user):
    table = table_of(GRADE_HEADERS, [["S2026-001", "GRK-101", "Έκθεση 1", "Εργασία", "19", "20"]])
    result = apply("grades", table, admin_user)
    assert result.applied and result.counts["update"] == 1
    grade = Grade.objects.get(assignment_name="Έκθεση 1")
    assert grade.grade == Decimal(19)
    assert grade.history.last().grade == Decimal("18.5")  # the old value stays in history


def test_enrollment_rows_create_new_ones_and_leave_existing_ones(school, admin_user):
    table = table_of(["student_id", "course_code"], [["S2026-002", "MATH-101"], ["S2026-001", "MATH-101"]])
    result = apply("enrollments", table, admin_user)
    assert result.applied
    assert [row.action for row in result.rows] == [importer.CREATE, importer.UNCHANGED]
    assert Enrollment.objects.filter(student=school["plain"], course=school["other"]).exists()


def test_course_rows_check_rules_and_teacher_usernames(admin_user):
    headers = ["course_code", "course_name", "semester", "evaluation_rules", "teachers"]
    table = table_of(headers, [
        ["BIO-1", "Βιολογία", "2026 Fall", '[{"category": "Final", "weight": 100}]', "admin_user"],
        ["BIO-2", "Biology", "2026 Fall", "[{not json", ""],
        ["BIO-3", "Biology", "2026 Fall", '[{"category": "Final", "weight": 120}]', "nobody"],
        ["BIO-4", "Biology", "Autumn", "", ""],
    ])
    rows = by_number(preview("courses", table, admin_user))
    assert rows[2].action == importer.CREATE
    assert rows[3].messages[0].startswith("evaluation_rules: “[{not json” is not valid JSON")
    assert rows[4].messages == ["teachers: No user with the username nobody."]
    assert rows[5].messages[0].startswith("semester: Write the semester as a year and a term")


def test_a_viewer_may_not_import_anything(viewer):
    for name in kinds.IMPORT_KINDS:
        with pytest.raises(PermissionDenied):
            preview(name, table_of(["x"], [["1"]]), viewer)


def test_a_teacher_imports_students_but_not_courses(teacher):
    assert preview("students", table_of(STUDENT_HEADERS, [["S1", "Ann", "Lee", "a@x.gr"]]), teacher).ok
    with pytest.raises(PermissionDenied):
        preview("courses", table_of(["course_code", "course_name", "semester"], [["C1", "X", "2026 Fall"]]),
                teacher)


def test_a_teacher_imports_grades_only_for_courses_they_teach(school):
    teacher = school["teacher"]
    table = table_of(GRADE_HEADERS, [
        ["S2026-002", "GRK-101", "Έκθεση 2", "Εργασία", "15", "20"],
        ["S2026-001", "MATH-101", "HW 2", "Homework", "8", "10"],
    ])
    rows = by_number(preview("grades", table, teacher))
    assert rows[2].action == importer.CREATE
    assert rows[3].messages == ["course_code: You do not teach MATH-101, so you cannot import its records."]
    assert not apply("grades", table, teacher).applied
    assert not Grade.objects.filter(assignment_name="Έκθεση 2").exists()


def test_every_confirmed_import_is_audited_with_its_counts(school, admin_user, monkeypatch):
    entries = []
    monkeypatch.setattr("sms.transfer.audit._log_action", lambda **entry: entries.append(entry))
    table = table_of(STUDENT_HEADERS, [["S2026-002", "Emma", "Smith-Jones", "emma@school.gr"],
                                       ["S7", "Ann", "Lee", "ann@x.gr"]])
    apply("students", table, admin_user)
    assert entries == [{"action": "import", "entity_type": "students.student", "success": True, "changes": {
        "kind": "students", "file": "students.csv", "format": "csv", "rows": 2, "applied": True,
        "created": 1, "updated": 1, "unchanged": 0, "errors": 0}}]


def test_previews_are_not_audited(admin_user, monkeypatch):
    entries = []
    monkeypatch.setattr("sms.transfer.audit._log_action", lambda **entry: entries.append(entry))
    preview("students", table_of(STUDENT_HEADERS, [["S7", "Ann", "Lee", "ann@x.gr"]]), admin_user)
    assert entries == []


def test_checking_60_unchanged_enrollments_takes_a_fixed_number_of_queries(
        admin_user, django_assert_num_queries):
    course = make_course()
    for _index in range(60):
        enroll(make_student(), course)
    table = exported("enrollments", "csv")
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)  # no cached role
    # role (groups), students, courses, existing enrollment pairs; then the savepoints of the
    # rolled-back transaction (create, rollback to, release) and of all_or_nothing (create, release).
    with django_assert_num_queries(9):
        result = preview("enrollments", table, admin_user)
    assert result.counts["unchanged"] == 60


def test_a_grade_name_shared_by_two_grades_is_refused_rather_than_guessed(school, admin_user):
    greek, course = school["greek"], school["course"]
    grade_record(student=greek, course=course, assignment_name="Έκθεση 1", category="Εργασία",
                 grade=Decimal(12))
    table = table_of(GRADE_HEADERS, [["S2026-001", "GRK-101", "Έκθεση 1", "Εργασία", "19", "20"]])
    row = preview("grades", table, admin_user).rows[0]
    assert row.action == importer.ERROR
    assert row.messages[0].startswith("assignment_name: 2 grades of this student in this course are called")


def test_rows_for_a_deleted_student_or_course_are_refused(school, admin_user):
    student_services.student_delete(student=school["plain"])
    table = table_of(GRADE_HEADERS, [["S2026-002", "GRK-101", "Quiz", "Εργασία", "10", "20"]])
    assert preview("grades", table, admin_user).rows[0].messages == [
        "student_id: No student has the student ID S2026-002."]


def test_a_confirmed_import_writes_an_audit_log_entry(school, admin_user):
    from audit.models import AuditLog

    apply("students", table_of(STUDENT_HEADERS, [["S7", "Ann", "Lee", "ann@x.gr"]]), admin_user)
    entry = AuditLog.objects.get(action="import")
    assert entry.entity_type == "students.student" and entry.changes["created"] == 1 and entry.success


def test_a_refused_confirm_is_audited_as_failed_with_its_error_count(admin_user):
    from audit.models import AuditLog

    table = table_of(STUDENT_HEADERS, [["S7", "Ann", "Lee", "ann@x.gr"], ["S8", "Bob", "Ray", "not-an-email"]])
    assert not apply("students", table, admin_user).applied
    entry = AuditLog.objects.get(action="import")
    assert (entry.success, entry.changes["applied"], entry.changes["errors"], entry.changes["created"]) == (
        False, False, 1, 1)


def test_an_import_whose_audit_entry_cannot_be_written_imports_nothing(admin_user, monkeypatch):
    def audit_down(**entry):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("sms.transfer.audit.log_action", audit_down)
    with pytest.raises(RuntimeError):
        apply("students", table_of(STUDENT_HEADERS, [["S7", "Ann", "Lee", "ann@x.gr"]]), admin_user)
    assert not Student.all_objects.exists() and not Student.history.exists()
