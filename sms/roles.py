"""The three roles, as Django groups created by migration `sms.0001_roles`.

admin: everything. teacher: manages students, enrollments, grades and attendance (of the courses
they teach, checked per object in each app's access module); no audit, backups or user admin.
viewer: read-only.
"""

ADMIN = "admin"
TEACHER = "teacher"
VIEWER = "viewer"
ROLES = (ADMIN, TEACHER, VIEWER)

DOMAIN_APPS = ("students", "courses", "grades", "attendance")
TEACHER_MANAGES = ("student", "enrollment", "grade", "attendance", "dailyperformance")


def role_of(user):
    """The strongest role a user holds, or None for anonymous users and users with no role."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_sms_role", False)
    if cached is False:
        names = set(user.groups.values_list("name", flat=True))
        cached = next((role for role in ROLES if role in names), None)
        user._sms_role = cached
    return cached


def is_admin(user):
    return role_of(user) == ADMIN


def is_teacher(user):
    return role_of(user) == TEACHER


def can_write(user):
    return role_of(user) in (ADMIN, TEACHER)


def can_read(user):
    return role_of(user) is not None


def permission_codenames(role, models_by_app):
    """The (app_label, codename) pairs a role's group holds, given {app_label: [model names]}."""
    pairs = []
    for app_label, model_names in models_by_app.items():
        for model in model_names:
            actions = ["view"]
            if role == ADMIN or (role == TEACHER and model in TEACHER_MANAGES):
                actions += ["add", "change", "delete"]
            pairs += [(app_label, f"{action}_{model}") for action in actions]
    return pairs
