from django import forms
from django.utils.translation import gettext_lazy as _

from audit import selectors
from audit.models import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TimelineFilterForm(forms.Form):
    """Filters of the audit timeline, shared by the admin page and GET /api/v1/audit/logs/."""

    user = forms.CharField(label=_("User (name or id)"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    entity_type = forms.ChoiceField(label=_("Record type"), required=False)
    entity_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("any")), *Action.choices]
        self.fields["entity_type"].choices = [("", _("any")), *[(t, t) for t in selectors.entity_types()]]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
