"""An error page tells the person the request id to quote when they report it."""

from playwright.sync_api import expect


def test_an_unknown_page_shows_the_request_id_sent_in_its_header(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    request_id = response.headers["x-request-id"]
    assert request_id
    expect(page.get_by_text(request_id)).to_be_visible()
