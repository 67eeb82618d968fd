"""The Content-Security-Policy as the browser applies it: pages with scripts and styles load them
from static files, the browser reports no violation, and the scripts still work."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import Course


def violations_while_visiting(page, paths):
    messages, current = [], [""]
    page.on("console", lambda message: messages.append(f"{current[0]}: {message.text}"))
    for path in paths:
        current[0] = path
        page.goto(path)
        page.wait_for_load_state("load")
    return [text for text in messages if "Content Security Policy" in text]


@pytest.fixture
def physics():
    return Course.objects.get(course_code="E2E-PHYS")


def test_pages_with_scripts_and_styles_raise_no_policy_violation(admin_page, physics):
    paths = ["/", "/students/", reverse("courses:create"), reverse("courses:enrol", args=[physics.pk]),
             reverse("grades:roster", args=[physics.pk]), reverse("transfer:index"),
             *(reverse(f"admin-metrics-{name}")
               for name in ("dashboard", "students", "courses", "grades", "attendance")),
             "/admin/", "/api/v1/docs/"]
    assert violations_while_visiting(admin_page, paths) == []


def test_the_swagger_ui_renders_under_the_policy(admin_page):
    admin_page.goto("/api/v1/docs/")
    expect(admin_page.locator(".swagger-ui .info .title")).to_contain_text("SMS")


def test_the_grade_roster_fill_down_button_works_under_the_policy(admin_page, physics):
    page = admin_page
    page.goto(reverse("grades:roster", args=[physics.pk]))
    inputs = page.locator("#roster-table input[name$='-max_grade']")
    inputs.first.fill("25")
    page.locator("#fill-down").click()
    expect(inputs.last).to_have_value("25")
