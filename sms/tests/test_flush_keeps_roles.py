from django.contrib.auth.models import Group
from django.core.management import call_command

from sms import roles


def test_flush_brings_the_role_groups_back_with_their_permissions(transactional_db):
    before = {group.name: group.permissions.count() for group in Group.objects.all()}
    call_command("flush", interactive=False, verbosity=0)
    after = {group.name: group.permissions.count() for group in Group.objects.all()}
    assert set(after) == set(roles.ROLES) and after == before
