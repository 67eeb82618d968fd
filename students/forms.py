from django import forms

from sms.forms import SoftDeleteModelForm
from students.models import Student
from students.services import EDITABLE_FIELDS


class StudentForm(SoftDeleteModelForm):
    class Meta:
        model = Student
        fields = EDITABLE_FIELDS
        widgets = {
            "enrollment_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "health_issue": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
