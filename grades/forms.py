from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grades.models import Grade
from grades.services import EDITABLE_FIELDS
from sms.forms import DecimalInput, NumberField, SoftDeleteModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GradeNumberField(NumberField):
    default_error_messages = {
        "invalid": _("Enter the grade as a number, e.g. 17.5, or leave it blank for no grade."),
    }


class RosterHeaderForm(forms.Form):
    """What every row of the roster shares; rows may override the maximum and add notes."""

    assignment_name = forms.CharField(label=_("Assignment"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=50)
    max_grade = NumberField(
        label=_("Maximum grade"), initial=Decimal(20), min_value=Decimal("0.01"), max_digits=6, decimal_places=2,
        error_messages={"min_value": _("The maximum grade must be more than 0.")},
    )
    weight = NumberField(
        label=_("Weight"), initial=Decimal(1), min_value=Decimal("0.01"), max_digits=5, decimal_places=2,
        help_text=_("How much this assignment counts within its category (1 = normal)."),
    )
    date_assigned = forms.DateField(label=_("Date assigned"), initial=timezone.localdate, widget=DATE)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        if course.evaluation_rules:
            self.fields["category"] = forms.ChoiceField(
                label=_("Category"), choices=[(rule["category"], rule["category"]) for rule in course.evaluation_rules]
            )


class RosterRowForm(forms.Form):
    """One student's line; a blank grade means "no grade", never zero."""

    grade = GradeNumberField(label=_("Grade"), required=False, max_digits=6, decimal_places=2,
                             widget=DecimalInput(attrs={"class": "grade-input"}))
    max_grade = NumberField(label=_("Maximum grade"), required=False, min_value=Decimal("0.01"),
                            max_digits=6, decimal_places=2,
                            error_messages={"min_value": _("The maximum grade must be more than 0.")},
                            widget=DecimalInput(attrs={"class": "max-input"}))
    date_submitted = forms.DateField(label=_("Date submitted"), required=False, widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)


class GradeForm(SoftDeleteModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=100, required=False,
        help_text=_("Kept in the grade's history, e.g. “Re-marked after appeal”."),
    )

    class Meta:
        model = Grade
        fields = EDITABLE_FIELDS
        field_classes = {"grade": NumberField, "max_grade": NumberField, "weight": NumberField}
        widgets = {"date_assigned": DATE, "date_submitted": DATE, "notes": forms.Textarea(attrs={"rows": 2})}
