"""Grade roster with one invalid row then fixed; attendance marked and re-opened; final grade shown."""

from decimal import Decimal

from playwright.sync_api import expect

from attendance.models import Attendance
from courses.models import Course
from grades.models import Grade
from students.management.commands.seed_e2e_data import E2E_FINAL_GRADE
from students.models import Student


def row(page, student_id):
    return page.locator(f"#row-{Student.objects.get(student_id=student_id).pk}")


def test_a_grade_roster_with_an_invalid_row_saves_nothing_until_it_is_fixed(teacher_page):
    page = teacher_page
    course = Course.objects.get(course_code="E2E-PHYS")
    page.goto(course.get_absolute_url())
    page.locator("#enter-grades").click()
    page.locator("#id_assignment_name").fill("Lab report 1")
    page.locator("#id_category").select_option("Lab")
    row(page, "E2E-003").locator(".grade-input").fill("17")
    row(page, "E2E-004").locator(".grade-input").fill("23")
    row(page, "E2E-005").locator(".grade-input").fill("12.5")
    page.locator("#save-grades").click()

    expect(page.locator("#roster-failed")).to_be_visible()
    expect(row(page, "E2E-004")).to_have_class("roster-row row-error")
    expect(row(page, "E2E-004").locator(".row-errors")).to_contain_text("Grade 23 is above the maximum 20")
    expect(row(page, "E2E-003").locator(".grade-input")).to_have_value("17")  # the form is kept
    assert not Grade.objects.filter(course=course).exists()

    row(page, "E2E-004").locator(".grade-input").fill("19")
    page.locator("#save-grades").click()
    expect(page.locator("#messages")).to_contain_text("3 grades recorded for “Lab report 1”.")
    expect(page.locator("#grade-sheet")).to_contain_text("19.00/20.00")
    assert Grade.objects.filter(course=course).count() == 3


def test_a_grade_typed_with_a_decimal_comma_is_saved_as_typed(teacher_page):
    # Key by key, as a teacher types: Chromium dropped the comma from <input type="number">, and
    # "1,5" was saved as 15.00 and "17,5" as 175 without an error.
    page = teacher_page
    course = Course.objects.get(course_code="E2E-PHYS")
    page.goto(course.get_absolute_url())
    page.locator("#enter-grades").click()
    page.locator("#id_assignment_name").fill("Lab report 2")
    page.locator("#id_category").select_option("Lab")
    row(page, "E2E-003").locator(".grade-input").press_sequentially("1,5")  # the first row of the roster
    row(page, "E2E-004").locator(".grade-input").press_sequentially("17,5")
    row(page, "E2E-005").locator(".grade-input").press_sequentially("19.25")
    row(page, "E2E-005").locator(".max-input").press_sequentially("25")
    row(page, "E2E-003").locator(".max-input").press_sequentially("20,5")
    expect(row(page, "E2E-003").locator(".grade-input")).to_have_value("1,5")  # the box keeps the comma
    # Copy down still fills the blank maximums, E2E-006's too, who has no grade: that is no error.
    page.locator("#fill-down").click()
    expect(row(page, "E2E-004").locator(".max-input")).to_have_value("20,5")
    expect(row(page, "E2E-006").locator(".max-input")).to_have_value("20,5")
    expect(row(page, "E2E-005").locator(".max-input")).to_have_value("25")
    page.locator("#save-grades").click()

    expect(page.locator("#messages")).to_contain_text("3 grades recorded for “Lab report 2”.")
    saved = {g.student.student_id: (g.grade, g.max_grade) for g in Grade.objects.filter(course=course)}
    assert saved == {"E2E-003": (Decimal("1.5"), Decimal("20.5")), "E2E-004": (Decimal("17.5"), Decimal("20.5")),
                     "E2E-005": (Decimal("19.25"), Decimal(25))}


def test_attendance_is_marked_in_one_click_per_student_and_reopened_for_editing(teacher_page):
    page = teacher_page
    course = Course.objects.get(course_code="E2E-MATH")
    page.goto(course.get_absolute_url())
    page.locator("#take-attendance").click()
    expect(page.locator("#roster-state")).to_contain_text("Everyone starts as Present")
    row(page, "E2E-002").get_by_label("Absent").check()
    row(page, "E2E-003").get_by_label("Late").check()
    page.locator("#save-attendance").click()
    expect(page.locator("#messages")).to_contain_text("2 present, 1 absent, 1 late, 0 excused")

    # Re-open the same lesson later from the course page: the roster shows what was saved.
    page.goto(course.get_absolute_url())
    page.locator("#take-attendance").click()
    expect(page.locator("#roster-state")).to_contain_text("already taken: you are editing it")
    expect(row(page, "E2E-002").get_by_label("Absent")).to_be_checked()
    expect(row(page, "E2E-003").get_by_label("Late")).to_be_checked()
    expect(row(page, "E2E-001").get_by_label("Present")).to_be_checked()
    row(page, "E2E-002").get_by_label("Excused").check()
    page.locator("#save-attendance").click()
    expect(page.locator("#messages")).to_contain_text("2 present, 0 absent, 1 late, 1 excused")
    assert Attendance.objects.filter(course=course).count() == 4
    assert Attendance.objects.get(course=course, student__student_id="E2E-002").status == "Excused"


def test_the_computed_final_grade_is_on_the_student_page(viewer_page):
    page = viewer_page
    student = Student.objects.get(student_id="E2E-001")
    page.goto(student.get_absolute_url())
    course_row = page.locator(f"#course-row-{Course.objects.get(course_code='E2E-MATH').pk}")
    expect(course_row.locator(".final-grade")).to_contain_text(f"{E2E_FINAL_GRADE}/20")
    expect(course_row.locator(".final-grade")).to_contain_text("C+ · Καλώς")  # 79 %: C+, 15.8 < 16
