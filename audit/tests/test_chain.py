"""The hash chain detects every kind of tampering, and verify_audit_chain reports it."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from audit import chain
from audit.models import AuditLog, ChainHead, ChainLink
from audit.services import log_action
from conftest import make_student
from students.models import Student
from students.services import student_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def written():
    student = make_student()
    student_update(student=student, data={"first_name": "Anna"})
    for number in range(3):
        log_action(action="custom", entity_type="test", entity_id=number, changes={"n": number})
    return student


def verify_output():
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_untouched_chain_verifies(written):
    assert chain.verify() is None
    output = verify_output()
    assert "Audit chain intact: 5 entries verified." in output  # 2 history rows + 3 actions
    assert f"Chain head: {ChainHead.objects.get().digest}" in output


def test_every_history_row_and_audit_entry_has_exactly_one_link(written):
    history_table = Student.history.model._meta.db_table
    assert ChainLink.objects.filter(table=history_table).count() == 2
    assert ChainLink.objects.filter(table="audit_auditlog").count() == 3
    assert ChainHead.objects.get().links == 5


def test_a_changed_audit_entry_is_named(written):
    entry = AuditLog.objects.order_by("id")[1]
    raw("UPDATE audit_auditlog SET changes = %s WHERE id = %s", ['{"n": 99}', entry.pk])
    with pytest.raises(CommandError, match=f"audit_auditlog row {entry.pk}: the row was changed"):
        verify_output()


def test_a_changed_history_row_is_named(written):
    history = Student.history.model
    row = history.objects.order_by("history_id").first()
    raw(f"UPDATE {history._meta.db_table} SET first_name = 'Forged' WHERE history_id = %s", [row.pk])
    problem = chain.verify()
    assert (problem.table, problem.row_id) == (history._meta.db_table, row.pk)
    assert "changed" in problem.reason


def test_a_deleted_row_is_named(written):
    entry = AuditLog.objects.order_by("id")[0]
    raw("DELETE FROM audit_auditlog WHERE id = %s", [entry.pk])
    assert "deleted" in chain.verify().reason


def test_a_row_inserted_by_hand_is_named(written):
    raw("INSERT INTO audit_auditlog (user_id, username, action, entity_type, entity_id, changes, timestamp, "
        "user_agent, request_id, success) VALUES (NULL, 'intruder', 'custom', '', '', '{}', %s, '', '', %s)",
        ["2026-01-01 00:00:00", True])
    problem = chain.verify()
    assert problem.table == "audit_auditlog" and "inserted" in problem.reason


def test_a_removed_link_in_the_middle_or_at_the_end_is_detected(written):
    links = list(ChainLink.objects.order_by("id"))
    raw(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [links[-1].pk])
    assert "head" in chain.verify().reason
    raw(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [links[1].pk])
    assert "removed or reordered" in chain.verify().reason


def test_cutting_off_the_newest_entries_and_rewinding_the_head_is_detected(written):
    """The tail cut a person covering their tracks would make: row, link and head all edited by hand."""
    last = ChainLink.objects.order_by("-id").first()
    raw("DELETE FROM audit_auditlog WHERE id = %s", [last.row_id])
    raw(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [last.pk])
    raw(f"UPDATE {ChainHead._meta.db_table} SET digest = %s, links = links - 1", [last.previous])
    with pytest.raises(CommandError, match="the chain head was rewritten"):
        verify_output()


def test_a_forged_digest_without_the_key_does_not_verify(written, settings):
    settings.SECRET_KEY = "another-key-entirely"
    assert "changed" in chain.verify().reason


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(written):
    from django.core.exceptions import PermissionDenied

    entry = AuditLog.objects.first()
    entry.action = "login"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditLog.objects.update(action="login")
    with pytest.raises(PermissionDenied):
        AuditLog.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_produce_exactly_their_entries_with_an_intact_chain():
    """Each writer appends audit entries and history rows (a student edit) in its own transactions."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; CI runs this test there (SQLite serialises writers itself)")
    students = [make_student() for _ in range(20)]
    errors, barrier = [], threading.Barrier(20)

    def writer(number):
        try:
            barrier.wait()
            for step in range(5):
                log_action(action="custom", entity_type="writer", entity_id=number, changes={"step": step})
                student_update(student=Student.objects.get(pk=students[number].pk),
                               data={"first_name": f"Writer{number}-{step}"})
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditLog.objects.filter(entity_type="writer").count() == 100
    assert set(AuditLog.objects.values_list("entity_id", flat=True)) == {str(n) for n in range(20)}
    history = Student.history.model
    assert history.objects.filter(history_type="~").count() == 100
    assert chain.verify() is None
    # 20 student creations + 100 edits (history rows) + 100 audit entries, one unforked chain
    assert ChainHead.objects.get().links == ChainLink.objects.count() == 220
    previous = list(ChainLink.objects.order_by("id").values_list("previous", flat=True))
    assert len(set(previous)) == 220  # no two links share a predecessor: the chain never forked
