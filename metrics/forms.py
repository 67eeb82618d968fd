from django import forms
from django.utils.translation import gettext_lazy as _

from courses import semesters


class MetricsFilterForm(forms.Form):
    semester = forms.CharField(label=_("Semester"), required=False, max_length=20,
                               help_text=_('e.g. "2026 Fall"; leave blank for every semester.'))
    # The upper bound keeps ids no column can hold out of the query (SQLite raises OverflowError).
    course = forms.IntegerField(label=_("Course id"), required=False, min_value=1, max_value=2**63 - 1)

    def clean_semester(self):
        value = semesters.normalise(self.cleaned_data["semester"])
        if value:
            semesters.validate_semester(value)
        return value
