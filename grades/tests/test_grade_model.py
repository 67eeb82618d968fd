import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import make_course
from grades.models import Grade
from grades.services import daily_performance_record, grade_record, grade_update, grades_record_bulk
from sms.services import RowErrors

pytestmark = pytest.mark.django_db


def grade(enrollment, **changes):
    values = {"student": enrollment.student, "course": enrollment.course, "assignment_name": "Test 1",
              "category": "Homework", "grade": Decimal("15.5"), "max_grade": Decimal(20)}
    return grade_record(**{**values, **changes})


def errors_for(enrollment, **changes):
    with pytest.raises(ValidationError) as caught:
        grade(enrollment, **changes)
    return caught.value.message_dict


def test_it_stores_decimals_exactly(enrollment):
    assert Grade.objects.get(pk=grade(enrollment).pk).grade == Decimal("15.50")


def test_it_rejects_grade_above_max_in_plain_words(enrollment):
    assert errors_for(enrollment, grade=23)["grade"] == ["Grade 23 is above the maximum 20 for this assignment."]


@pytest.mark.parametrize("changes, field, words", [
    ({"grade": -1}, "grade", "cannot be negative"),
    ({"max_grade": 0}, "max_grade", "more than 0"),
    ({"weight": 0}, "weight", "greater than or equal to 0.01"),
    ({"date_assigned": datetime.date(2026, 10, 5), "date_submitted": datetime.date(2026, 10, 1)},
     "date_submitted", "cannot be before"),
    ({"category": "Quiz"}, "category", "Use one of: Homework, Midterm, Final"),
    ({"assignment_name": ""}, "assignment_name", "cannot be blank"),
    ({"grade": "abc"}, "grade", "must be a decimal"),
])
def test_it_rejects_bad_input_with_a_message_on_the_field(enrollment, changes, field, words):
    assert words in " ".join(errors_for(enrollment, **changes)[field])


def test_it_refuses_a_grade_for_a_student_not_enrolled(enrollment):
    other = make_course()
    assert "not enrolled" in errors_for(enrollment, course=other)["student"][0]


def test_greek_category_names_are_accepted_for_english_rules(enrollment):
    assert grade(enrollment, category="Τελική").category == "Τελική"


def test_a_correction_keeps_the_old_value_and_reason_in_history(enrollment):
    record = grade(enrollment)
    grade_update(grade=record, data={"grade": Decimal(17)}, reason="Re-marked after appeal")
    latest = record.history.latest()
    assert latest.history_change_reason == "Re-marked after appeal"
    assert latest.prev_record.grade == Decimal("15.50") and latest.grade == Decimal(17)


def test_bulk_entry_saves_nothing_when_one_row_fails(enrollment):
    rows = [
        {"student": enrollment.student, "course": enrollment.course, "assignment_name": "Q", "category": "Homework", "grade": 10},
        {"student": enrollment.student, "course": enrollment.course, "assignment_name": "Q", "category": "Homework", "grade": 30},
    ]
    with pytest.raises(RowErrors) as caught:
        grades_record_bulk(rows=rows)
    assert list(caught.value.rows) == [1] and "above the maximum" in caught.value.rows[1]["grade"][0]
    assert Grade.all_objects.count() == 0


def test_daily_performance_rejects_score_above_max(enrollment):
    with pytest.raises(ValidationError, match="above the maximum 10"):
        daily_performance_record(student=enrollment.student, course=enrollment.course, category="Participation",
                                 score=11, max_score=10)


@pytest.mark.parametrize("changes, field, words", [
    ({"score": -1}, "score", "cannot be negative"),
    ({"max_score": 0}, "max_score", "more than 0"),
    ({"score": "many"}, "score", "must be a decimal"),
    ({"category": ""}, "category", "cannot be blank"),
])
def test_daily_performance_rejects_bad_input_with_a_message_on_the_field(enrollment, changes, field, words):
    values = {"student": enrollment.student, "course": enrollment.course, "category": "Participation",
              "score": 8, "max_score": 10, **changes}
    with pytest.raises(ValidationError) as caught:
        daily_performance_record(**values)
    assert words in " ".join(caught.value.message_dict[field])


@pytest.mark.parametrize("model, field", [
    ("students.Student", "email"), ("students.Student", "student_id"), ("courses.Course", "course_code"),
    ("courses.Course", "semester"), ("attendance.Attendance", "date"), ("grades.Grade", "date_assigned"),
])
def test_the_looked_up_columns_are_indexed(model, field):
    from django.apps import apps

    assert apps.get_model(model)._meta.get_field(field).db_index


@pytest.mark.parametrize("model, field", [
    ("students.Student", "email"), ("students.Student", "student_id"), ("courses.Course", "course_code"),
    ("courses.Course", "semester"), ("attendance.Attendance", "date"), ("grades.Grade", "date_assigned"),
])
def test_the_database_has_an_index_led_by_each_looked_up_column(model, field):
    # What the migrations built, not what the models declare: an index that leads with the column
    # serves lookups and ranges on it.
    from django.apps import apps
    from django.db import connection

    model = apps.get_model(model)
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    leading = [name for name, details in constraints.items() if details["index"] and details["columns"][:1] == [column]]
    assert leading, f"no index on {model._meta.db_table}.{column}: {sorted(constraints)}"
