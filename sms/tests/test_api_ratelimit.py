"""Tiered rate limits: 429 in the envelope with Retry-After; a cache outage fails open."""

import logging

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

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
