from sms import roles


def can_edit_students(user):
    """Teachers and administrators manage student records; viewers only read."""
    return roles.can_write(user)


def can_restore_students(user):
    return roles.is_admin(user)
