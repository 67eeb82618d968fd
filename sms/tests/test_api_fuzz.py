"""The REST API fuzzed from its own OpenAPI schema with schemathesis, in-process (WSGI).

For every operation in /api/v1/schema/, schemathesis generates requests that fit the schema and
requests that break it, sends them as an administrator, and checks each answer: no 500, a status
the schema documents, a body and headers matching the schema, schema-breaking input refused, and
(our own check) the {success, data, error, meta} envelope with the request id. It runs in
`make test` and CI on SQLite and PostgreSQL; FUZZ_EXAMPLES bounds the requests per operation and
FUZZ_ROLE=teacher or viewer fuzzes as that role instead (a deeper run by hand).

Left out on purpose: `positive_data_acceptance`. It expects every schema-valid body to be
accepted, but the schema cannot say that `student` must name an existing, enrolled student or
that an email must be unique, so a 400 for those is right, not a bug.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from conftest import enroll, make_course, make_student
from sms.api.testing import ENVELOPE_KEYS

# The items schemathesis generates ask for the database only through `token` (getfixturevalue),
# which pytest-django cannot see when it decides which test databases to create: without this
# mark, running this file alone would write into the configured database (db.sqlite3 or
# DATABASE_URL) instead of a test database.
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ROLE_FIXTURES = {"admin": "admin_user", "teacher": "teacher", "viewer": "viewer"}
ROLE = os.environ.get("FUZZ_ROLE", "admin")
NO_LIMITS = {"read": "1000000/m", "write": "1000000/m", "auth": "1000000/m"}

# Loaded once at collection from the running app, so the fuzzing follows the schema as served.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture
def keep_the_test_connection():
    """The WSGI handler closes "old" database connections around each request; inside the test's
    transaction that would close the test's own connection on PostgreSQL. Django's test client
    disconnects the same handler for the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(request, settings, keep_the_test_connection):
    # Thousands of requests a minute from one user: the rate limits would answer most with 429.
    settings.SMS_API_RATE_LIMITS = NO_LIMITS
    user = request.getfixturevalue(ROLE_FIXTURES[ROLE])
    for _index in range(3):  # a few rows, so generated ids sometimes hit something
        course = make_course()
        course.teachers.add(user)  # a teacher may then write to them
        enroll(make_student(), course)
    return Token.objects.get_or_create(user=user)[0].key


def is_in_the_envelope(ctx, response, case):
    """Every JSON answer under /api/ is the envelope and names the request id of its header."""
    if response.status_code == 204 or "json" not in response.headers.get("Content-Type", [""])[0]:
        return None  # an empty 204, an exported file or a PDF report card
    body = response.json()
    assert isinstance(body, dict) and set(body) == ENVELOPE_KEYS, f"not the envelope: {body!r}"
    assert body["success"] is (response.status_code < 400), body
    assert body["meta"]["request_id"] == response.headers["X-Request-ID"][0], body["meta"]
    assert (body["error"] is None) is body["success"], body
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_every_operation_answers_generated_requests_as_its_schema_says(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        additional_checks=[is_in_the_envelope],
        excluded_checks=[positive_data_acceptance],
    )
