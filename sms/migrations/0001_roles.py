"""Create the admin, teacher and viewer groups with their model permissions."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from sms import roles

ADMIN_EXTRA_APPS = ("auth", "authtoken")


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for label in (*roles.DOMAIN_APPS, *ADMIN_EXTRA_APPS):
        create_permissions(global_apps.get_app_config(label), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    models_by_app = {
        label: [model._meta.model_name for model in global_apps.get_app_config(label).get_models()]
        for label in roles.DOMAIN_APPS
    }
    for role in roles.ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = roles.permission_codenames(role, models_by_app)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        if role == roles.ADMIN:
            permissions += Permission.objects.filter(content_type__app_label__in=ADMIN_EXTRA_APPS)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=roles.ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("students", "0001_initial"),
        ("courses", "0001_initial"),
        ("grades", "0001_initial"),
        ("attendance", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
