"""OpenAPI schema and docs: every resource described, responses inside the envelope."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_every_resource(schema):
    paths = set(schema["paths"])
    for resource in ("students", "courses", "enrollments", "grades", "attendance", "daily-performance"):
        assert f"/api/v1/{resource}/" in paths and f"/api/v1/{resource}/{{id}}/restore/" in paths
    assert {"/api/v1/students/{id}/final-grades/", "/api/v1/grades/bulk/", "/api/v1/attendance/bulk/",
            "/api/v1/auth/token/"} <= paths


def test_the_schema_wraps_responses_in_the_envelope(schema):
    ok = schema["paths"]["/api/v1/students/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(ok["properties"]) == {"success", "data", "error", "meta"}
    page = schema["components"]["schemas"][ok["properties"]["data"]["$ref"].rsplit("/", 1)[1]]
    assert set(page["properties"]) == {"items", "total", "page", "page_size", "pages"}
    errors = schema["paths"]["/api/v1/students/"]["post"]["responses"]
    assert {"400", "401", "403", "429", "500"} <= set(errors)
    assert "EnvelopeError" in schema["components"]["schemas"]


def test_the_schema_does_not_offer_to_edit_enrollments(schema):
    assert set(schema["paths"]["/api/v1/enrollments/{id}/"]) - {"parameters"} == {"get", "delete"}
    assert {"put", "patch"} <= set(schema["paths"]["/api/v1/students/{id}/"])


def test_the_schema_documents_405_for_a_method_a_path_does_not_list(schema):
    error_envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert "405 (HTTP_405, with an Allow header)" in error_envelope["description"]
    assert "405 (HTTP_405)" in schema["info"]["description"]
    # Not per operation: a listed operation is a method its path allows.
    assert not any("405" in operation.get("responses", {}) for operations in schema["paths"].values()
                   for operation in operations.values() if isinstance(operation, dict))


def test_the_docs_page_loads_swagger_from_our_static_files():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in response.content
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")  # collectstatic serves it
