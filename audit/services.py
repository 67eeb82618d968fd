"""Writing the audit log. Entries are only ever created, never changed or deleted.

An entry is written in the caller's transaction: if it cannot be written, the caller's change
rolls back with it, so no change ever happens without its audit entry (and the caller sees the
error). Who, from where and through which request come from sms.context unless given.
"""

from django.db import transaction

from audit import chain
from audit.models import Action, AuditLog
from sms import context


@transaction.atomic(savepoint=False)
def log_action(*, action, entity_type="", entity_id="", changes=None, success=True, user=None, request=None):
    actor = context.current()
    user = user if user is not None else _request_user(request) or actor.user
    entry = AuditLog(
        user_id=getattr(user, "pk", None), username=_username(user, action, changes), action=action,
        entity_type=entity_type, entity_id="" if entity_id is None else str(entity_id), changes=changes or {},
        ip_address=actor.ip_address, user_agent=actor.user_agent, request_id=actor.request_id, success=success,
    )
    entry.save()
    chain.link(AuditLog, entry.pk)
    return entry


def log_create(instance, **extra):
    return _log_model(Action.CREATE, instance, **extra)


def log_update(instance, changes, **extra):
    """changes: {field: [old, new]}."""
    return _log_model(Action.UPDATE, instance, changes=changes, **extra)


def log_delete(instance, **extra):
    return _log_model(Action.DELETE, instance, **extra)


def _log_model(action, instance, changes=None, **extra):
    return log_action(
        action=action, entity_type=instance._meta.label_lower, entity_id=instance.pk,
        changes=changes if changes is not None else {"object": str(instance)}, **extra,
    )


def _request_user(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _username(user, action, changes):
    if user is not None:
        return user.get_username()
    if action == Action.LOGIN_FAILED:  # nobody is signed in: the entry names the account that was tried
        return str((changes or {}).get("username", ""))[:150]
    return ""  # a command or the system; never the username a user-administration entry is about
