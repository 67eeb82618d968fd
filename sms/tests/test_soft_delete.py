import pytest
from django.core.exceptions import ValidationError

from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from courses.models import Enrollment
from grades.models import Grade
from grades.services import grade_delete, grade_record
from students.models import Student
from students.services import student_create, student_delete, student_restore

pytestmark = pytest.mark.django_db


def _grade(student, course, **extra):
    return grade_record(student=student, course=course, assignment_name="HW1", category="Homework",
                        grade=15, max_grade=20, **extra)


def test_it_hides_deleted_students_from_the_default_manager():
    student = make_student()
    student_delete(student=student)
    assert not Student.objects.filter(pk=student.pk).exists()
    assert Student.all_objects.filter(pk=student.pk).exists()
    assert Student.all_objects.deleted().get().pk == student.pk


def test_it_hides_deleted_children_from_reverse_lookups(enrollment):
    grade = _grade(enrollment.student, enrollment.course)
    grade_delete(grade=grade)
    assert list(enrollment.student.grades.all()) == []


def test_forward_foreign_keys_still_reach_a_deleted_parent(enrollment):
    grade = _grade(enrollment.student, enrollment.course)
    student_delete(student=enrollment.student)
    grade = Grade.all_objects.get(pk=grade.pk)
    assert grade.student.pk == enrollment.student.pk  # base manager is unfiltered on purpose


def test_deleting_a_student_soft_deletes_their_records_in_one_go(enrollment):
    _grade(enrollment.student, enrollment.course)
    Attendance.objects.create(student=enrollment.student, course=enrollment.course, status="Absent")
    student_delete(student=enrollment.student)
    assert Enrollment.objects.count() == Grade.objects.count() == Attendance.objects.count() == 0
    assert Enrollment.all_objects.deleted().count() == 1
    assert Grade.all_objects.get().deleted_at == Student.all_objects.get().deleted_at


def test_restoring_a_student_brings_back_what_was_deleted_with_them_only(enrollment):
    kept_deleted = _grade(enrollment.student, enrollment.course)
    grade_delete(grade=kept_deleted)
    cascaded = _grade(enrollment.student, enrollment.course)
    student_delete(student=enrollment.student)
    student_restore(student=Student.all_objects.get())
    assert list(Grade.objects.values_list("pk", flat=True)) == [cascaded.pk]
    assert Enrollment.objects.count() == 1


def test_deleting_a_course_soft_deletes_its_enrollments_and_grades(enrollment):
    _grade(enrollment.student, enrollment.course)
    enrollment.course.soft_delete()
    assert Enrollment.objects.count() == Grade.objects.count() == 0
    assert Student.objects.count() == 1


def test_a_deleted_students_email_and_id_can_be_reused():
    student = make_student(email="maria@school.example", student_id="S1")
    student_delete(student=student)
    again = student_create(student_id="s1", first_name="Maria", last_name="P", email="Maria@School.example")
    assert (again.student_id, again.email) == ("S1", "maria@school.example")


def test_restore_refuses_with_a_clear_message_when_the_email_was_reused():
    student = make_student(email="maria@school.example")
    student_delete(student=student)
    make_student(email="maria@school.example")
    with pytest.raises(ValidationError, match="cannot be restored.*email"):
        student_restore(student=student)
    student.refresh_from_db()
    assert student.is_deleted


def test_duplicate_email_among_live_students_is_reported_on_the_email_field():
    make_student(email="maria@school.example")
    with pytest.raises(ValidationError) as caught:
        student_create(student_id="S9", first_name="A", last_name="B", email="maria@school.example")
    assert caught.value.message_dict == {"email": ["Another student already uses this email address. Use a different one."]}
    assert caught.value.error_dict["email"][0].code == "duplicate_email"


def test_restore_of_a_live_record_is_refused():
    with pytest.raises(ValidationError, match="not deleted"):
        student_restore(student=make_student())


def test_editing_a_deleted_record_is_refused():
    from students.services import student_update

    student = make_student()
    student_delete(student=student)
    with pytest.raises(ValidationError, match="Restore it first"):
        student_update(student=student, data={"first_name": "X"})


def test_enrolling_twice_is_refused_but_allowed_again_after_unenrolling():
    from courses.services import enrollment_create, enrollment_delete

    student, course = make_student(), make_course()
    first = enrollment_create(student=student, course=course)
    with pytest.raises(ValidationError) as caught:
        enrollment_create(student=student, course=course)
    assert caught.value.error_dict["__all__"][0].code == "enrollment_exists"
    enrollment_delete(enrollment=first)
    assert enrollment_create(student=student, course=course).pk != first.pk


def test_bulk_enrolment_skips_students_already_enrolled():
    from courses.services import enrollments_bulk_create

    course = make_course()
    students = [make_student() for _ in range(3)]
    enroll(students[0], course)
    created = enrollments_bulk_create(course=course, students=students)
    assert len(created) == 2
    assert Enrollment.objects.filter(course=course).count() == 3


