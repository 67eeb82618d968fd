"""The metrics dashboard and the report pages render their charts and tables in a real browser."""

from playwright.sync_api import expect


def test_the_metrics_dashboard_renders_its_three_charts(admin_page):
    page = admin_page
    page.goto("/admin/")
    page.get_by_role("link", name="Metrics dashboard").click()
    for chart in ("grade-histogram", "attendance-trend", "pass-rate-per-course"):
        expect(page.locator(f"svg#{chart}")).to_be_visible()
        box = page.locator(f"svg#{chart}").bounding_box()
        assert box["width"] > 200 and box["height"] > 50
    expect(page.locator("svg#grade-histogram rect")).not_to_have_count(0)
    expect(page.locator("#tile-students")).to_have_text("6")


def test_the_tabs_lead_to_each_report_page_keeping_the_filter(admin_page):
    page = admin_page
    page.goto("/admin/tools/metrics/")
    page.locator("#id_semester").select_option(index=1)  # the newest semester with courses
    page.get_by_role("button", name="Show").click()
    semester = page.locator("#id_semester").input_value()
    assert semester
    for tab, shown in (("Students", "#enrolled-per-course"), ("Courses", "#course-metrics"),
                       ("Grades", "#tile-grades"), ("Attendance", "#by-status")):
        page.locator(".metrics-tabs").get_by_role("link", name=tab).click()
        expect(page.locator(shown)).to_be_visible()
        expect(page.locator("#id_semester")).to_have_value(semester)
