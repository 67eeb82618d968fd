import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits with at most one decimal point or comma. Python's Decimal() alone would also take
# "1_5" (15), "1e2" (100), "NaN" and non-Latin digits, none of which a person means by a grade.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


class DecimalInput(forms.TextInput):
    """A text box with the numeric keypad on phones and tablets.

    Not <input type="number">: Chromium in an English page drops a typed decimal comma, so
    "17,5" reached the server as "175" and was saved without an error.
    """

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class NumberField(forms.DecimalField):
    """A decimal typed either way (17.5 or 17,5, as Greek keyboards give) with errors saying what to type."""

    widget = DecimalInput
    default_error_messages = {
        "invalid": _("Enter a number, e.g. 17.5."),
        "max_digits": _("This number is too long: use at most %(max)s digits."),
        "max_decimal_places": _("Use at most %(max)s decimal places, e.g. 17.25."),
        "max_whole_digits": _("This number is too large: use at most %(max)s digits before the decimal point."),
        "min_value": _("Enter a number of at least %(limit_value)s."),
        "max_value": _("Enter a number of at most %(limit_value)s."),
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value and not PLAIN_NUMBER.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", ".")
        return super().to_python(value)


class SoftDeleteModelForm(forms.ModelForm):
    """A ModelForm that checks 'unique among live rows' while other fields still have errors.

    Django leaves non-form fields such as deleted_at out of model validation, which skips every
    constraint whose condition reads deleted_at; the duplicate email would only be reported on
    the next submit, after the user fixed everything else.
    """

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - {"deleted_at"}


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """Ticked records by id; an id no database key can hold is refused as an invalid value.

    Django sends any number on to the database, and SQLite raises OverflowError (a 500) for ids
    beyond 64 bits, e.g. a tampered form posting students=99999999999999999999999.
    """

    KEY_LIMIT = 2**63

    def clean(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                out_of_range = abs(int(str(pk).strip())) >= self.KEY_LIMIT
            except ValueError:
                continue  # not a number: Django's own check explains it
            if out_of_range:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)
