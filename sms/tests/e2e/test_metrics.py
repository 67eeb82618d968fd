"""The metrics dashboard renders its charts in a real browser."""

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
