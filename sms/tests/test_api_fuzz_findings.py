"""What fuzzing the API from its schema found (sms/tests/test_api_fuzz.py), pinned one by one."""

import pytest
from django.core.cache import cache
from django.test import Client

from conftest import make_student
from sms.api.testing import data_of, envelope_of, error_of, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.mark.parametrize("resource", ["students", "courses", "enrollments", "grades", "attendance",
                                      "daily-performance"])
def test_restoring_a_malformed_id_is_a_404_not_a_crash(admin_user, resource):
    response = token_client(admin_user).post(f"/api/v1/{resource}/null,null/restore/")
    envelope_of(response, 404)


@pytest.mark.parametrize("page_size", ["abc", "0", "-5", "1.5"])
def test_a_malformed_page_size_is_refused(viewer, page_size):
    error = error_of(token_client(viewer).get(f"/api/v1/students/?page_size={page_size}"), 400)
    assert error["code"] == "VALIDATION_ERROR" and "page_size" in error["details"]


def test_a_blank_page_size_gives_the_default_and_a_large_one_is_capped(viewer):
    client = token_client(viewer)
    assert data_of(client.get("/api/v1/students/?page_size="))["page_size"] == 25
    assert data_of(client.get("/api/v1/students/?page_size=5000"))["page_size"] == 200


@pytest.mark.parametrize("query", ["students/?study_year=0.5", "courses/?teacher=0.5",
                                   "attendance/?period_number=1.5", "students/?is_active=maybe",
                                   "students/?is_active=-58800"])
def test_a_filter_value_the_schema_does_not_allow_is_refused(viewer, query):
    assert error_of(token_client(viewer).get(f"/api/v1/{query}"), 400)["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(("value", "active"), [("true", [True]), ("1", [True]), ("false", [False]),
                                               ("0", [False]), ("", [False, True]),
                                               ("unknown", [False, True])])
def test_the_active_filter_reads_true_false_and_blank(viewer, value, active):
    make_student(is_active=True), make_student(is_active=False)
    items = data_of(token_client(viewer).get(f"/api/v1/students/?is_active={value}"))["items"]
    assert sorted({item["is_active"] for item in items}) == active


def test_the_student_list_page_explains_a_bad_active_filter(client, viewer):
    client.force_login(viewer)
    response = client.get("/students/?is_active=maybe")
    assert response.status_code == 200
    assert b"Enter true or false." in response.content


def test_the_schema_documents_blank_filters_and_body_errors():
    schema = Client().get("/api/v1/schema/?format=json").json()
    students = schema["paths"]["/api/v1/students/"]
    parameters = {parameter["name"]: parameter for parameter in students["get"]["parameters"]}
    assert parameters["search"]["allowEmptyValue"] is True
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert "" in parameters["ordering"]["schema"]["items"]["enum"]
    assert {"413", "415"} <= set(students["post"]["responses"])
    assert "415" not in students["get"]["responses"]
