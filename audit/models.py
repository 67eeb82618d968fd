"""The audit log of actions that are not model changes, and the tamper-evident hash chain.

Model changes live in the domain models' history tables (sms.history); both they and AuditLog
rows are linked into one HMAC chain (audit.chain), so editing, deleting or inserting a row by
hand is detected by `manage.py verify_audit_chain`.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("sign-in")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOGOUT = "logout", _("sign-out")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    DELETE = "delete", _("delete")
    EXPORT = "export", _("export")
    IMPORT = "import", _("import")
    BACKUP_CREATE = "backup_create", _("backup created")
    BACKUP_RESTORE = "backup_restore", _("backup restored")
    KEY_ROTATE = "key_rotate", _("backup key rotated")
    RESTORE_DELETED = "restore_deleted", _("deleted record restored")
    PERMISSION_DENIED = "permission_denied", _("permission denied")
    CUSTOM = "custom", _("other")


class ImmutableQuerySet(models.QuerySet):
    """Audit rows are written once, by audit.services.log_action, which links each into the chain.

    Bulk updates, deletes and bulk inserts (which would write rows without their chain link) are
    refused; the model's base manager uses this queryset too, so `_base_manager` offers no way round.
    """

    def update(self, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit entries cannot be deleted.")

    def bulk_create(self, objs, *args, **kwargs):
        raise PermissionDenied("Audit entries are written one at a time by audit.services.log_action.")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be changed.")


class AuditLog(models.Model):
    # Plain columns, not a foreign key: the entry must outlive the user it names.
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    entity_type = models.CharField(_("entity type"), max_length=64, blank=True)
    entity_id = models.CharField(_("entity id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=512, blank=True)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)
    success = models.BooleanField(_("success"), default=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-timestamp", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["user_id"], name="audit_user_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),
            # (timestamp, id): the timeline's order, so a page walks the index (audit/selectors.py).
            models.Index(fields=["timestamp", "id"], name="audit_time_id_idx"),
            models.Index(fields=["entity_type", "entity_id"], name="audit_entity_idx"),
        ]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")


class ChainLink(models.Model):
    """One link per audited row, in write order: digest = HMAC(key, previous digest + row)."""

    table = models.CharField(max_length=64)
    row_id = models.BigIntegerField()
    schema = models.IntegerField()  # which recorded column list of the table it hashes (ChainHead.schemas)
    digest = models.CharField(max_length=64)
    previous = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["table", "row_id"], name="chain_one_link_per_row")]


class ChainHead(models.Model):
    """The single row writers lock (SELECT … FOR UPDATE) so concurrent writers never fork the chain.

    `mac` seals (digest, links, schemas) with the chain key: cutting the newest entries off and
    rewinding the head to the link before them needs the key too, so it shows up as a broken head.

    `schemas` records which columns links hash: {id: {table, columns, version, mac}}, one entry per
    table and column list, each sealed with the key too. A link hashes exactly its schema's columns,
    never "the model's columns today": a column added to a table by a later release is not covered
    for the rows written before it and is for the rows after, instead of making every old row look
    changed. Version 1 entries are the column lists of the links written before schemas were
    recorded (migration 0003), whose digests do not name their schema. Kept in the head, which
    every write reads and locks anyway, a schema costs a write no query.
    """

    digest = models.CharField(max_length=64, default="")
    links = models.BigIntegerField(default=0)
    schemas = models.JSONField(default=dict)
    mac = models.CharField(max_length=64, default="")
