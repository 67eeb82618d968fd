from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import Status


class RosterDayForm(forms.Form):
    """Which lesson the roster is for: a date (not in the future) and a period."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period = forms.IntegerField(label=_("Period"), min_value=1, max_value=12, initial=1,
                                help_text=_("Teaching period of the day, 1 to 12."))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Attendance cannot be taken for a future date. Choose today or an earlier day."))
        return date


class RosterRowForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.PRESENT,
                               widget=forms.RadioSelect(attrs={"class": "status-choice"}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)
