"""Signals that feed the audit log and the chain: sign-ins, user administration, history rows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from audit import chain, services
from audit.models import Action

User = get_user_model()
# What a user-administration entry records, as {field: [old, new]} on changes (audit.services.log_update);
# a new password is recorded as "changed", never as a hash.
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    services.log_action(action=Action.LOGIN, user=user, entity_type="auth.user", entity_id=user.pk)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        services.log_action(action=Action.LOGOUT, user=user, entity_type="auth.user", entity_id=user.pk)


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]  # Django already masks the password
    services.log_action(action=Action.LOGIN_FAILED, success=False, changes={"username": username},
                        entity_type="auth.user")


@receiver(post_create_historical_record)
def chain_history_row(sender, history_instance, **kwargs):
    chain.link(type(history_instance), history_instance.pk)


@receiver(pre_save, sender=User)
def remember_user_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """The account as stored, so the update entry can say what each field was (one query per save)."""
    if raw or instance.pk is None or _only_sign_in_stamp(update_fields):
        return
    instance._audit_before = User._base_manager.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()


@receiver(post_save, sender=User)
def log_user_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or _only_sign_in_stamp(update_fields):
        return  # fixtures, and the last_login stamp of every sign-in
    before = instance.__dict__.pop("_audit_before", None) or {}
    if created:
        services.log_create(instance, changes={name: getattr(instance, name) for name in USER_FIELDS})
        return
    changes = {name: [before.get(name), getattr(instance, name)] for name in USER_FIELDS
               if before.get(name) != getattr(instance, name)}
    if before.get("password") != instance.password:
        changes["password"] = "changed"  # never the hash, old or new
    if changes:
        services.log_update(instance, changes=changes)


def _only_sign_in_stamp(update_fields):
    return bool(update_fields) and set(update_fields) <= {"last_login"}


@receiver(post_delete, sender=User)
def log_user_deleted(sender, instance, **kwargs):
    services.log_delete(instance, changes={"username": instance.get_username()})


@receiver(m2m_changed, sender=User.groups.through)
def log_user_roles(sender, instance, action, pk_set, **kwargs):
    if not isinstance(instance, User):
        return  # group.user_set.add(...): the roles of several users change; not an admin path
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._audit_groups_before = _group_names(instance)
    elif action in ("post_add", "post_remove", "post_clear"):
        before, after = instance.__dict__.pop("_audit_groups_before", None), _group_names(instance)
        if before != after:
            services.log_update(instance, changes={"groups": [before, after]})


def _group_names(user):
    return sorted(user.groups.values_list("name", flat=True))
