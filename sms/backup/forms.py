from django import forms
from django.utils.translation import gettext_lazy as _

KEEP_AT_LEAST_ONE = _("Keep at least one backup: give a whole number of 1 or more.")


class PruneForm(forms.Form):
    keep = forms.IntegerField(
        label=_("Backups to keep"), min_value=1, max_value=10_000, initial=7,
        error_messages={"required": KEEP_AT_LEAST_ONE, "invalid": KEEP_AT_LEAST_ONE,
                        "min_value": KEEP_AT_LEAST_ONE, "max_value": KEEP_AT_LEAST_ONE},
    )
