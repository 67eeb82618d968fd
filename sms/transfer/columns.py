"""Column types: how a cell's text becomes a value on import and a value becomes a cell on export.

One declarative Column per file column serves both directions, so an exported file imports back
to the same data. Parse errors are ValidationErrors in plain words, shown next to the row.
"""

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OMIT = object()  # a blank optional cell: leave the field as it is (or its default on create)
TRUE_WORDS = {"yes", "y", "true", "1", "ναι", "ν", "x", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "όχι", "οχι", "ο"}
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


class Text:
    blank = ""

    def __init__(self, transform=None):
        self.transform = transform

    def parse(self, text):
        return self.transform(text) if self.transform else text

    def cell(self, value):
        return "" if value is None else str(value)


class Integer:
    blank = OMIT

    def parse(self, text):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral():
            raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(number)

    def cell(self, value):
        return value


class Number:
    """Decimals; a Greek decimal comma (18,5) is read as a point."""

    blank = OMIT

    def parse(self, text):
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number; write it like 18.5.") % {"value": text})
        return number

    def cell(self, value):
        return value


class Date:
    def __init__(self, blank=OMIT):
        self.blank = blank

    def parse(self, text):
        match = DAY_FIRST_DATE.match(text)
        try:
            if match:  # 01/09/2026 is the 1st of September in Greece
                day, month, year = map(int, match.groups())
                return datetime.date(year, month, day)
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01.") % {"value": text}
            ) from None

    def cell(self, value):
        return value


class Boolean:
    blank = OMIT

    def parse(self, text):
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": text})

    def cell(self, value):
        return "yes" if value else "no"


class Json:
    blank = OMIT

    def parse(self, text):
        try:
            return json.loads(text)
        except ValueError:
            raise ValidationError(
                _('“%(value)s” is not valid JSON; write it like [{"category": "Homework", "weight": 30}].')
                % {"value": text[:60]}
            ) from None

    def cell(self, value):
        return json.dumps(value, ensure_ascii=False)


class Words:
    """A list of names (e.g. teachers' usernames) separated by spaces, commas or semicolons."""

    blank = ()

    def parse(self, text):
        return sorted({word for word in re.split(r"[\s,;]+", text) if word})

    def cell(self, value):
        return " ".join(value)


def upper(text):
    return text.strip().upper()


def lower(text):
    return text.strip().lower()


@dataclass(frozen=True)
class Column:
    """A file column. `field` is the model field it fills (None: export-only, ignored on import);
    `source` is the dotted attribute path (or a callable) read on export."""

    name: str
    type: object
    required: bool = False
    field: str | None = ""
    source: object = ""

    @property
    def target(self):
        return self.name if self.field == "" else self.field

    @property
    def importable(self):
        return self.target is not None

    def read(self, obj):
        if callable(self.source):
            return self.source(obj)
        for attribute in (self.source or self.name).split("."):
            obj = getattr(obj, attribute)
        return obj

    def export(self, obj):
        return self.type.cell(self.read(obj))

    def parse(self, text):
        """The value of a cell, OMIT for a blank optional one; ValidationError explains a bad one."""
        if text == "":
            if self.required:
                raise ValidationError(_("This column is required; fill it in."))
            return self.type.blank
        return self.type.parse(text)
