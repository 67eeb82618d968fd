"""The metrics API's OpenAPI schema describes each report's real answers, with data in them.

The fuzzing (sms/tests/test_api_fuzz.py) checks the answers against the schema too, but on a
school without grades or attendance, where most numbers are null or zero; here every field holds
a number, a list with rows or a date.
"""

import pytest
import requests
import schemathesis
from django.test import Client
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import JsonSchemaError

from metrics import reports
from metrics.tests.helpers import FALL
from sms.api.testing import data_of, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        raw = Client().get("/api/v1/schema/?format=json").json()
    return raw, schemathesis.openapi.from_dict(raw)


def checked(schema, path, response):
    """The response, after schemathesis checked it against the operation's schema (raises if not)."""
    operation = schema[path]["GET"]
    request = requests.Request("GET", f"http://testserver{path}").prepare()
    headers = {name.lower(): [value] for name, value in response.items()}
    operation.validate_response(Response(response.status_code, headers, response.content, request, 0.0, True))
    return response


def test_each_report_has_its_own_schema_inside_the_envelope(schema):
    raw, _loaded = schema
    for name in reports.REPORTS:
        operation = raw["paths"][f"/api/v1/metrics/{name}/"]["get"]
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(ok["properties"]) == {"success", "data", "error", "meta"}
        component = ok["properties"]["data"]["$ref"].rsplit("/", 1)[1]
        assert component == f"Metrics{name.title()}Report"
        assert {"400", "401", "403", "429"} <= set(operation["responses"])
        assert {parameter["name"] for parameter in operation["parameters"]} == {"semester", "course"}
    students = raw["components"]["schemas"]["MetricsStudentsReport"]
    assert set(students["required"]) == {"total", "active", "new_this_semester", "at_risk", "at_risk_students",
                                         "enrolled_per_course"}


@pytest.mark.parametrize("name", list(reports.REPORTS))
def test_each_report_answers_as_its_schema_says(name, schema, school, admin_user):
    _raw, loaded = schema
    client = token_client(admin_user)
    for filters in ({"semester": FALL}, {}, {"course": school["b"].pk}, {"semester": "2030 Winter"}):
        response = client.get(f"/api/v1/metrics/{name}/", filters)
        assert data_of(checked(loaded, f"/api/v1/metrics/{name}/", response)) is not None


def test_a_report_that_breaks_its_schema_is_caught(schema, school, admin_user, monkeypatch):
    # The check above is not vacuous: a report with a rate as text, or without a field, fails it.
    _raw, loaded = schema
    broken = {**reports.grades_report(reports.selectors.Scope()), "pass_rate": "75%"}
    monkeypatch.setitem(reports.REPORTS, "grades", lambda scope: broken)
    response = token_client(admin_user).get("/api/v1/metrics/grades/", {"semester": "2026 Winter"})
    with pytest.raises(JsonSchemaError, match="MetricsGradesReport/properties/pass_rate"):
        checked(loaded, "/api/v1/metrics/grades/", response)