def test_a_cascade_that_fails_halfway_leaves_the_student_and_every_record_as_they_were(enrollment, monkeypatch):
    # The student's grades are deleted after the enrollments: a failure there must undo those too.
    _grade(enrollment.student, enrollment.course)

    def broken(self, at=None):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Grade, "soft_delete", broken)
    with pytest.raises(RuntimeError):
        student_delete(student=enrollment.student)
    assert Student.objects.count() == Enrollment.objects.count() == Grade.objects.count() == 1
    assert Enrollment.history.count() == 1  # the enrollment's "deleted" history row was rolled back too


def _course_records(enrollment):
    """A grade, an attendance record and daily performance of the enrollment's student in its course."""
    import datetime

    from attendance.services import attendance_record
    from grades.services import daily_performance_record

    student, course = enrollment.student, enrollment.course
    return [
        _grade(student, course),
        attendance_record(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent"),
        daily_performance_record(student=student, course=course, date=datetime.date(2026, 10, 1),
                                 category="Participation", score=8, max_score=10),
    ]


def _stored(rows):
    return [type(row).all_objects.get(pk=row.pk) for row in rows]


def test_deleting_a_course_soft_deletes_its_attendance_and_daily_performance_at_the_same_instant(enrollment):
    from courses.services import course_delete

    records = _course_records(enrollment)
    course_delete(course=enrollment.course, reason="Course cancelled")
    course = type(enrollment.course).all_objects.get(pk=enrollment.course.pk)
    stored = _stored([enrollment, *records])
    assert course.is_deleted and {row.deleted_at for row in stored} == {course.deleted_at}
    assert {row.history.latest().history_change_reason for row in stored} == {"Course cancelled"}
    assert Student.objects.filter(pk=enrollment.student.pk).exists()


def test_restoring_a_course_brings_back_its_attendance_and_daily_performance(enrollment):
    from attendance.services import attendance_delete
    from courses.services import course_delete, course_restore

    records = _course_records(enrollment)
    deleted_before = records.pop(1)  # deleted on its own before the course: it stays deleted
    attendance_delete(record=deleted_before)
    course_delete(course=enrollment.course)
    course_restore(course=type(enrollment.course).all_objects.get(pk=enrollment.course.pk))
    assert not any(row.is_deleted for row in _stored([enrollment, *records]))
    assert Attendance.all_objects.get(pk=deleted_before.pk).is_deleted


def _unchanged_when_restore_fails(rows, restore, match):
    from audit.models import AuditLog

    before = [(row.deleted_at, row.history.count()) for row in _stored(rows)]
    audit_entries = AuditLog.objects.count()
    with pytest.raises(ValidationError, match=match):
        restore()
    assert [(row.deleted_at, row.history.count()) for row in _stored(rows)] == before
    assert AuditLog.objects.count() == audit_entries


def test_restore_refuses_with_a_clear_message_when_the_student_id_was_reused(enrollment):
    student = enrollment.student
    student_delete(student=student)
    make_student(student_id=student.student_id)
    stored = Student.all_objects.get(pk=student.pk)
    _unchanged_when_restore_fails(
        [student, enrollment], lambda: student_restore(student=stored),
        r"^\['This student cannot be restored while another record uses the same values: "
        r"Another student already has this student ID\. Choose a different one\.'\]$")
    assert stored.is_deleted  # the instance too, not only the database


def test_restore_refuses_with_a_clear_message_when_the_course_code_was_reused(enrollment):
    from courses.services import course_delete, course_restore

    course = enrollment.course
    records = _course_records(enrollment)
    course_delete(course=course)
    make_course(course_code=course.course_code)
    _unchanged_when_restore_fails(
        [course, enrollment, *records],
        lambda: course_restore(course=type(course).all_objects.get(pk=course.pk)),
        r"This course cannot be restored while another record uses the same values: "
        r"Another course already has this code\. Choose a different code\.")


def test_restoring_an_enrollment_while_the_student_is_enrolled_again_is_refused():
    from courses.services import enrollment_create, enrollment_delete, enrollment_restore

    student, course = make_student(), make_course()
    first = enrollment_create(student=student, course=course)
    enrollment_delete(enrollment=first)
    again = enrollment_create(student=student, course=course)
    _unchanged_when_restore_fails(
        [first, again], lambda: enrollment_restore(enrollment=Enrollment.all_objects.get(pk=first.pk)),
        r"This enrollment cannot be restored while another record uses the same values: "
        r"This student is already enrolled in this course\.")


def test_a_dependant_that_collides_undoes_the_whole_restore(enrollment):
    # Services cannot enrol a deleted student; a row written around them (a script, the database
    # by hand) must still not leave the student restored without their enrollment.
    student = enrollment.student
    student_delete(student=student)
    Enrollment.objects.create(student=student, course=enrollment.course)
    stored = Student.all_objects.get(pk=student.pk)
    _unchanged_when_restore_fails(
        [student, enrollment], lambda: student_restore(student=stored),
        "This enrollment cannot be restored while another record uses the same values")
    assert stored.is_deleted
