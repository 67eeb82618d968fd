"""Signals that feed the audit log and the chain: sign-ins, user administration, history rows."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from audit import chain, services
from audit.models import Action

User = get_user_model()
# What a user-administration entry records; never the password hash.
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


@receiver(post_save, sender=User)
def log_user_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"last_login"}):
        return  # fixtures, and the last_login stamp of every sign-in
    values = {name: getattr(instance, name) for name in USER_FIELDS}
    if created:
        services.log_create(instance, changes=values)
    else:
        services.log_update(instance, changes=values)


@receiver(post_delete, sender=User)
def log_user_deleted(sender, instance, **kwargs):
    services.log_delete(instance, changes={"username": instance.get_username()})


@receiver(m2m_changed, sender=User.groups.through)
def log_user_roles(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        names = sorted(instance.groups.values_list("name", flat=True))
        services.log_update(instance, changes={"groups": names})
