"""Browser tests: Playwright drives Debian's Chromium against a live server on a free localhost port.

Each test starts from `seed_e2e_data` in a transactional database that the live server thread
shares (tables are flushed after the test; the role groups come back through post_migrate).
A failing test leaves a full-page screenshot in test-results/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from students.management.commands.seed_e2e_data import E2E_USERS

CHROMIUM = Path("/usr/bin/chromium")
# No GPU, sandbox or network chatter on these machines: Chromium's own background requests to
# Google's hosts are refused here and slow every start (see PITFALLS.md).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"
TIMEOUT_MS = 10_000  # generous for a loaded CI machine; every wait is for an element or URL


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)  # read by the page fixture's teardown
    return report


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, bound to 127.0.0.1 (not "localhost", which may mean ::1)."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


# One Chromium per worker for the whole package (a launch costs 5–10 s on a loaded machine; each
# test still gets a fresh context: no cookies, storage or cache from the one before). Not session
# scope: when `make test` runs other packages' tests in the same worker, the browser (its asyncio
# loop and DJANGO_ALLOW_ASYNC_UNSAFE below) is closed before them.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Install it with `sudo apt-get install chromium` "
            "(`make test` leaves the browser tests out, with a note, when it is missing).",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop running in this thread, so Django's guard would
    # refuse the test's own ORM calls (seeding, assertions). The live server answers in its own
    # threads; nothing here runs concurrently with the loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # launch() gives every browser a fresh, empty profile directory of its own.
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def reset_shared_state():
    """Forget what earlier tests left in this process's cache, which the live server shares: the
    metrics reports (cached 60 s, so a dashboard could show an earlier test's numbers) and the
    sign-in and API rate-limit counters (five sign-ins a minute per account, twenty per address,
    and every test signs in from 127.0.0.1). The database is flushed after each test, sessions and
    the page language live in it, and every test opens a fresh browser context (no cookies)."""
    cache.clear()


@pytest.fixture
def seeded(live_server):
    reset_shared_state()
    call_command("seed_e2e_data", verbosity=0)


@pytest.fixture
def page(request, browser, live_server, seeded):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/Athens")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    if any(getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
           for when in ("setup", "call")):
        save_failure_evidence(page, request.node.nodeid)
    context.close()


def save_failure_evidence(page, nodeid):
    RESULTS_DIR.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    try:
        page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
    except PlaywrightError as error:  # a crashed page must not hide the test's own failure
        print(f"Could not save a screenshot for {nodeid}: {error}")


def login(page, username, password=None):
    """Sign in through the login page and wait until it has left it."""
    password = password if password is not None else E2E_USERS[username][0]
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^(Username|Όνομα χρήστη)")).fill(username)
    page.get_by_label(re.compile(r"^(Password|Συνθηματικό)")).fill(password)
    page.locator("#login-form [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def sign_in(page, live_server, username):
    """Give the browser a signed-in session cookie; the login form has its own tests."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


@pytest.fixture
def admin_page(page, live_server):
    return sign_in(page, live_server, "e2e-admin")


@pytest.fixture
def teacher_page(page, live_server):
    return sign_in(page, live_server, "e2e-teacher")


@pytest.fixture
def viewer_page(page, live_server):
    return sign_in(page, live_server, "e2e-viewer")
