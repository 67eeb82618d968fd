"""POST /api/v1/auth/token/ and role permissions shared by every resource."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from conftest import make_user
from sms.api.testing import data_of, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def test_it_gives_a_token_for_a_username_and_password(teacher):
    data = data_of(APIClient().post("/api/v1/auth/token/", {"username": "teacher_user", "password": "pass-1234"}))
    assert data["username"] == "teacher_user" and data["role"] == "teacher"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {data['token']}")
    data_of(client.get("/api/v1/students/"))


def test_it_gives_the_same_token_each_time(teacher):
    post = lambda: APIClient().post(
        "/api/v1/auth/token/", {"username": "teacher_user", "password": "pass-1234"}, format="json")
    assert data_of(post())["token"] == data_of(post())["token"]


def test_it_rejects_a_wrong_password_without_saying_which_part_was_wrong(teacher):
    error = error_of(APIClient().post("/api/v1/auth/token/", {"username": "teacher_user", "password": "x"}), 400)
    assert error["code"] == "INVALID_CREDENTIALS"
    assert error["details"]["non_field_errors"]


def test_it_rejects_a_request_without_fields():
    error = error_of(APIClient().post("/api/v1/auth/token/", {}, format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == {"username", "password"}


def test_a_user_without_a_role_can_read_nothing(db):
    user = make_user("viewer")
    user.groups.clear()
    client = APIClient()
    client.force_authenticate(user)
    assert error_of(client.get("/api/v1/students/"), 403)["code"] == "HTTP_403"


def test_the_session_of_the_browsable_api_is_accepted(viewer):
    client = APIClient()
    client.force_login(viewer)
    data_of(client.get("/api/v1/courses/"))
