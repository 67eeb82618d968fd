import datetime

import pytest
from django.core.exceptions import ValidationError

from courses import evaluation, semesters
from courses.services import course_create

pytestmark = pytest.mark.django_db

VALID = {"course_code": "math-101", "course_name": "Mathematics", "semester": "2026 spring", "credits": 6,
         "periods_per_week": 5, "evaluation_rules": [{"category": "Homework", "weight": 40}, {"category": "Final", "weight": 60}]}


def errors_for(**changes):
    with pytest.raises(ValidationError) as caught:
        course_create(**{**VALID, **changes})
    return caught.value.message_dict


def test_it_normalises_code_and_semester():
    course = course_create(**VALID)
    assert (course.course_code, course.semester) == ("MATH-101", "2026 Spring")


@pytest.mark.parametrize("changes, field, words", [
    ({"course_code": "MATH 101"}, "course_code", "no spaces"),
    ({"course_code": "ΜΑΘ@1"}, "course_code", "letters, digits"),
    ({"semester": "Spring"}, "semester", "2026 Spring"),
    ({"semester": "2026 Autumn term"}, "semester", "terms: Winter"),
    ({"credits": 0}, "credits", "greater than or equal to 1"),
    ({"credits": 13}, "credits", "less than or equal to 12"),
    ({"absence_penalty": -1}, "absence_penalty", "greater than or equal to 0"),
    ({"absence_penalty": 101}, "absence_penalty", "less than or equal to 100"),
    ({"evaluation_rules": [{"category": "Homework", "weight": 70}, {"category": "Final", "weight": 40}]},
     "evaluation_rules", "add up to 110"),
    ({"evaluation_rules": [{"category": "Homework", "weight": 0}]}, "evaluation_rules", "more than 0"),
    ({"evaluation_rules": [{"category": "Homework", "weight": "lots"}]}, "evaluation_rules", "must be a number"),
    ({"evaluation_rules": [{"category": "", "weight": 10}]}, "evaluation_rules", "enter a category"),
    ({"evaluation_rules": [{"category": "Homework", "weight": 10}, {"category": "Εργασία", "weight": 10}]},
     "evaluation_rules", "appears twice"),
    ({"evaluation_rules": {"Homework": 30}}, "evaluation_rules", "must be a list"),
    ({"evaluation_rules": ["Homework"]}, "evaluation_rules", "category and a weight"),
])
def test_it_rejects_bad_input_with_a_message_on_the_field(changes, field, words):
    assert words in " ".join(errors_for(**changes)[field])


def test_it_rejects_a_duplicate_code():
    course_create(**VALID)
    assert "Another course already has this code" in errors_for(course_code="MATH-101")["course_code"][0]


def test_rules_may_sum_to_less_than_100():
    course = course_create(**{**VALID, "evaluation_rules": [{"category": "Homework", "weight": 30}]})
    assert course.rules_weight_total == 30


def test_absence_limit_is_a_share_of_scheduled_periods():
    course = course_create(**VALID)  # 5 periods × 14 weeks = 70; 15 % → 10; warning at 80 % → 8
    assert (course.scheduled_periods, course.absence_limit, course.absence_warning_at) == (70, 10, 8)
    assert course_create(**{**VALID, "course_code": "X", "periods_per_week": 0}).absence_limit is None


def test_category_keys_accept_greek_names_and_ignore_case_and_accents():
    assert evaluation.category_key("ΤΕΛΙΚΗ") == evaluation.category_key("final") == "final"
    assert evaluation.category_key("Quiz") == "quiz"


def test_semester_dates_and_lookup():
    assert semesters.semester_dates("2026 Fall") == (datetime.date(2026, 9, 1), datetime.date(2026, 12, 31))
    assert semesters.semester_of(datetime.date(2026, 3, 1)) == "2026 Spring"
    assert sorted(["2026 Fall", "2026 Spring", "2025 Fall"], key=semesters.sort_key) == ["2025 Fall", "2026 Spring", "2026 Fall"]
