"""Decimal numbers typed in the web forms: a point or a comma, text boxes (not type=number), plain errors.

Chromium drops a decimal comma typed into <input type="number"> on an English page, so "17,5"
reached the server as "175" and was saved without an error. Every decimal box is a text box with
the numeric keypad (inputmode="decimal") and the server reads both separators.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from conftest import make_course
from courses.forms import CourseForm, RuleForm
from grades.forms import GradeForm, RosterHeaderForm, RosterRowForm
from sms.forms import NumberField


@pytest.mark.parametrize(("typed", "expected"), [
    ("17,5", Decimal("17.5")), ("17.5", Decimal("17.5")), (" 17,25 ", Decimal("17.25")), ("1,5", Decimal("1.5")),
    ("20", Decimal(20)), ("0,5", Decimal("0.5")), (",5", Decimal("0.5")), ("18,", Decimal(18)), ("-1", Decimal(-1)),
])
def test_it_reads_a_decimal_point_or_comma(typed, expected):
    assert NumberField(required=False).clean(typed) == expected


@pytest.mark.parametrize("typed", [
    "abc", "17,5,0", "1.234,5", "1,234.5", "17 5", "1_5", "1e2", "NaN", "Infinity", "١٧", "17,5 kg", ",", "+",
])
def test_it_refuses_what_is_not_a_plain_number_with_a_plain_message(typed):
    # Python's Decimal() alone would read "1_5" as 15, "1e2" as 100 and Arabic-Indic digits as 17.
    form = RosterRowForm({"row-grade": typed}, prefix="row")
    assert not form.is_valid()
    assert form.errors["grade"] == ["Enter the grade as a number, e.g. 17.5, or leave it blank for no grade."]


def test_the_message_for_a_bad_number_is_greek_for_greek_users():
    with translation.override("el"):
        form = RosterRowForm({"row-max_grade": "20 μονάδες"}, prefix="row")
        assert form.errors["max_grade"] == ["Εισαγάγετε αριθμό, π.χ. 17,5."]


def test_it_says_the_limits_in_plain_words():
    form = RuleForm({"category": "Final", "weight": "120,5", "daily_multiplier": "-1"})
    assert form.errors == {
        "weight": ["Enter a number of at most 100."], "daily_multiplier": ["Enter a number of at least 0."],
    }


def assert_decimal_text_box(html, css_class=None):
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'type="number"' not in html, html
    if css_class:
        assert re.search(rf'class="[^"]*\b{css_class}\b', html), html


@pytest.mark.django_db
def test_every_grade_number_is_a_decimal_text_box_keeping_the_classes_the_scripts_use():
    row = RosterRowForm(prefix="row-1")
    assert_decimal_text_box(str(row["grade"]), "grade-input")
    assert_decimal_text_box(str(row["max_grade"]), "max-input")
    header = RosterHeaderForm(course=make_course())
    for name in ("max_grade", "weight"):
        assert_decimal_text_box(str(header[name]))
    grade_form = GradeForm()
    for name in ("grade", "max_grade", "weight"):
        assert_decimal_text_box(str(grade_form[name]))


@pytest.mark.django_db
def test_every_course_decimal_is_a_decimal_text_box_and_whole_numbers_stay_number_boxes():
    rule = RuleForm(prefix="rules-0")
    assert_decimal_text_box(str(rule["weight"]), "rule-weight")
    assert_decimal_text_box(str(rule["daily_multiplier"]))
    course_form = CourseForm()
    assert_decimal_text_box(str(course_form["absence_penalty"]))
    assert 'type="number"' in str(course_form["credits"])  # whole numbers: a comma is never meant there


@pytest.mark.django_db
def test_a_course_reads_decimal_commas_in_its_penalty_and_rules():
    rule = RuleForm({"category": "Homework", "weight": "32,5", "daily_multiplier": "0,5"})
    assert rule.is_valid(), rule.errors
    assert rule.as_rule() == {"category": "Homework", "weight": "32.5", "daily_multiplier": "0.5"}
    form = CourseForm({
        "course_code": "CHEM-1", "course_name": "Chemistry", "semester": "2026 Fall", "credits": "4",
        "description": "", "hours_per_week": "2", "periods_per_week": "2", "absence_penalty": "0,25",
    })
    assert form.is_valid(), form.errors
    assert form.cleaned_data["absence_penalty"] == Decimal("0.25")
    form = CourseForm({"course_code": "CHEM-1", "course_name": "Chemistry", "semester": "2026 Fall",
                       "credits": "4", "hours_per_week": "2", "periods_per_week": "2", "absence_penalty": "1e1"})
    assert form.errors["absence_penalty"] == ["Enter a number, e.g. 17.5."]


@pytest.mark.django_db
def test_a_saved_grade_comes_back_in_its_box_as_a_number_the_server_reads_again():
    form = GradeForm(initial={"grade": Decimal("17.50"), "max_grade": Decimal(20)})
    assert 'value="17.50"' in str(form["grade"])
    with translation.override("el"):
        value = re.search(r'value="([^"]+)"', str(GradeForm(initial={"grade": Decimal("17.50")})["grade"]))[1]
    assert NumberField().clean(value) == Decimal("17.5")
