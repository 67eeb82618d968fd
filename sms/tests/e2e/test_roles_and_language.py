"""A viewer only reads; a person who switches to Greek gets Greek pages and Greek errors."""

import re

from playwright.sync_api import expect


def test_a_viewer_sees_no_edit_controls_and_is_refused_on_a_write_url(viewer_page):
    page = viewer_page
    page.goto("/students/")
    expect(page.locator("#student-table")).to_be_visible()
    expect(page.locator("#add-student")).to_have_count(0)
    page.locator("#student-table tbody a").first.click()
    expect(page.locator("#student-facts")).to_be_visible()
    expect(page.locator("#edit-student")).to_have_count(0)
    response = page.goto("/students/new/")
    assert response.status == 403
    expect(page.locator("#error-page h1")).to_have_text("You are not allowed to do this")
    expect(page.locator("#request-id")).to_have_text(response.headers["x-request-id"])


def test_switching_to_greek_shows_greek_labels_and_greek_error_messages(teacher_page):
    page = teacher_page
    page.goto("/students/")
    page.locator("#language-select").select_option("el")
    page.locator("#language-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(page.locator("#main-nav")).to_contain_text("Μαθητές")
    page.goto("/students/new/")
    page.locator("#id_student_id").fill("E2E-200")
    page.locator("#id_first_name").fill("Νίκος")
    page.locator("#id_last_name").fill("Διπλός")
    page.locator("#id_email").fill("e2e-001@school.example")
    page.locator("#save-student").click()
    expect(page.locator("#field-email .errorlist")).to_have_text(
        "Άλλος μαθητής χρησιμοποιεί ήδη αυτό το email. Χρησιμοποιήστε διαφορετικό.")
    expect(page.locator("label[for=id_last_name]")).to_contain_text(re.compile("^Επώνυμο", re.IGNORECASE))
    expect(page.locator("#id_first_name")).to_have_value("Νίκος")  # the form is kept

    # Error pages are Greek too, and still give the request id to quote.
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("#error-page h1")).to_have_text("Η σελίδα δεν βρέθηκε")
    expect(page.locator("#error-page")).to_contain_text("αναφέρετε αυτόν τον κωδικό αιτήματος")
    expect(page.locator("#request-id")).to_have_text(response.headers["x-request-id"])
