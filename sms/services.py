"""Write helpers every app's services.py builds on: validate, record why, save."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action
from sms import derived


class RowErrors(ValidationError):
    """A bulk write failed; nothing was saved. `rows` maps a 0-based row index to its errors."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(
            _("%(count)s row(s) have errors; nothing was saved. Fix them and submit again.")
            % {"count": len(rows)},
            code="row_errors",
        )


def save(instance, *, reason=None):
    """full_clean() then save(), recording `reason` as the history change reason."""
    instance.full_clean()
    instance._change_reason = reason
    instance.save()
    return instance


def create(model, *, reason=None, **data):
    return save(model(**data), reason=reason)


def update(instance, *, data, reason=None):
    refuse_deleted(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    return save(instance, reason=reason)


def soft_delete(instance, *, reason=None):
    refuse_deleted(instance)
    instance._change_reason = reason
    instance.soft_delete()
    return instance


@transaction.atomic  # the restore and its audit entry commit together (admin actions call this directly)
def restore(instance, *, reason=None):
    if not instance.is_deleted:
        raise ValidationError(
            _("This record is not deleted, so there is nothing to restore."), code="not_deleted"
        )
    instance._change_reason = reason
    instance.restore()
    log_action(action="restore_deleted", entity_type=instance._meta.label_lower, entity_id=instance.pk,
               changes={"object": str(instance), "reason": reason or ""})
    return instance


def refuse_deleted(instance):
    if getattr(instance, "is_deleted", False):
        raise ValidationError(
            _("This %(thing)s has been deleted. Restore it first if you need to change it.")
            % {"thing": instance._meta.verbose_name},
            code="deleted",
        )


def all_or_nothing(rows, write_row):
    """Apply write_row(row) to each row in one transaction; any failure saves nothing.

    Every row is tried so the caller can show all row errors at once; raises RowErrors.
    """
    errors, written = {}, []
    with transaction.atomic():
        # Batched: derived rows (metrics) are recomputed once per key after the last row, not per row.
        with derived.batched():
            for index, row in enumerate(rows):
                try:
                    with transaction.atomic():
                        written.append(write_row(row))
                except ValidationError as error:
                    errors[index] = error.message_dict if hasattr(error, "error_dict") else {
                        "__all__": error.messages}
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise RowErrors(errors)
    return written
