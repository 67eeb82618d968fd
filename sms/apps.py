from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.admin import apps as admin_apps
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "SMS"

    def ready(self):
        from sms import history, preferences, sessions  # noqa: F401  (connect their signal receivers)

        post_migrate.connect(recreate_role_groups, sender=self)


class SmsAdminConfig(admin_apps.AdminConfig):
    default = False  # named in INSTALLED_APPS in place of django.contrib.admin; "sms" stays SmsConfig
    default_site = "sms.admin_site.SMSAdminSite"


def recreate_role_groups(sender, using, apps=global_apps, **kwargs):
    """Bring the role groups back after `flush`, as Django does for permissions and content types.

    `manage.py flush` (which sends no `apps`) and every TransactionTestCase (the browser tests) empty all tables after the
    migrations ran; without this, the next test or login in that database finds no roles.
    """
    from django.db import connections

    if ("sms", "0001_roles") not in MigrationRecorder(connections[using]).applied_migrations():
        return  # migrated back to zero: the groups are meant to be gone
    import_module("sms.migrations.0001_roles").create_roles(apps, None)
