import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from conftest import make_course
from courses.access import can_edit_course, can_manage_course_records
from sms import roles

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"admin", "teacher", "viewer"}


def test_viewers_only_view(viewer):
    codenames = {p.split(".")[1] for p in viewer.get_all_permissions()}
    assert codenames and all(name.startswith("view_") for name in codenames)


def test_teachers_manage_records_but_not_courses_users_or_audit(teacher):
    assert teacher.has_perm("grades.change_grade") and teacher.has_perm("attendance.add_attendance")
    assert teacher.has_perm("students.add_student") and teacher.has_perm("courses.view_course")
    assert not teacher.has_perm("courses.change_course")
    assert not teacher.has_perm("auth.change_user")


def test_admins_may_manage_users_and_courses(admin_user):
    assert admin_user.has_perm("auth.change_user") and admin_user.has_perm("courses.delete_course")


def test_role_of_picks_the_role_from_groups_or_superuser(admin_user, teacher, viewer):
    superuser = User.objects.create_superuser("root", password="x")
    nobody = User.objects.create_user("nobody", password="x")
    assert [roles.role_of(u) for u in (admin_user, teacher, viewer, superuser, nobody, AnonymousUser())] == [
        "admin", "teacher", "viewer", "admin", None, None]


def test_teachers_manage_records_only_of_the_courses_they_teach(teacher, admin_user, viewer):
    mine, other = make_course(), make_course()
    mine.teachers.add(teacher)
    assert can_manage_course_records(teacher, mine) and not can_manage_course_records(teacher, other)
    assert can_manage_course_records(admin_user, other) and not can_manage_course_records(viewer, mine)
    assert can_edit_course(admin_user) and not can_edit_course(teacher)
