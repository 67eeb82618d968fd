"""Evaluation rules: which grade categories make up a course's final grade, and their weights.

Rules are stored on the course as [{"category": "Homework", "weight": 30}, ...]. An optional
"daily_multiplier" lets daily performance records count toward that category, each with that
weight beside the assignments' own weights. Category names match case-insensitively, and the
common Greek names count as the same category (Εργασία = Homework, ...).
"""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sms.text import fold

HUNDRED = Decimal(100)

# canonical key: names (lower-case, accents stripped) that mean it
CATEGORY_SYNONYMS = {
    "homework": {"homework", "assignment", "assignments", "εργασια", "εργασιες"},
    "midterm": {"midterm", "mid-term", "ενδιαμεση", "ενδιαμεση εξεταση"},
    "final": {"final", "final exam", "τελικη", "τελικη εξεταση"},
    "lab": {"lab", "laboratory", "εργαστηριο", "εργαστηρια"},
    "participation": {"participation", "συμμετοχη"},
}
EXAM_CATEGORIES = {"midterm", "final"}


_LOOKUP = {name: key for key, names in CATEGORY_SYNONYMS.items() for name in names}


@lru_cache(maxsize=1024)  # called per grade when whole schools are graded (metrics): a few names, folded once
def category_key(name):
    """The canonical key of a category name: 'Εργασία' and 'homework' both give 'homework'."""
    folded = fold(name)
    return _LOOKUP.get(folded, folded)


def is_exam(name):
    return category_key(name) in EXAM_CATEGORIES


def _decimal(value, field, index):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("Rule %(n)s: %(field)s must be a number, not “%(value)s”.")
            % {"n": index, "field": field, "value": value}
        ) from None
    if not number.is_finite():
        raise ValidationError(_("Rule %(n)s: %(field)s must be a number.") % {"n": index, "field": field})
    return number


def clean_rules(rules):
    """Validate and normalise evaluation rules; returns the list to store.

    Weights are 1–100 each and at most 100 in total; a total under 100 is allowed (grades are
    then rescaled and shown as provisional). Categories must not repeat (Greek names included).
    """
    if rules in (None, ""):
        return []
    if not isinstance(rules, list):
        raise ValidationError(_("Evaluation rules must be a list of categories with weights."))
    cleaned, seen, errors = [], set(), []
    for index, rule in enumerate(rules, start=1):
        try:
            cleaned.append(_clean_rule(rule, index, seen))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    total = sum(Decimal(str(rule["weight"])) for rule in cleaned)
    if total > HUNDRED:
        raise ValidationError(
            _("The weights add up to %(total)s; they can add up to at most 100. "
              "Lower some weights.") % {"total": _plain(total)}
        )
    return cleaned


def _clean_rule(rule, index, seen):
    if not isinstance(rule, dict):
        raise ValidationError(_("Rule %(n)s must have a category and a weight.") % {"n": index})
    category = str(rule.get("category") or "").strip()
    if not category:
        raise ValidationError(_("Rule %(n)s: enter a category name.") % {"n": index})
    if len(category) > 50:
        raise ValidationError(_("Rule %(n)s: the category name is longer than 50 characters.") % {"n": index})
    if category_key(category) in seen:
        raise ValidationError(
            _("Rule %(n)s: the category “%(category)s” appears twice. Merge the two rules.")
            % {"n": index, "category": category}
        )
    seen.add(category_key(category))
    weight = _decimal(rule.get("weight"), _("weight"), index)
    if not Decimal(0) < weight <= HUNDRED:
        raise ValidationError(
            _("Rule %(n)s: the weight of “%(category)s” must be more than 0 and at most 100.")
            % {"n": index, "category": category}
        )
    cleaned = {"category": category, "weight": _plain(weight)}
    if rule.get("daily_multiplier") not in (None, ""):
        multiplier = _decimal(rule["daily_multiplier"], _("daily multiplier"), index)
        if not Decimal(0) <= multiplier <= 10:
            raise ValidationError(
                _("Rule %(n)s: the daily performance multiplier must be between 0 and 10.") % {"n": index}
            )
        cleaned["daily_multiplier"] = _plain(multiplier)
    return cleaned


def _plain(number):
    """JSON-friendly number: 30 rather than 30.00, 12.5 stays 12.5."""
    number = Decimal(number).normalize()
    return int(number) if number == number.to_integral() else float(number)


def total_weight(rules):
    return sum((Decimal(str(rule["weight"])) for rule in rules or []), Decimal(0))


def find_rule(rules, category):
    key = category_key(category)
    return next((rule for rule in rules or [] if category_key(rule["category"]) == key), None)
