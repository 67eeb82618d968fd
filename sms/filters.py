"""Filter types shared by the list filters of every app (web list pages and the API)."""

import django_filters
from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _


class IntegerFilter(django_filters.NumberFilter):
    """NumberFilter for whole numbers (years, periods, ids): ?study_year=0.5 is refused with a 400
    in the API, as the OpenAPI schema ("integer") promises, instead of quietly matching nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Beyond 64 bits no column holds the value, and SQLite raises OverflowError on it (a 500
        # on ?teacher=99999999999999999999999): refuse it like any other bad number.
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class _RawNullBooleanSelect(forms.NullBooleanSelect):
    """The usual Unknown/Yes/No select, handing the submitted text to the field unconverted (Django's
    widget turns anything it does not know into "unknown", hiding ?is_active=maybe)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class _StrictNullBooleanField(forms.NullBooleanField):
    widget = _RawNullBooleanSelect
    VALUES = {"true": True, "1": True, "false": False, "0": False, "": None, "unknown": None}

    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Enter true or false."), code="invalid") from None

    def validate(self, value):
        pass  # None is "not filtered"; to_python already refused anything else


class BooleanFilter(django_filters.BooleanFilter):
    """true/false/1/0 (blank or "unknown": not filtered); anything else is refused with a 400 in the
    API, as the schema ("boolean") promises, instead of quietly showing every row."""

    field_class = _StrictNullBooleanField


DESCENDING = _("{label} (descending)")


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices labelled in the page's language, in both directions.

    django-filter words each "(descending)" choice in English when the module is imported, and
    labels a field without one by its parameter name; give `field_labels` for every field.
    """

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = capfirst(labels[field])
            choices += [(param, label), (f"-{param}", format_lazy(DESCENDING, label=label))]
        return choices
