"""Semester names ("2026 Spring") and the dates they cover."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TERMS = {
    # term: ((first month, day), (last month, day)); together they cover the calendar year.
    "Winter": ((1, 1), (2, 14)),
    "Spring": ((2, 15), (6, 30)),
    "Summer": ((7, 1), (8, 31)),
    "Fall": ((9, 1), (12, 31)),
}
SEMESTER_PATTERN = re.compile(r"^(?P<year>\d{4}) (?P<term>Winter|Spring|Summer|Fall)$")


def normalise(value):
    parts = (value or "").split()
    return " ".join(part.capitalize() if part.isalpha() else part for part in parts)


def validate_semester(value):
    if not SEMESTER_PATTERN.match(normalise(value)):
        raise ValidationError(
            _('Write the semester as a year and a term, e.g. "2026 Spring" '
              "(terms: Winter, Spring, Summer, Fall)."),
            code="invalid_semester",
        )


def semester_dates(value):
    """(first day, last day) of a semester; ValidationError for a malformed name."""
    validate_semester(value)
    match = SEMESTER_PATTERN.match(normalise(value))
    year = int(match["year"])
    first, last = TERMS[match["term"]]
    return datetime.date(year, *first), datetime.date(year, *last)


def semester_of(date):
    for term, (first, last) in TERMS.items():
        if first <= (date.month, date.day) <= last:
            return f"{date.year} {term}"
    raise AssertionError("TERMS cover the whole year")


def sort_key(value):
    match = SEMESTER_PATTERN.match(normalise(value))
    if not match:
        return (0, 0)
    return (int(match["year"]), list(TERMS).index(match["term"]))
