from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sms.transfer import readers


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a CSV or Excel (.xlsx) file to upload.")},
        help_text=_(
            "CSV (UTF-8, with or without BOM) or Excel .xlsx, at most 10 MB. The first row names the columns."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        readers.format_of(upload.name)
        readers.check_size(upload.size)  # before reading it into memory
        data = upload.read()
        self.table = readers.read_table(data, upload.name)
        self.data_bytes = data
        return upload


def read_upload(upload):
    """(Table, bytes) of an uploaded file; ValidationError says what is wrong with it."""
    form = UploadForm(files={"file": upload})
    if not form.is_valid():
        raise ValidationError(form.errors["file"])
    return form.table, form.data_bytes
