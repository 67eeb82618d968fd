"""Courses: create with evaluation rules, then enrol students in bulk."""

from playwright.sync_api import expect

from courses.models import Course


def test_an_admin_creates_a_course_with_rules_and_enrols_students_in_bulk(admin_page):
    page = admin_page
    page.goto("/courses/")
    page.locator("#add-course").click()
    page.locator("#id_course_code").fill("e2e-chem")
    page.locator("#id_course_name").fill("Chemistry")
    page.locator("#id_semester").fill("2026 Fall")
    page.locator("#id_credits").fill("5")
    page.locator("#id_periods_per_week").fill("3")
    # innerText: what is shown, without the explanations that carry `hidden`.
    explanation = page.locator("#rules-explanation")
    expect(explanation).to_have_text("No rules yet: final grades cannot be computed until you add "
                                     "categories and weights.", use_inner_text=True)
    page.locator("#id_rules-0-category").fill("Εργασία")
    page.locator("#id_rules-0-weight").fill("40")
    page.locator("#id_rules-1-category").fill("Final")
    page.locator("#id_rules-1-weight").press_sequentially("60,5")
    # Live total and explanation while typing, only the matching explanation shown.
    expect(page.locator("#weight-total")).to_have_text("100.5")
    expect(explanation).to_have_text("That is more than 100: lower some weights before saving.", use_inner_text=True)
    page.locator("#id_rules-1-weight").fill("60")
    expect(page.locator("#weight-total")).to_have_text("100")
    expect(explanation).to_have_text("Final grades are complete once every category has grades.",
                                     use_inner_text=True)
    page.locator("#id_rules-1-weight").fill("50")
    expect(page.locator("#weight-total")).to_have_text("90")
    expect(explanation).to_contain_text("shown as provisional", use_inner_text=True)
    expect(explanation.locator("[data-rules-state]:visible")).to_have_count(1)
    page.locator("#save-course").click()
    expect(page.locator("#messages")).to_contain_text("Course E2E-CHEM was saved.")
    expect(page.locator("#rules-explanation")).to_contain_text("provisional")

    page.locator("#enrol-students").click()
    page.locator("#enrol-search").fill("e2e-00")
    page.locator("#enrol-search-submit").click()
    page.locator("#select-all").check()
    page.locator("#enrol-submit").click()
    expect(page.locator("#messages")).to_contain_text("6 students enrolled in E2E-CHEM.")
    expect(page.locator("#enrolled-table tbody tr")).to_have_count(6)
    assert Course.objects.get(course_code="E2E-CHEM").enrollments.count() == 6


def test_weights_over_100_are_refused_and_the_rules_kept(admin_page):
    page = admin_page
    page.goto("/courses/new/")
    page.locator("#id_course_code").fill("E2E-BIO")
    page.locator("#id_course_name").fill("Biology")
    page.locator("#id_semester").fill("2026 Fall")
    page.locator("#id_rules-0-category").fill("Lab")
    page.locator("#id_rules-0-weight").fill("70")
    page.locator("#id_rules-1-category").fill("Final")
    page.locator("#id_rules-1-weight").fill("50")
    page.locator("#save-course").click()
    expect(page.locator("#rules-errors")).to_contain_text("The weights add up to 120")
    expect(page.locator("#id_rules-1-weight")).to_have_value("50")
    assert not Course.objects.filter(course_code="E2E-BIO").exists()
