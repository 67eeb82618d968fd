"""Signing in and out through the real login form."""

import re

from playwright.sync_api import expect

from sms.tests.e2e.conftest import login


def test_a_teacher_signs_in_sees_who_they_are_and_signs_out(page):
    login(page, "e2e-teacher")
    expect(page.locator("#signed-in-as")).to_contain_text("Signed in as e2e-teacher")
    expect(page.locator("#signed-in-role")).to_have_text("teacher")
    page.locator("#logout-button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#signed-in-as")).to_have_count(0)


def test_a_wrong_password_is_refused_with_a_clear_message(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("e2e-teacher")
    page.get_by_label("Password").fill("not-the-password")
    page.locator("#login-submit").click()
    expect(page.locator(".form-errors")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("e2e-teacher")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
