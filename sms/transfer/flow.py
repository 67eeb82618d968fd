"""The upload → preview → confirm steps of an import, written once for the staff pages and the admin.

Each site renders its own templates and redirects to its own addresses; receiving the file,
reading it back, previewing or applying it through the importer (which audits the confirm) and the
messages people see are the same on both.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sms.transfer import importer, readers, uploads
from sms.transfer.forms import UploadForm

PREVIEW_ROWS_SHOWN = 300


def receive(request, kind):
    """(form, token): the token of the stashed upload when a valid file was posted, else None."""
    # Bound on every POST, even an empty one, so a submit without a file says what is missing.
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        return form, uploads.stash(request, kind.name, form.cleaned_data["file"].name, form.data_bytes)
    return form, None


@dataclass
class Step:
    """What preview_or_confirm did: exactly one of expired, file_errors or result is set."""

    filename: str = ""
    result: importer.Result | None = None
    file_errors: list = field(default_factory=list)
    expired: bool = False
    confirming: bool = False

    @property
    def status(self):
        """400 when the file or a confirm was refused, so scripts and tests can tell."""
        return 400 if self.file_errors or (self.confirming and not self.result.applied) else 200

    def preview_context(self):
        rows = self.result.rows
        return {
            "result": self.result, "filename": self.filename, "rows": rows_to_show(rows),
            "hidden": max(len(rows) - PREVIEW_ROWS_SHOWN, 0),
        }


def preview_or_confirm(request, kind, token):
    """Preview the stashed upload (GET) or import it all or nothing (POST), with the page's message."""
    stored = uploads.load(request, token, kind.name)
    if stored is None:
        messages.error(request, _(
            "That upload has expired or belongs to another session. Upload the file again."))
        return Step(expired=True)
    filename, data = stored
    confirming = request.method == "POST"
    try:
        table = readers.read_table(data, filename)
        if confirming:
            result = importer.apply(kind, table, request.user, filename)
        else:
            result = importer.preview(kind, table, request.user)
    except ValidationError as error:
        uploads.discard(request, token)
        return Step(filename=filename, file_errors=error.messages)
    if result.applied:
        uploads.discard(request, token)
        messages.success(request, _("Imported %(file)s: %(summary)s")
                         % {"file": filename, "summary": result.summary})
    elif confirming:
        messages.error(request, _(
            "Nothing was imported: some rows have errors. Fix them in the file and upload it again."))
    return Step(filename=filename, result=result, confirming=confirming)


def rows_to_show(rows):
    """Rows with errors first, so a long file's problems are on screen; at most PREVIEW_ROWS_SHOWN."""
    ordered = sorted(rows, key=lambda row: (row.action != importer.ERROR, row.number))
    return ordered[:PREVIEW_ROWS_SHOWN]
