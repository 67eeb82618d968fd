"""Grade maths against hand-computed cases (see the module docstring for the rules)."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from grades import calculations as calc
from grades.calculations import Mark

RULES = [{"category": "Homework", "weight": 30}, {"category": "Midterm", "weight": 30},
         {"category": "Final", "weight": 40}]


def mark(category, grade, max_grade=20, weight=1, day=1, order=0, daily=False):
    return Mark(category, D(str(grade)), D(str(max_grade)), D(str(weight)), date(2026, 10, day), order, daily)


@pytest.mark.parametrize("grade, max_grade, expected", [
    (15, 20, D(75)), (7, 10, D(70)), (0, 20, D(0)), (20, 20, D(100)), (D("18.5"), 20, D("92.5")),
])
def test_percentage_is_grade_over_max_times_100(grade, max_grade, expected):
    assert calc.percentage(grade, max_grade) == expected


@pytest.mark.parametrize("value, expected", [
    (D("12.25"), D("12.3")), (D("12.35"), D("12.4")), (D("9.95"), D("10.0")), (D("9.949"), D("9.9")),
    (D("17.95"), D("18.0")), (D("0.05"), D("0.1")),
])
def test_display_rounds_half_up_to_one_decimal(value, expected):
    assert calc.display(value) == expected


@pytest.mark.parametrize("value, expected", [
    (Fraction(1225, 100), D("12.3")), (Fraction(995, 100), D("10.0")), (Fraction(1, 3), D("0.3")),
    (Fraction(-1225, 100), D("-12.3")), (Fraction(0), D("0.0")),
    # a hair under 12.25: through a 28-digit Decimal it would read as 12.25 and go up
    (Fraction(1225, 100) - Fraction(1, 10**40), D("12.2")),
])
def test_display_rounds_an_exact_fraction_half_up_without_rounding_it_first(value, expected):
    assert calc.display(value) == expected and str(calc.display(value)) == str(expected)


@pytest.mark.parametrize("value20, label", [
    (D(20), "Άριστα"), (D(18), "Άριστα"), (D("17.96"), "Άριστα"), (D("17.94"), "Λίαν Καλώς"),
    (D(16), "Λίαν Καλώς"), (D("15.9"), "Καλώς"), (D(13), "Καλώς"), (D("12.9"), "Μέτρια"),
    (D(10), "Μέτρια"), (D("9.95"), "Μέτρια"), (D("9.94"), "Ανεπιτυχώς"), (D(0), "Ανεπιτυχώς"),
])
def test_greek_label_follows_the_rounded_value(value20, label):
    assert calc.greek_label(value20) == label


@pytest.mark.parametrize("percent, letter", [
    (100, "A+"), (97, "A+"), (D("96.9"), "A"), (93, "A"), (90, "A-"), (87, "B+"), (83, "B"),
    (80, "B-"), (77, "C+"), (D("76.9"), "C"), (70, "C"), (60, "D"), (D("59.94"), "F"), (0, "F"),
])
def test_letter_grade_thresholds(percent, letter):
    assert calc.letter_grade(D(str(percent))) == letter


def test_pass_mark_is_ten_after_rounding():
    assert calc.passed(D("9.95")) and calc.passed(D(10)) and not calc.passed(D("9.94"))


def test_full_course_with_all_categories():
    # Homework (15/20=75, 18/20=90 → 82.5) ×30, Midterm 14/20=70 ×30, Final 16/20=80 ×40
    # = (2475 + 2100 + 3200) / 100 = 77.75% → 15.55 → 15.6, Καλώς, C+
    result = calc.course_result(RULES, [mark("Homework", 15), mark("homework", 18),
                                        mark("Midterm", 14), mark("Final", 16)])
    assert result.percentage == D("77.75")
    assert (result.value20, result.greek_label, result.letter) == (D("15.6"), "Καλώς", "C+")
    assert result.passed and not result.provisional


def test_missing_categories_are_left_out_and_the_grade_is_provisional():
    # Only Homework (75%) and Midterm (50%): (75×30 + 50×30) / 60 = 62.5% → 12.5
    result = calc.course_result(RULES, [mark("Homework", 15), mark("Midterm", 10)])
    assert result.weight_used == D(60) and result.percentage == D("62.5")
    assert result.provisional and result.value20 == D("12.5")


def test_rules_under_100_are_rescaled_and_provisional():
    rules = [{"category": "Homework", "weight": 50}, {"category": "Final", "weight": 40}]
    # (80×50 + 60×40) / 90 = 71.111…% → 14.2
    result = calc.course_result(rules, [mark("Homework", 16), mark("Final", 12)])
    assert result.value20 == D("14.2") and result.provisional


def test_exam_categories_count_the_latest_submitted_grade_only():
    result = calc.course_result(RULES, [mark("Final", 8, day=1), mark("Final", 17, day=20),
                                        mark("Τελική", 11, day=5)])
    assert result.categories[2].average == D(85) and result.percentage == D(85)


def test_same_day_exam_resits_are_ordered_by_record_id():
    result = calc.course_result(RULES, [mark("Final", 17, order=2), mark("Final", 9, order=1)])
    assert result.percentage == D(85)


def test_assignment_weights_apply_within_a_category():
    # 10/20 (50%) weight 1 and 20/20 (100%) weight 3 → (50 + 300) / 4 = 87.5
    result = calc.course_result(RULES, [mark("Homework", 10), mark("Homework", 20, weight=3)])
    assert result.categories[0].average == D("87.5")


def test_grades_with_different_maxima_average_by_percentage():
    # 5/10 = 50% and 90/100 = 90% → 70%, never (5 + 90) / 2
    result = calc.course_result(RULES, [mark("Homework", 5, max_grade=10), mark("Homework", 90, max_grade=100)])
    assert result.categories[0].average == D(70)


def test_greek_category_names_match_the_english_rules():
    result = calc.course_result(RULES, [mark("Εργασία", 20), mark("ΕΝΔΙΑΜΕΣΗ", 10)])
    assert [c.count for c in result.categories] == [1, 1, 0]


def test_daily_performance_counts_only_with_a_multiplier():
    rules = [{"category": "Participation", "weight": 100, "daily_multiplier": 2}]
    # Assignment 50% (weight 1) + daily 10/10 = 100% (weight 2) → (50 + 200) / 3 = 83.33…
    result = calc.course_result(rules, [mark("Participation", 10), mark("Participation", 10, 10, daily=True)])
    assert calc.display(result.percentage) == D("83.3")
    ignored = calc.course_result(RULES, [mark("Homework", 10), mark("Homework", 10, 10, daily=True)])
    assert ignored.categories[0].average == D(50)


def test_absence_penalty_is_subtracted_per_unexcused_absence_and_never_below_zero():
    result = calc.course_result(RULES, [mark("Homework", 12)], unexcused_absences=4, absence_penalty=D("2.5"))
    assert (result.raw_percentage, result.penalty, result.percentage) == (D(60), D(10), D(50))
    floored = calc.course_result(RULES, [mark("Homework", 2)], unexcused_absences=10, absence_penalty=D(5))
    assert floored.percentage == 0 and floored.value20 == D("0.0")


def test_no_grades_is_not_zero():
    result = calc.course_result(RULES, [])
    assert result.status == calc.STATUS_NO_GRADES and result.value20 is None and result.passed is None
    assert str(result.message) == "No grades yet."


def test_a_course_without_rules_explains_instead_of_failing():
    result = calc.course_result([], [mark("Homework", 20)])
    assert result.status == calc.STATUS_NO_RULES and "Evaluation rules not set" in str(result.message)


def test_gpa_is_weighted_by_credits_and_skips_courses_without_grades():
    a = calc.course_result(RULES, [mark("Homework", 18)])  # 90% → 3.6
    b = calc.course_result(RULES, [mark("Homework", 12)])  # 60% → 2.4
    empty = calc.course_result(RULES, [])
    # (3.6×6 + 2.4×3) / 9 = 3.2
    assert calc.gpa([(a, 6), (b, 3), (empty, 12)]) == D("3.20")
    assert calc.gpa([(empty, 5)]) is None
