"""Students: create, edit, search and soft delete on the staff pages; restore in the admin."""

from playwright.sync_api import expect

from students.models import Student
from students.services import student_delete


def restore_in_admin(page, student_id):
    page.goto("/admin/students/student/?deleted=yes")
    row = page.locator("#result_list tbody tr", has_text=student_id)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("restore_selected")
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("1 record restored.")


def test_an_admin_restores_a_deleted_student_in_the_admin(admin_page):
    student_delete(student=Student.objects.get(student_id="E2E-002"))
    restore_in_admin(admin_page, "E2E-002")
    assert Student.objects.filter(student_id="E2E-002").exists()
