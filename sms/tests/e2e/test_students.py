"""Students: create, edit, search and soft delete on the staff pages; restore by an admin."""

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


def fill_student(page, **values):
    for label, value in values.items():
        page.locator(f"#id_{label}").fill(value)


def test_a_teacher_creates_edits_finds_and_deletes_a_student(teacher_page):
    page = teacher_page
    page.goto("/students/")
    page.locator("#add-student").click()
    fill_student(page, student_id="e2e-100", first_name="Άννα", last_name="Κωνσταντίνου",
                 email="anna@school.example")
    page.locator("#save-student").click()
    expect(page.locator("#messages")).to_contain_text("Student Άννα Κωνσταντίνου was added.")
    expect(page.locator("h1")).to_contain_text("E2E-100")

    page.locator("#edit-student").click()
    page.locator("#id_class_division").fill("Γ2")
    page.locator("#save-student").click()
    expect(page.locator("#student-facts")).to_contain_text("Γ2")

    page.goto("/students/")
    page.locator("#id_search").fill("κωνσταντινου")  # no accent: search ignores accents and case
    page.locator("#filter-submit").click()
    expect(page.locator("#student-table tbody tr")).to_have_count(1)
    page.locator("#student-table tbody a", has_text="Κωνσταντίνου").click()

    page.locator("#delete-student").click()
    page.locator("#confirm-delete").click()
    expect(page.locator("#messages")).to_contain_text("was deleted")
    assert Student.all_objects.get(student_id="E2E-100").is_deleted


def test_a_duplicate_email_is_explained_next_to_the_field_and_the_form_kept(teacher_page):
    page = teacher_page
    page.goto("/students/new/")
    fill_student(page, student_id="E2E-101", first_name="Petros", last_name="Duplicate",
                 email="e2e-001@school.example")
    page.locator("#save-student").click()
    expect(page.locator("#field-email .errorlist")).to_contain_text("Another student already uses this email address")
    expect(page.locator("#id_last_name")).to_have_value("Duplicate")
    assert not Student.objects.filter(student_id="E2E-101").exists()


def test_an_admin_restores_a_deleted_student_from_the_deleted_list(admin_page):
    student_delete(student=Student.objects.get(student_id="E2E-006"))
    page = admin_page
    page.goto("/students/")
    page.locator("#deleted-students").click()
    row = page.locator("#deleted-table tbody tr", has_text="E2E-006")
    row.get_by_role("button", name="Restore").click()
    expect(page.locator("#messages")).to_contain_text("was restored")
    assert Student.objects.filter(student_id="E2E-006").exists()


def test_an_admin_restores_a_deleted_student_in_the_admin(admin_page):
    student_delete(student=Student.objects.get(student_id="E2E-002"))
    restore_in_admin(admin_page, "E2E-002")
    assert Student.objects.filter(student_id="E2E-002").exists()
