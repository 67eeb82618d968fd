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
