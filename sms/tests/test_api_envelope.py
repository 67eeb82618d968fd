"""Every /api/ response has the envelope: success, each error status, unknown URLs and crashes."""

import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from conftest import make_student
from sms import __version__
from sms.api.testing import data_of, envelope_of, error_of, token_client
from sms.logging import RequestContextFilter
from students.api import StudentViewSet
from students.models import Student

pytestmark = pytest.mark.django_db


def test_a_success_carries_data_and_meta(viewer, student):
    body = envelope_of(token_client(viewer).get(f"/api/v1/students/{student.pk}/"), 200)
    assert body["data"]["student_id"] == student.student_id
    assert body["meta"]["version"] == __version__


def test_a_create_answers_201_in_the_envelope(teacher):
    data = data_of(token_client(teacher).post("/api/v1/students/", {
        "student_id": "s-1", "first_name": "Ελένη", "last_name": "Οικονόμου", "email": "E@X.GR",
    }, format="json"), 201)
    assert (data["student_id"], data["email"]) == ("S-1", "e@x.gr")


def test_a_delete_answers_204_with_an_empty_body(teacher, student):
    response = token_client(teacher).delete(f"/api/v1/students/{student.pk}/")
    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Request-ID"]


def test_a_validation_error_lists_messages_per_field(teacher):
    error = error_of(token_client(teacher).post("/api/v1/students/", {"student_id": "S1"}, format="json"), 400)
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == {"first_name", "last_name", "email"}
    assert error["path"] == "/api/v1/students/"


