from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from courses.services import EDITABLE_FIELDS
from sms import roles
from sms.forms import DecimalInput, ModelMultipleIdChoiceField, NumberField, SoftDeleteModelForm
from students.models import Student

BLANK_RULE_ROWS = 3


class CourseForm(SoftDeleteModelForm):
    teachers = ModelMultipleIdChoiceField(
        queryset=get_user_model().objects.none(), required=False, label=_("Teachers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Teachers take attendance and enter grades for this course."),
    )

    class Meta:
        model = Course
        fields = [name for name in EDITABLE_FIELDS if name != "evaluation_rules"]
        field_classes = {"absence_penalty": NumberField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = (
            get_user_model().objects.filter(groups__name=roles.TEACHER, is_active=True).order_by("username")
        )
        if self.instance.pk:
            self.initial["teachers"] = list(self.instance.teachers.values_list("pk", flat=True))


class RuleForm(forms.Form):
    """One evaluation rule; a row left completely blank is ignored."""

    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    weight = NumberField(
        label=_("Weight"), required=False, min_value=0, max_value=100, decimal_places=2,
        widget=DecimalInput(attrs={"class": "rule-weight"}),
    )
    daily_multiplier = NumberField(
        label=_("Daily performance multiplier"), required=False, min_value=0, max_value=10,
        help_text=_("Leave blank unless daily performance records count toward this category."),
    )

    def clean(self):
        data = super().clean()
        if data.get("weight") is not None and not data.get("category"):
            self.add_error("category", _("Enter the category this weight is for, or clear the weight."))
        if data.get("category") and data.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("Enter a weight for “%(category)s”.") % {"category": data["category"]})
        return data

    def as_rule(self):
        data = self.cleaned_data
        if not data.get("category"):
            return None
        # Numbers as text: the JSON field cannot hold Decimals; Course.clean() turns them into numbers.
        rule = {"category": data["category"], "weight": str(data["weight"])}
        if data.get("daily_multiplier") is not None:
            rule["daily_multiplier"] = str(data["daily_multiplier"])
        return rule


RuleFormSet = forms.formset_factory(RuleForm, extra=0, max_num=20, validate_max=True)


def rules_formset(data=None, rules=()):
    initial = [dict(rule) for rule in rules] + [{}] * BLANK_RULE_ROWS
    return RuleFormSet(data, initial=None if data is not None else initial, prefix="rules")


def rules_from(formset):
    return [rule for rule in (form.as_rule() for form in formset.forms) if rule]


class EnrolForm(forms.Form):
    students = ModelMultipleIdChoiceField(
        queryset=Student.objects.none(), label=_("Students to enrol"), widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one student to enrol."),
            "invalid_choice": _("One of the ticked students is no longer available (deleted or already "
                                "enrolled). Reload the page and try again."),
        },
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].queryset = Student.objects.exclude(
            enrollments__course=course, enrollments__deleted_at__isnull=True
        )
