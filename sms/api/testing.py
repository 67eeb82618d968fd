"""Helpers for API tests: a client authenticated with a real token, and envelope checks."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ENVELOPE_KEYS = {"success", "data", "error", "meta"}


def token_client(user, **defaults):
    client = APIClient(**defaults)
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def envelope_of(response, status):
    """The parsed envelope after checking the status and the shape every /api/ response has."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ENVELOPE_KEYS
    assert set(body["meta"]) == {"request_id", "timestamp", "version"}
    assert body["meta"]["request_id"] == response["X-Request-ID"]
    assert body["meta"]["timestamp"].endswith("Z")
    assert body["success"] is (status < 400)
    if status >= 400:
        assert set(body["error"]) == {"code", "message", "details", "path"}
        assert body["data"] is None or isinstance(body["data"], dict)
    else:
        assert body["error"] is None
    return body


def error_of(response, status):
    return envelope_of(response, status)["error"]


def data_of(response, status=200):
    return envelope_of(response, status)["data"]
