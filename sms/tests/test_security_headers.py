"""Content-Security-Policy, session lifetime and the production headers.

The deploy check itself is in test_settings.py; the browser's view of the policy (no violation
on pages with scripts) is in e2e/test_content_security_policy.py.
"""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
PROD_SECRET = "x" * 20 + "-a-long-and-random-production-secret-key-0123456789"


def policy_of(response):
    header = response["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";") if directive.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/api/v1/students/", "/no-such-page/",
                                 "/api/v1/nope/"])
def test_every_response_carries_a_policy_that_forbids_inline_scripts(url):
    policy = policy_of(Client().get(url))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


def test_no_template_has_an_inline_script_style_or_event_handler():
    # The policy would block them in the browser; keep JavaScript and CSS in static/.
    offending = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")
        for pattern in (INLINE_SCRIPT, INLINE_STYLE) for match in pattern.finditer(path.read_text())
    ]
    assert offending == [], "The CSP blocks these in the browser: move them to static/js or static/css."


@pytest.mark.django_db
def test_the_api_docs_allow_inline_styles_for_swagger_ui_but_no_inline_scripts():
    policy = policy_of(Client().get("/api/v1/docs/"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self' 'unsafe-inline'"


@pytest.mark.django_db
def test_the_api_docs_load_their_initialiser_as_a_script_file():
    page = Client().get("/api/v1/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', page).group(1)
    response = Client().get(script.replace("&amp;", "&"))
    assert response.status_code == 200 and b"SwaggerUIBundle" in response.content


def test_a_session_ends_with_the_browser_and_after_one_school_day_at_most():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def at(start, hours):
    """The clock `hours` after `start`, for the session's expiry and the sign-in stamp."""
    return mock.patch("django.utils.timezone.now", return_value=start + datetime.timedelta(hours=hours))


@pytest.mark.django_db
def test_a_session_ends_eight_hours_after_signing_in_even_when_it_was_saved_since(client, teacher):
    start = timezone.now()
    with at(start, 0):
        client.post("/accounts/login/", {"username": "teacher_user", "password": "pass-1234"})
    with at(start, 7):
        client.post("/i18n/setlang/", {"language": "el", "next": "/"})  # saves the session
    with at(start, 7.9):
        assert client.get("/").status_code == 200  # no idle timeout: a quiet afternoon is fine
    with at(start, 8.1):
        response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, teacher):
    response = client.post("/accounts/login/", {"username": "teacher_user", "password": "pass-1234"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def run_with(settings_module, code, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG")}
    environment.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=120, check=False)


PROD_RESPONSE = """
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
r = Client().get('/api/v1/students/', secure=True, headers={'host': '127.0.0.1'})
print(r.status_code)
for name in ('Content-Security-Policy', 'Strict-Transport-Security', 'X-Content-Type-Options',
             'X-Frame-Options', 'Referrer-Policy', 'Cross-Origin-Opener-Policy'):
    print(name, '=', r.headers.get(name))
print('secure cookies =', settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
"""


def test_production_pages_carry_hsts_csp_and_secure_cookies():
    result = run_with("sms.settings.prod", f"exec({PROD_RESPONSE!r})", SECRET_KEY=PROD_SECRET)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("401")  # a page needs collectstatic's manifest; the API answers without
    assert "script-src 'self'" in out and "frame-ancestors 'none'" in out
    assert "Strict-Transport-Security = max-age=31536000; includeSubDomains; preload" in out
    assert "X-Content-Type-Options = nosniff" in out and "X-Frame-Options = DENY" in out
    assert "secure cookies = True True" in out


def test_plain_http_is_redirected_to_https_in_production():
    code = ("from django.test import Client; from django.test.utils import setup_test_environment; "
            "setup_test_environment(); r = Client().get('/accounts/login/', headers={'host': '127.0.0.1'}); "
            "print(r.status_code, r.headers.get('Location'))")
    result = run_with("sms.settings.prod", code, SECRET_KEY=PROD_SECRET)
    assert result.stdout.strip() == "301 https://127.0.0.1/accounts/login/", result.stderr


def test_make_run_reports_violations_without_blocking_debug_pages():
    code = ("from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY, "
            "bool(settings.CONTENT_SECURITY_POLICY_REPORT_ONLY))")
    result = run_with("sms.settings.dev", code)
    assert result.stdout.strip() == "None True", result.stderr
