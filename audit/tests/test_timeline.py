"""Timeline pages: each source is cut to what a page needs before the merge (on PostgreSQL), and
every page must equal the same slice of all entries sorted newest first."""

import pytest
from django.db import connection

from audit import selectors, services
from audit.models import Action
from conftest import enroll, make_course, make_student
from sms import history
from students.models import Student
from students.services import student_update

pytestmark = pytest.mark.django_db


def make_mixed_trail():
    """Entries of four sources, interleaved in time, and a batch that shares one timestamp."""
    course = make_course()
    for number in range(8):
        student = make_student()
        enroll(student, course)
        if number % 2:
            student_update(student=student, data={"first_name": f"Anna {number}"}, reason="Spelling")
        services.log_action(action=Action.EXPORT, entity_type="students.student", changes={"rows": number})
    history.bulk_create(Student, [  # one history_date for the batch: ties broken by row, then source
        Student(student_id=f"T{number:03d}", first_name="Tie", last_name=str(number), email=f"tie{number}@x.example")
        for number in range(5)])


def everything_sorted(filters):
    """The reference: all entries of the filter, sorted in Python."""
    rows = [row for source in selectors.timeline(filters).parts for row in source]
    rows.sort(key=lambda row: row["kind"])
    rows.sort(key=lambda row: (row["at"], row["row"]), reverse=True)
    return rows


@pytest.mark.parametrize("filters", [{}, {"action": "create"}, {"entity_type": "students.student"}])
def test_every_page_of_the_timeline_is_that_slice_of_all_entries_newest_first(filters):
    make_mixed_trail()
    expected = everything_sorted(filters)
    timeline = selectors.timeline(filters)
    assert timeline.count() == len(timeline) == len(expected) > 10
    for size in (1, 3, 7, 50):
        for start in range(0, len(expected) + size, size):
            assert timeline[start:start + size] == expected[start:start + size], (size, start)
    assert timeline[0] == expected[0]


def test_a_page_costs_two_queries_however_many_sources(django_assert_num_queries):
    make_mixed_trail()
    timeline = selectors.timeline({})
    with django_assert_num_queries(2):
        assert timeline.count() > 0 and len(timeline[0:25]) == 25


def test_every_history_table_and_the_action_log_have_an_index_in_timeline_order():
    """Without it, a page sorts every history row of the district (≈ 1 s on PostgreSQL)."""
    with connection.cursor() as cursor:
        for model in [*selectors.history_models().values()]:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert any(c["index"] and c["columns"] == ["history_date", "history_id"] for c in constraints.values()), (
                model._meta.db_table)
        constraints = connection.introspection.get_constraints(cursor, "audit_auditlog")
        assert any(c["index"] and c["columns"] == ["timestamp", "id"] for c in constraints.values())


def test_an_empty_timeline_gives_empty_pages_on_every_database(admin_user):
    make_mixed_trail()
    nobody = selectors.timeline({"user": "nobody"})
    assert nobody.count() == 0 and nobody[0:0] == [] and nobody[0:25] == []
    everything = selectors.timeline({})
    assert everything[0:0] == [] and everything[5:5] == [] and len(everything[0:3]) == 3
