from django import forms
from django.core.exceptions import ValidationError


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
