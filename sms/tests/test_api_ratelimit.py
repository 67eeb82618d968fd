"""Tiered rate limits: 429 in the envelope with Retry-After; a cache outage fails open."""

import logging
from unittest import mock

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from sms.api.ratelimit import TieredRateLimit
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_the_read_tier_answers_429_with_retry_after(settings, viewer):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "2/m", "auth": "2/m"}
    client = token_client(viewer)
    for _ in range(2):
        data_of(client.get("/api/v1/students/"))
    response = client.get("/api/v1/students/")
    error = error_of(response, 429)
    assert error["code"] == "RATE_LIMITED"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert error["details"] == {"retry_after": int(response["Retry-After"])}


def test_tiers_are_counted_separately(settings, teacher):
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "5/m", "auth": "5/m"}
    client = token_client(teacher)
    data_of(client.get("/api/v1/students/"))
    error_of(client.get("/api/v1/courses/"), 429)
    error_of(client.post("/api/v1/students/", {}, format="json"), 400)  # write tier still open


def test_users_are_counted_separately(settings, viewer, teacher):
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "1/m", "auth": "1/m"}
    data_of(token_client(viewer).get("/api/v1/students/"))
    data_of(token_client(teacher).get("/api/v1/students/"))


def test_the_token_endpoint_is_in_the_auth_tier(settings, viewer):
    settings.SMS_API_RATE_LIMITS = {"read": "100/m", "write": "100/m", "auth": "3/m"}
    client = APIClient()
    for _ in range(3):
        error_of(client.post("/api/v1/auth/token/", {"username": "viewer_user", "password": "wrong"}), 400)
    response = client.post("/api/v1/auth/token/", {"username": "viewer_user", "password": "pass-1234"})
    assert error_of(response, 429)["code"] == "RATE_LIMITED"


def test_a_down_cache_fails_open_and_logs_a_warning(settings, viewer, caplog):
    # Redis on a port where nothing listens: every cache call raises ConnectionError.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "1/m", "auth": "1/m"}
    client = token_client(viewer)
    with caplog.at_level(logging.WARNING, logger="sms.api.ratelimit"):
        for _ in range(3):
            data_of(client.get("/api/v1/students/"))
    assert "fail-open" in caplog.text


def test_a_cache_that_cannot_count_also_fails_open(settings, viewer, monkeypatch):
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "1/m", "auth": "1/m"}
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    client = token_client(viewer)
    for _ in range(3):
        data_of(client.get("/api/v1/students/"))


def test_refused_requests_without_valid_credentials_are_limited_per_address(settings):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "2/m", "auth": "2/m"}
    client = APIClient()
    error_of(client.get("/api/v1/students/"), 401)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    error_of(client.get("/api/v1/students/"), 401)
    assert error_of(client.get("/api/v1/students/"), 429)["code"] == "RATE_LIMITED"


def test_forbidden_writes_count_against_the_write_tier(settings, viewer):
    settings.SMS_API_RATE_LIMITS = {"read": "100/m", "write": "2/m", "auth": "100/m"}
    client = token_client(viewer)
    statuses = [client.post("/api/v1/students/", {}, format="json").status_code for _ in range(5)]
    assert statuses == [403, 403, 429, 429, 429]
    assert error_of(client.post("/api/v1/students/", {}, format="json"), 429)["code"] == "RATE_LIMITED"
    data_of(client.get("/api/v1/students/"))  # the read tier is its own


def test_forbidden_reads_count_against_the_read_tier(settings, teacher):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "100/m", "auth": "100/m"}
    client = token_client(teacher)
    statuses = [client.get("/api/v1/audit/logs/").status_code for _ in range(3)]  # admins only
    assert statuses == [403, 403, 429]


def test_refusals_after_the_throttle_are_counted_once(settings, teacher, enrollment):
    # A teacher not teaching the course: refused by the object-level check, after the throttle ran.
    settings.SMS_API_RATE_LIMITS = {"read": "100/m", "write": "3/m", "auth": "100/m"}
    client = token_client(teacher)
    statuses = [client.delete(f"/api/v1/enrollments/{enrollment.pk}/").status_code for _ in range(4)]
    assert statuses == [403, 403, 403, 429]


@pytest.mark.parametrize("role", ["viewer", "teacher"])
def test_each_request_is_counted_once_whatever_its_answer(settings, request, role):
    # 403 (viewer) or 400 (teacher) for the first two, then 429: Ratelimited subclasses
    # PermissionDenied, and must not be counted a second time as a refusal.
    settings.SMS_API_RATE_LIMITS = {"read": "100/m", "write": "2/m", "auth": "100/m"}
    client = token_client(request.getfixturevalue(role))
    calls = []
    original = TieredRateLimit.allow_request

    def counting(self, *args):
        calls.append(1)
        return original(self, *args)

    with mock.patch.object(TieredRateLimit, "allow_request", counting):
        for expected_calls in (1, 2, 3, 4):
            client.post("/api/v1/students/", {}, format="json")
            assert len(calls) == expected_calls
    error_of(client.post("/api/v1/students/", {}, format="json"), 429)
