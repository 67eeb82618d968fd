"""All grade maths, in one place, on Decimals and without database access.

Rules (see docs in README "Grade maths"):
- every grade becomes a percentage first: grade / max_grade × 100;
- within a category, percentages average weighted by each assignment's weight (daily performance
  records join with the rule's daily multiplier); for exam categories (midterm, final) only the
  latest submitted grade counts;
- final % = Σ(category average × rule weight) / Σ(rule weights of categories that have grades);
  when that Σ is below 100 the grade is provisional;
- the course's absence penalty (percentage points per unexcused absence) is subtracted, never
  below 0;
- 0–20 value = final % / 5. Nothing is rounded until display: then one decimal, half up
  (12.25 → 12.3, 9.95 → 10.0). Labels, letter and pass/fail are read from the rounded values,
  so what is shown is always consistent with itself;
- GPA on 4.0 = final % / 25; the overall GPA is weighted by credits, two decimals, half up.
No grade is not zero: a category without grades is left out, a course without grades has none.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from courses import evaluation

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PASS_MARK = Decimal(10)

GREEK_LABELS = (
    (Decimal(18), "Άριστα"),
    (Decimal(16), "Λίαν Καλώς"),
    (Decimal(13), "Καλώς"),
    (Decimal(10), "Μέτρια"),
    (ZERO, "Ανεπιτυχώς"),
)
LETTERS = (
    (Decimal(97), "A+"), (Decimal(93), "A"), (Decimal(90), "A-"),
    (Decimal(87), "B+"), (Decimal(83), "B"), (Decimal(80), "B-"),
    (Decimal(77), "C+"), (Decimal(70), "C"), (Decimal(60), "D"), (ZERO, "F"),
)

STATUS_OK = "ok"
STATUS_NO_RULES = "no_rules"
STATUS_NO_GRADES = "no_grades"
MESSAGES = {
    STATUS_NO_RULES: _("Evaluation rules not set for this course: ask an administrator to add them."),
    STATUS_NO_GRADES: _("No grades yet."),
}


def display(value, places=1):
    """Round once, for display: half up (x.x5 goes up).

    A Fraction (an exact average of many grades) is rounded exactly: through a 28-digit Decimal first,
    a value a hair under x.x5 could come out as x.x5 and go up.
    """
    if value is None:
        return None
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**places
        whole, rest = divmod(scaled.numerator, scaled.denominator)
        whole += 2 * rest >= scaled.denominator
        value = Decimal(whole if value >= 0 else -whole).scaleb(-places)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percentage(grade, max_grade):
    return Decimal(grade) / Decimal(max_grade) * HUNDRED


def to_twenty(percent):
    return Decimal(percent) / 5


def greek_label(value20):
    rounded = display(value20)
    return next(label for threshold, label in GREEK_LABELS if rounded >= threshold)


def letter_grade(percent):
    rounded = display(percent)
    return next(letter for threshold, letter in LETTERS if rounded >= threshold)


def passed(value20):
    return display(value20) >= PASS_MARK


@dataclass(frozen=True)
class Mark:
    """One graded item reduced to what the maths needs."""

    category: str
    grade: Decimal
    max_grade: Decimal
    weight: Decimal = Decimal(1)
    submitted: date | None = None
    order: int = 0  # tie-breaker among same-day exam marks: higher is later (the row id)
    daily: bool = False

    @property
    def percent(self):
        return percentage(self.grade, self.max_grade)


def mark_from_grade(grade):
    return Mark(
        category=grade.category, grade=grade.grade, max_grade=grade.max_grade, weight=grade.weight,
        submitted=grade.date_submitted or grade.date_assigned, order=grade.pk or 0,
    )


def mark_from_daily(record):
    return Mark(
        category=record.category, grade=record.score, max_grade=record.max_score,
        submitted=record.date, order=record.pk or 0, daily=True,
    )


def category_average(marks, exam=False):
    """Weighted mean percentage of the marks; for exams the latest submitted mark alone."""
    if not marks:
        return None
    if exam:
        latest = max(marks, key=lambda mark: (mark.submitted or date.min, mark.order))
        return latest.percent
    total_weight = sum((mark.weight for mark in marks), ZERO)
    if not total_weight:
        return None
    return sum((mark.percent * mark.weight for mark in marks), ZERO) / total_weight


@dataclass
class CategoryResult:
    category: str
    weight: Decimal
    average: Decimal | None
    count: int

    @property
    def average_display(self):
        return display(self.average)


@dataclass
class CourseResult:
    status: str
    categories: list = field(default_factory=list)
    weight_used: Decimal = ZERO
    raw_percentage: Decimal | None = None
    unexcused_absences: int = 0
    penalty: Decimal = ZERO
    percentage: Decimal | None = None

    @property
    def has_grade(self):
        return self.percentage is not None

    @property
    def provisional(self):
        return self.has_grade and self.weight_used < HUNDRED

    @property
    def value20(self):
        return display(to_twenty(self.percentage)) if self.has_grade else None

    @property
    def percentage_display(self):
        return display(self.percentage)

    @property
    def greek_label(self):
        return greek_label(to_twenty(self.percentage)) if self.has_grade else None

    @property
    def letter(self):
        return letter_grade(self.percentage) if self.has_grade else None

    @property
    def passed(self):
        return passed(to_twenty(self.percentage)) if self.has_grade else None

    @property
    def gpa_points(self):
        return self.percentage / 25 if self.has_grade else None

    @property
    def message(self):
        return MESSAGES.get(self.status, "")


def course_result(rules, marks, unexcused_absences=0, absence_penalty=ZERO):
    """The final grade of one student in one course from the course's rules and their marks."""
    if not rules:
        return CourseResult(status=STATUS_NO_RULES)
    categories = [_category_result(rule, marks) for rule in rules]
    graded = [item for item in categories if item.average is not None]
    if not graded:
        return CourseResult(status=STATUS_NO_GRADES, categories=categories)
    weight_used = sum((item.weight for item in graded), ZERO)
    raw = sum((item.average * item.weight for item in graded), ZERO) / weight_used
    penalty = Decimal(absence_penalty or 0) * unexcused_absences
    return CourseResult(
        status=STATUS_OK, categories=categories, weight_used=weight_used, raw_percentage=raw,
        unexcused_absences=unexcused_absences, penalty=penalty, percentage=max(raw - penalty, ZERO),
    )


def _daily_multiplier(rule):
    return Decimal(str(rule.get("daily_multiplier") or 0))


def counts_daily(rules):
    """Whether daily performance records count toward any category of these rules."""
    return any(_daily_multiplier(rule) for rule in rules or ())


def _category_result(rule, marks):
    key = evaluation.category_key(rule["category"])
    multiplier = _daily_multiplier(rule)
    mine = []
    for mark in marks:
        if evaluation.category_key(mark.category) != key:
            continue
        if mark.daily:
            if not multiplier:
                continue
            mark = Mark(mark.category, mark.grade, mark.max_grade, multiplier, mark.submitted, mark.order, True)
        mine.append(mark)
    average = category_average(mine, exam=evaluation.is_exam(rule["category"]))
    return CategoryResult(rule["category"], Decimal(str(rule["weight"])), average, len(mine))


def gpa(results_with_credits):
    """Credit-weighted GPA on 4.0 over (CourseResult, credits) pairs that have a grade."""
    graded = [(result, Decimal(credits)) for result, credits in results_with_credits if result.has_grade]
    total_credits = sum((credits for _result, credits in graded), ZERO)
    if not total_credits:
        return None
    points = sum((result.gpa_points * credits for result, credits in graded), ZERO)
    return display(points / total_credits, places=2)
