import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attendance.models import Attendance
from attendance.services import attendance_record, attendance_take
from conftest import enroll, make_student
from sms.services import RowErrors

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_it_refuses_a_second_record_for_the_same_period(enrollment):
    attendance_record(student=enrollment.student, course=enrollment.course, date=TODAY, period_number=1, status="Absent")
    with pytest.raises(ValidationError) as caught:
        attendance_record(student=enrollment.student, course=enrollment.course, date=TODAY, period_number=1, status="Late")
    assert caught.value.error_dict["__all__"][0].code == "attendance_exists"


@pytest.mark.parametrize("changes, field, words", [
    ({"status": "absent"}, "status", "not a valid choice"),
    ({"status": "Sick"}, "status", "not a valid choice"),
    ({"period_number": 0}, "period_number", "greater than or equal to 1"),
    ({"period_number": 13}, "period_number", "less than or equal to 12"),
    ({"date": TODAY + datetime.timedelta(days=1)}, "date", "future date"),
])
def test_it_rejects_bad_input_with_a_message_on_the_field(enrollment, changes, field, words):
    values = {"student": enrollment.student, "course": enrollment.course, "date": TODAY, "status": "Present"}
    with pytest.raises(ValidationError) as caught:
        attendance_record(**{**values, **changes})
    assert words in " ".join(caught.value.message_dict[field])


def test_retaking_the_roster_edits_instead_of_duplicating(course):
    students = [make_student() for _ in range(3)]
    for student in students:
        enroll(student, course)
    marks = [{"student": s, "status": "Present"} for s in students]
    attendance_take(course=course, date=TODAY, period_number=2, marks=marks)
    marks[1]["status"] = "Excused"
    attendance_take(course=course, date=TODAY, period_number=2, marks=marks)
    assert Attendance.objects.count() == 3
    assert Attendance.objects.get(student=students[1]).status == "Excused"
    # unchanged rows were not re-saved: one history row each, two for the corrected one
    assert sorted(r.history.count() for r in Attendance.objects.all()) == [1, 1, 2]


def test_roster_is_all_or_nothing(course, student):
    enroll(student, course)
    stranger = make_student()
    marks = [{"student": student, "status": "Absent"}, {"student": stranger, "status": "Absent"}]
    with pytest.raises(RowErrors) as caught:
        attendance_take(course=course, date=TODAY, period_number=1, marks=marks)
    assert "not enrolled" in caught.value.rows[1]["student"][0]
    assert Attendance.all_objects.count() == 0


def test_absence_counts_count_excused_toward_the_limit_but_penalise_only_absent(enrollment):
    for day, status in enumerate(["Absent", "Excused", "Late", "Present", "Absent"], start=1):
        attendance_record(student=enrollment.student, course=enrollment.course,
                          date=TODAY - datetime.timedelta(days=day), status=status)
    row = Attendance.objects.absence_counts().get()
    assert (row["absences"], row["unexcused"]) == (3, 2)
