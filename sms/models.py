"""The soft-delete base shared by every domain model."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sms import derived


class WriteAroundHistory(TypeError):
    """A bulk write on a domain model, which would change records without their history rows."""


class SoftDeleteQuerySet(models.QuerySet):
    """Every domain model's queryset (through `objects`, `all_objects` and related managers).

    `update()`, `bulk_create()` and `bulk_update()` write no history row and no audit-chain link, so
    they raise WriteAroundHistory: records change through `save()` (the services), and bulk inserts
    through `sms.history.bulk_create`, which writes the history rows and links itself and reaches
    the plain method through `bypassing_history()` (its one caller outside tests).
    """

    _bypassing_history = False

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def bypassing_history(self):
        """The same rows, with the bulk writes allowed: the caller writes history and links itself."""
        clone = self._chain()
        clone._bypassing_history = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._bypassing_history = self._bypassing_history
        return clone

    def update(self, **kwargs):
        self._refuse_write_around_history("update()", "save each record (its service)")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        self._refuse_write_around_history("bulk_create()", "use sms.history.bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        self._refuse_write_around_history("bulk_update()", "save each record (its service)")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def _refuse_write_around_history(self, method, instead):
        if not self._bypassing_history:
            raise WriteAroundHistory(
                f"{self.model.__name__}: QuerySet.{method} would write no history row and no audit-chain "
                f"link; {instead}."
            )


class SoftDeleteManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """The default manager: deleted rows do not exist for lists, details and reverse lookups."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


def unique_alive(*fields, name, message, code=None):
    """A uniqueness rule among rows that are not deleted, so a deleted row's value can be reused.

    The violation code defaults to `duplicate_<first field>`, which SoftDeleteModel reports on
    that field; API clients branch on it (DUPLICATE_EMAIL).
    """
    return models.UniqueConstraint(
        fields=fields,
        condition=models.Q(deleted_at__isnull=True),
        name=name,
        violation_error_message=message,
        violation_error_code=code or f"duplicate_{fields[0]}",
    )


class SoftDeleteModel(models.Model):
    """Rows are never removed: deleting stamps `deleted_at`, restoring clears it.

    `soft_delete_cascade` names reverse relations whose rows are deleted with this one and, when
    they were deleted at the same instant, restored with it.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    objects = SoftDeleteManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    soft_delete_cascade = ()

    class Meta:
        abstract = True

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def normalise(self):
        """Tidy user input (case, spaces) before field validation; models override it."""

    def clean_fields(self, exclude=None):
        self.normalise()
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        # `deleted_at` is in every unique rule's condition, and ModelForms exclude it (it is not
        # editable): Django then skips the rule and the database raises IntegrityError (a 500 in
        # the admin). The condition reads the instance's own value, so checking it is always right.
        exclude = set(exclude or ()) - {"deleted_at"}
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(self._errors_on_fields(error.error_dict)) from error

    def _errors_on_fields(self, error_dict):
        # A conditional UniqueConstraint reports a non-field error; forms and API clients
        # need it next to the field the user must change.
        moved = {key: list(errors) for key, errors in error_dict.items()}
        for error in moved.pop(NON_FIELD_ERRORS, []):
            field = (error.code or "").removeprefix("duplicate_")
            key = field if error.code != field and hasattr(self, field) else NON_FIELD_ERRORS
            moved.setdefault(key, []).append(error)
        return moved

    @transaction.atomic
    def soft_delete(self, at=None):
        if self.is_deleted:
            return
        at = at or timezone.now()
        with derived.batched():  # derived rows are recomputed once for the whole cascade
            for child in self.soft_delete_dependants():
                child._change_reason = self._cascade_reason()
                child.soft_delete(at=at)
            self.deleted_at = at
            self.save(update_fields=["deleted_at"])

    def soft_delete_dependants(self):
        """The live rows soft_delete() deletes with this one (their own dependants follow them)."""
        return [
            child
            for relation in self._cascade_relations()
            for child in relation.related_model.objects.filter(**{relation.field.name: self})
        ]

    @transaction.atomic
    def restore(self):
        """Bring the row back with the dependants deleted together with it.

        Raises ValidationError when a live row now holds one of its unique values.
        """
        if not self.is_deleted:
            return
        at, self.deleted_at = self.deleted_at, None
        try:
            self._restore_from(at)
        except BaseException:
            # The transaction rolls back (a dependant may collide too); so does this instance.
            self.deleted_at = at
            raise

    def _restore_from(self, at):
        try:
            self.validate_constraints()
        except ValidationError as error:
            raise ValidationError(
                _("This %(thing)s cannot be restored while another record uses the same values: "
                  "%(errors)s") % {"thing": self._meta.verbose_name, "errors": " ".join(error.messages)}
            ) from error
        with derived.batched():
            self.save(update_fields=["deleted_at"])
            for relation in self._cascade_relations():
                related = relation.related_model.all_objects.filter(
                    **{relation.field.name: self, "deleted_at": at}
                )
                for child in related:
                    child._change_reason = self._cascade_reason()
                    child.restore()

    def _cascade_reason(self):
        # Rows deleted or restored with this one share its history change reason (the caller's,
        # e.g. "admin delete"); without one, history records the entry point.
        return getattr(self, "_change_reason", None)

    def _cascade_relations(self):
        return [self._meta.get_field(name) for name in self.soft_delete_cascade]


class UserPreference(models.Model):
    """Per-user settings that follow the person to any browser, e.g. the page language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_preference"
    )
    language = models.CharField(gettext_lazy("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = gettext_lazy("user preference")
        verbose_name_plural = gettext_lazy("user preferences")

    def __str__(self):
        return f"{self.user_id}: {self.language or '-'}"