def test_malformed_json_gets_400_saying_where_in_the_clients_language(teacher):
    client = token_client(teacher)
    response = client.post("/api/v1/students/", '{"first_name": "A",\n not json', content_type="application/json")
    error = error_of(response, 400)
    assert error["code"] == "HTTP_400"
    assert error["message"] == "The body is not valid JSON: check its syntax at line 2, column 2."
    greek = client.post("/api/v1/students/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="el")
    assert error_of(greek, 400)["message"] == "Το σώμα του αιτήματος δεν είναι έγκυρο JSON: ελέγξτε τη σύνταξή του στη γραμμή 1, στήλη 2."
    latin1 = client.post("/api/v1/students/", '{"first_name": "\xe9"}'.encode("latin-1"), content_type="application/json")
    assert error_of(latin1, 400)["message"] == "The body is not valid JSON: check its syntax and that it is UTF-8 text."


def test_a_request_without_credentials_gets_401():
    response = APIClient().get("/api/v1/students/")
    assert error_of(response, 401)["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_gets_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert error_of(client.get("/api/v1/students/"), 401)["code"] == "AUTHENTICATION_FAILED"


def test_a_forbidden_write_gets_403(viewer):
    error = error_of(token_client(viewer).post("/api/v1/students/", {}, format="json"), 403)
    assert error["code"] == "HTTP_403"


def test_a_missing_record_gets_404(viewer):
    assert error_of(token_client(viewer).get("/api/v1/students/999999/"), 404)["code"] == "HTTP_404"


def test_an_unknown_url_gets_the_404_envelope(viewer):
    error = error_of(token_client(viewer).get("/api/v1/no-such-thing/"), 404)
    assert error == {"code": "HTTP_404", "message": "The requested resource was not found.", "details": None,
                     "path": "/api/v1/no-such-thing/"}


def test_an_unknown_url_without_credentials_also_gets_the_envelope():
    assert error_of(Client().get("/api/nothing/"), 404)["code"] == "HTTP_404"


def test_an_address_without_its_trailing_slash_gets_a_404_envelope_naming_the_right_one(teacher):
    client = token_client(teacher)
    for response in (client.get("/api/v1/students"), client.post("/api/v1/students", {}, format="json")):
        error = error_of(response, 404)
        assert error["message"] == "API addresses end with a slash: use /api/v1/students/"
    greek = client.get("/api/v1/students", HTTP_ACCEPT_LANGUAGE="el")
    assert error_of(greek, 404)["message"] == (
        "Οι διευθύνσεις του API τελειώνουν σε κάθετο: χρησιμοποιήστε /api/v1/students/")
    assert Client().get("/students").status_code == 301  # web pages still add the slash


def test_a_post_without_the_trailing_slash_is_no_500_with_debug_on(teacher, settings):
    settings.DEBUG = True  # Django's slash redirect refuses a POST with a RuntimeError under DEBUG
    response = token_client(teacher, raise_request_exception=False).post("/api/v1/students", {}, format="json")
    assert response.status_code == 404


def test_a_wrong_method_gets_405(teacher):
    assert error_of(token_client(teacher).delete("/api/v1/students/"), 405)["code"] == "HTTP_405"


def test_a_crash_gets_the_500_envelope_without_internals(viewer):
    client = token_client(viewer, raise_request_exception=False)
    boom = RuntimeError("SELECT password FROM auth_user; secret-key-123")
    with mock.patch.object(StudentViewSet, "list", side_effect=boom):
        response = client.get("/api/v1/students/")
    error = error_of(response, 500)
    assert error["code"] == "INTERNAL_SERVER_ERROR"
    assert b"secret-key-123" not in response.content and b"Traceback" not in response.content


def test_a_csrf_failure_with_a_session_gets_the_403_envelope(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    assert error_of(client.post("/api/v1/students/", {}), 403)["code"] == "HTTP_403"


def test_messages_follow_accept_language(viewer):
    response = token_client(viewer).get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="el")
    assert error_of(response, 404)["message"] == "Ο πόρος που ζητήσατε δεν βρέθηκε."


def test_domain_messages_follow_accept_language(teacher, student):
    response = token_client(teacher).post("/api/v1/students/", {
        "student_id": "S-NEW", "first_name": "A", "last_name": "B", "email": student.email,
    }, format="json", HTTP_ACCEPT_LANGUAGE="el")
    error = error_of(response, 400)
    assert error["code"] == "DUPLICATE_EMAIL"
    assert "email" in error["details"] and "Another" not in error["message"]


def test_the_client_request_id_reaches_header_meta_log_and_history(teacher, caplog):
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.INFO, logger="sms.api"):
        response = token_client(teacher).post("/api/v1/students/", {
            "student_id": "S-77", "first_name": "Nikos", "last_name": "Pappas", "email": "n@x.gr",
        }, format="json", HTTP_X_REQUEST_ID="trace-42.a")
    assert response["X-Request-ID"] == "trace-42.a"
    assert envelope_of(response, 201)["meta"]["request_id"] == "trace-42.a"
    assert any(r.request_id == "trace-42.a" and r.name == "sms.api" for r in caplog.records)
    history = Student.history.get(student_id="S-77")
    assert (history.history_request_id, history.history_username, history.history_source) == (
        "trace-42.a", teacher.username, "api")


@pytest.mark.parametrize("path", ["/api/v1/students/no-such/", "/api/v1/no-such-thing/"])
def test_djangos_own_4xx_warning_carries_the_client_request_id(viewer, caplog, path):
    # Django writes "Not Found: ..." after the middleware's context has closed.
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        error_of(token_client(viewer).get(path, HTTP_X_REQUEST_ID="trace-404"), 404)
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Not Found: {path}"
    assert record.request_id == "trace-404"


def test_a_log_line_outside_any_request_has_the_dash(caplog):
    caplog.handler.addFilter(RequestContextFilter())
    with caplog.at_level(logging.INFO, logger="sms.api"):
        logging.getLogger("sms.api").info("from a command")
        logging.getLogger("sms.api").info("with a foreign request", extra={"request": object()})
    assert [r.request_id for r in caplog.records] == ["-", "-"]


def test_an_unsafe_request_id_is_replaced(viewer):
    response = token_client(viewer).get("/api/v1/students/", HTTP_X_REQUEST_ID="bad id\r\nx")
    assert envelope_of(response, 200)["meta"]["request_id"] != "bad id\r\nx"
    assert len(response["X-Request-ID"]) == 32


def test_the_browsable_api_shows_the_envelope_too(viewer):
    client = Client()
    client.force_login(viewer)
    make_student()
    response = client.get("/api/v1/students/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"&quot;success&quot;: true" in response.content


@pytest.mark.parametrize(("sent", "kept"), [
    ("a" * 128, True), ("a" * 129, False), ("", False), ("uuid:3f2c-9A_b.1", True), ("x/y", False),
    ("é", False), ("a b", False),
])
def test_a_client_request_id_is_kept_only_when_it_is_1_to_128_safe_characters(viewer, sent, kept):
    response = token_client(viewer).get("/api/v1/students/", HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    assert envelope_of(response, 200)["meta"]["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_schema_and_the_docs_answer_a_wrong_method_with_the_405_envelope(path):
    response = Client().post(path)
    assert response["Content-Type"] == "application/json"
    assert error_of(response, 405) == {"code": "HTTP_405", "message": 'Method "POST" not allowed.',
                                       "details": None, "path": path}


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="])
def test_the_schema_and_the_docs_answer_429_in_the_envelope(settings, path):
    settings.SMS_API_RATE_LIMITS = {"read": "1/m", "write": "1/m", "auth": "1/m"}
    cache.clear()
    client = Client()
    assert client.get(path).status_code == 200
    response = client.get(path)
    cache.clear()
    assert response["Content-Type"] == "application/json"
    assert error_of(response, 429)["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) >= 1


def test_the_schema_and_the_docs_stay_public_without_credentials():
    client = Client()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and schema["Content-Type"].startswith("application/vnd.oai.openapi")
    assert client.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and docs["Content-Type"].startswith("text/html")
    assert client.get("/api/v1/docs/?script=")["Content-Type"].startswith("application/javascript")


def test_the_schema_with_a_bad_token_gets_the_401_envelope():
    response = Client().get("/api/v1/schema/", HTTP_AUTHORIZATION="Token nope")
    assert error_of(response, 401)["code"] == "AUTHENTICATION_FAILED"
