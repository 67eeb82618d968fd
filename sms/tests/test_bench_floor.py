"""The benchmark's SQL floor (bench/floor.py): a page's own statements, replayed behind its sign-in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import floor
from conftest import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_client(client, admin_user, settings):
    settings.ROOT_URLCONF = "bench.urls"
    client.force_login(admin_user)
    return client


def test_the_floor_keeps_the_pages_own_statements_and_leaves_out_the_sign_in(bench_client):
    for _ in range(3):
        make_student()
    own = floor.record_statements("students", lambda: bench_client.get("/students/"),
                                  lambda: bench_client.get("/bench/probe/web/"))
    statements = [sql for sql, _params in own]
    # the list's count, the courses of its filter, the page of students: no session, user or role
    assert len(statements) == 3
    assert not any("django_session" in sql or "auth_user" in sql or "auth_group" in sql for sql in statements)
    assert any('FROM "students_student"' in sql and "COUNT(" not in sql for sql in statements)


def test_the_floor_runs_the_recorded_statements_behind_the_same_sign_in(bench_client):
    make_student()
    floor.record_statements("students", lambda: bench_client.get("/students/"),
                            lambda: bench_client.get("/bench/probe/web/"))
    with CaptureQueriesContext(connection) as probe:
        bench_client.get("/bench/probe/web/")
    with CaptureQueriesContext(connection) as replayed:
        response = bench_client.get("/bench/floor/sql/web/students/")
    assert response.status_code == 200 and response.content == b""
    assert len(replayed) == len(probe) + len(floor.STATEMENTS["students"])
    bench_client.logout()
    assert bench_client.get("/bench/floor/sql/web/students/").status_code == 302


def test_the_api_floor_needs_a_token(bench_client):
    floor.record_statements("empty", lambda: None, lambda: None)
    assert bench_client.get("/bench/floor/sql/api/empty/").status_code == 401
