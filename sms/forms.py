from django import forms


class SoftDeleteModelForm(forms.ModelForm):
    """A ModelForm that checks 'unique among live rows' while other fields still have errors.

    Django leaves non-form fields such as deleted_at out of model validation, which skips every
    constraint whose condition reads deleted_at; the duplicate email would only be reported on
    the next submit, after the user fixed everything else.
    """

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - {"deleted_at"}
