import pytest
from django.contrib.auth.models import User

from conftest import make_student
from students.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


def test_the_student_list_hides_deleted_rows_until_asked(admin_client):
    make_student(last_name="Alive")
    make_student(last_name="Gone").soft_delete()
    page = admin_client.get("/admin/students/student/").content.decode()
    assert "Alive" in page and "Gone" not in page
    deleted = admin_client.get("/admin/students/student/?deleted=yes").content.decode()
    assert "Gone" in deleted and "Alive" not in deleted


def test_the_restore_action_brings_a_student_back(admin_client):
    student = make_student()
    student.soft_delete()
    response = admin_client.post("/admin/students/student/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [student.pk]}, follow=True)
    assert response.status_code == 200
    assert Student.objects.filter(pk=student.pk).exists()


def test_restore_collisions_are_shown_as_an_error_message(admin_client):
    student = make_student(email="same@school.example")
    student.soft_delete()
    make_student(email="same@school.example")
    response = admin_client.post("/admin/students/student/?deleted=yes",
                                 {"action": "restore_selected", "_selected_action": [student.pk]}, follow=True)
    assert "cannot be restored" in response.content.decode()
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_deleting_in_the_admin_is_a_soft_delete(admin_client):
    student = make_student()
    admin_client.post(f"/admin/students/student/{student.pk}/delete/", {"post": "yes"})
    assert Student.all_objects.get(pk=student.pk).is_deleted


def test_history_page_lists_changes(admin_client):
    student = make_student()
    student.first_name = "Changed"
    student.save()
    response = admin_client.get(f"/admin/students/student/{student.pk}/history/")
    assert response.status_code == 200 and "Changed" in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/students/student/", "/admin/courses/course/", "/admin/courses/enrollment/",
                                 "/admin/grades/grade/", "/admin/grades/dailyperformance/",
                                 "/admin/attendance/attendance/"])
def test_every_domain_admin_list_renders(admin_client, url):
    assert admin_client.get(url).status_code == 200
