"""The hash chain detects every kind of tampering, and verify_audit_chain reports it."""

import importlib
import json
import threading
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections, models

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


def exit_code_of_verify(monkeypatch):
    """verify_audit_chain as `manage.py verify_audit_chain` runs it: its process exit code."""
    # run_from_argv closes every connection when it ends, which would drop the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    try:
        execute_from_command_line(["manage.py", "verify_audit_chain"])
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_an_untouched_chain_verifies(written, monkeypatch):
    assert chain.verify() is None
    assert exit_code_of_verify(monkeypatch) == 0
    output = verify_output()
    assert "Audit chain intact: 5 entries verified." in output  # 2 history rows + 3 actions
    assert f"Chain head: {ChainHead.objects.get().digest}" in output


def test_every_history_row_and_audit_entry_has_exactly_one_link(written):
    history_table = Student.history.model._meta.db_table
    assert ChainLink.objects.filter(table=history_table).count() == 2
    assert ChainLink.objects.filter(table="audit_auditlog").count() == 3
    assert ChainHead.objects.get().links == 5


def test_a_changed_audit_entry_is_named(written, monkeypatch, capsys):
    entry = AuditLog.objects.order_by("id")[1]
    raw("UPDATE audit_auditlog SET changes = %s WHERE id = %s", ['{"n": 99}', entry.pk])
    with pytest.raises(CommandError, match=f"audit_auditlog row {entry.pk}: the row was changed"):
        verify_output()
    assert exit_code_of_verify(monkeypatch) == 1
    assert f"audit_auditlog row {entry.pk}: the row was changed" in capsys.readouterr().err


def test_a_changed_history_row_is_named(written):
    history = Student.history.model
    row = history.objects.order_by("history_id").first()
    raw(f"UPDATE {history._meta.db_table} SET first_name = 'Forged' WHERE history_id = %s", [row.pk])
    problem = chain.verify()
    assert (problem.table, problem.row_id) == (history._meta.db_table, row.pk)
    assert "changed" in problem.reason


def test_a_deleted_row_is_named(written, monkeypatch):
    entry = AuditLog.objects.order_by("id")[0]
    raw("DELETE FROM audit_auditlog WHERE id = %s", [entry.pk])
    assert "deleted" in chain.verify().reason
    assert exit_code_of_verify(monkeypatch) == 1


def test_a_row_inserted_by_hand_is_named(written, monkeypatch):
    raw("INSERT INTO audit_auditlog (user_id, username, action, entity_type, entity_id, changes, timestamp, "
        "user_agent, request_id, success) VALUES (NULL, 'intruder', 'custom', '', '', '{}', %s, '', '', %s)",
        ["2026-01-01 00:00:00", True])
    problem = chain.verify()
    assert problem.table == "audit_auditlog" and "inserted" in problem.reason
    assert exit_code_of_verify(monkeypatch) == 1


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


def test_a_write_after_the_head_was_rewound_does_not_hide_the_cut(written):
    """Before, the next write resealed whatever the head said, and the cut tail verified again."""
    last = ChainLink.objects.order_by("-id").first()
    raw("DELETE FROM audit_auditlog WHERE id = %s", [last.row_id])
    raw(f"DELETE FROM {ChainLink._meta.db_table} WHERE id = %s", [last.pk])
    raw(f"UPDATE {ChainHead._meta.db_table} SET digest = %s, links = links - 1", [last.previous])
    log_action(action="custom", entity_type="audit", changes={"after": "the cut"})
    log_action(action="custom", entity_type="audit", changes={"and": "another"})
    assert "the chain head was rewritten" in chain.verify().reason


def test_a_deleted_chain_head_is_named(written, monkeypatch):
    raw(f"DELETE FROM {ChainHead._meta.db_table}")
    assert str(chain.verify()) == "chain: the chain head was deleted"
    assert exit_code_of_verify(monkeypatch) == 1


def test_a_forged_digest_without_the_key_does_not_verify(written, settings):
    settings.SECRET_KEY = "another-key-entirely"
    assert "changed" in chain.verify().reason


def test_audit_entries_cannot_be_changed_deleted_or_bulk_inserted_through_the_orm(written):
    from django.core.exceptions import PermissionDenied

    entry = AuditLog.objects.first()
    entry.action = "login"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    for manager in (AuditLog.objects, AuditLog._base_manager):  # the base manager offers no way round
        with pytest.raises(PermissionDenied):
            manager.update(action="login")
        with pytest.raises(PermissionDenied):
            manager.all().delete()
        with pytest.raises(PermissionDenied):
            manager.bulk_create([AuditLog(action="custom", username="unlinked")])
        with pytest.raises(PermissionDenied):
            manager.bulk_update([entry], ["action"])
    assert not AuditLog.objects.filter(username="unlinked").exists() and chain.verify() is None


@pytest.mark.django_db(transaction=True)  # verify opens its own transaction only outside one
def test_verify_reads_links_head_and_tables_in_one_read_only_snapshot(monkeypatch):
    """On a live site writers commit while verify walks the chain. Reading everything as of one
    instant, it sees none of them, instead of a head ahead of the links it read ("the last links
    were removed") or a new row without its link ("inserted by hand")."""
    for number in range(3):
        log_action(action="custom", entity_type="audit", changes={"n": number})
    make_student()
    during, check_batch = {}, chain._check_batch

    def write_elsewhere():
        try:
            log_action(action="custom", entity_type="audit", changes={"while": "verifying"})
        finally:
            connections.close_all()

    def walk_while_someone_writes(*args):
        if not during:
            during["in_transaction"] = connection.in_atomic_block
            if connection.vendor == "postgresql":  # SQLite's readers hold writers off instead
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('transaction_isolation'), "
                                   "current_setting('transaction_read_only')")
                    during["mode"] = cursor.fetchone()
                writer = threading.Thread(target=write_elsewhere)
                writer.start()
                writer.join()
        return check_batch(*args)

    monkeypatch.setattr(chain, "_check_batch", walk_while_someone_writes)
    assert chain.verify() is None
    assert during["in_transaction"] and not connection.in_atomic_block
    if connection.vendor == "postgresql":
        assert during["mode"] == ("repeatable read", "on")
        assert AuditLog.objects.filter(changes__contains={"while": "verifying"}).count() == 1
    assert chain.verify() is None and ChainHead.objects.get().links == ChainLink.objects.count()


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


# A release adds a column to a chained table (here the student history table): its migration runs
# ALTER TABLE and the model gains the field. Rows linked before keep their recorded column list.

@pytest.fixture
def added_column():
    history = Student.history.model
    if connection.vendor == "postgresql":  # no table with foreign-key checks still pending can be altered
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw(f"ALTER TABLE {history._meta.db_table} ADD COLUMN nickname varchar(40) NULL")  # undone with the test
    field = models.CharField(max_length=40, null=True, blank=True)
    field.contribute_to_class(history, "nickname")
    yield field
    remove_field(history, field)


def remove_field(model, field):
    if field in model._meta.local_fields:
        model._meta.local_fields.remove(field)
        model._meta._expire_cache()
        delattr(model, field.attname)


def schema_of(link):
    return ChainHead.objects.get().schemas[str(link.schema)]


def history_rows():
    return Student.history.model.objects.order_by("history_id")


def test_a_column_added_by_a_later_release_keeps_old_rows_verifiable_and_covers_new_rows(
        written, added_column):
    old = history_rows().first()
    student_update(student=Student.objects.get(), data={"first_name": "Eleni"})
    new = history_rows().last()
    assert chain.verify() is None
    table = Student.history.model._meta.db_table
    old_schema, new_schema = (schema_of(ChainLink.objects.get(table=table, row_id=row.pk)) for row in (old, new))
    assert "nickname" not in old_schema["columns"] and "nickname" in new_schema["columns"]
    # A value the old rows never had is not covered for them...
    raw(f"UPDATE {table} SET nickname = 'added later' WHERE history_id = %s", [old.pk])
    assert chain.verify() is None
    # ...and is for the rows written since, like every column the old rows were linked with.
    raw(f"UPDATE {table} SET nickname = 'forged' WHERE history_id = %s", [new.pk])
    problem = chain.verify()
    assert (problem.row_id, problem.reason) == (new.pk, "the row was changed after it was written")
    raw(f"UPDATE {table} SET nickname = NULL WHERE history_id = %s", [new.pk])
    raw(f"UPDATE {table} SET first_name = 'Forged' WHERE history_id = %s", [old.pk])
    assert chain.verify().row_id == old.pk


def test_rows_written_after_the_column_change_that_are_deleted_or_inserted_are_named(written, added_column):
    student_update(student=Student.objects.get(), data={"first_name": "Eleni"})
    history = Student.history.model
    table, newest = history._meta.db_table, history_rows().last()
    names = [field.column for field in history._meta.concrete_fields]
    copied = ", ".join("history_id + 1000" if name == "history_id" else name for name in names)
    raw(f"INSERT INTO {table} ({', '.join(names)}) SELECT {copied} FROM {table} WHERE history_id = %s",
        [newest.pk])
    problem = chain.verify()
    assert (problem.row_id, problem.reason) == (
        newest.pk + 1000, "the row was inserted without going through the application")
    raw(f"DELETE FROM {table} WHERE history_id = %s", [newest.pk])
    assert (chain.verify().row_id, chain.verify().reason) == (newest.pk, "the row was deleted")


def test_an_edited_column_list_is_detected(written, added_column):
    student_update(student=Student.objects.get(), data={"first_name": "Eleni"})
    schemas = ChainHead.objects.get().schemas
    schema_id, entry = next((key, entry) for key, entry in schemas.items() if "nickname" in entry["columns"])
    # Taking the new column out of the list would leave it unchecked for the new rows: the seal says no.
    entry["columns"].remove("nickname")
    raw(f"UPDATE {ChainHead._meta.db_table} SET schemas = %s", [json.dumps(schemas)])
    problem = chain.verify()
    assert problem.reason == f"the column list recorded for {entry['table']} (schema {schema_id}) was changed"


def test_a_link_moved_to_another_column_list_is_detected(written, added_column):
    student_update(student=Student.objects.get(), data={"first_name": "Eleni"})
    table = Student.history.model._meta.db_table
    old_link, new_link = ChainLink.objects.filter(table=table).order_by("id")[0], ChainLink.objects.filter(
        table=table).order_by("-id")[0]
    assert old_link.schema != new_link.schema
    raw(f"UPDATE {ChainLink._meta.db_table} SET schema = %s WHERE id = %s", [old_link.schema, new_link.pk])
    problem = chain.verify()
    assert (problem.row_id, problem.reason) == (new_link.row_id, "the row was changed after it was written")


def test_a_column_removed_while_the_chain_covers_it_is_reported_not_a_crash(written, added_column):
    student_update(student=Student.objects.get(), data={"first_name": "Eleni"})
    remove_field(Student.history.model, added_column)
    problem = chain.verify()
    assert problem.reason == "column(s) nickname covered by the chain are no longer in the table"


def test_a_new_schema_is_recorded_once_per_column_list_not_per_write(written, added_column):
    student = Student.objects.get()
    for name in ("Eleni", "Nikos", "Anna"):
        student_update(student=student, data={"first_name": name})
    table = Student.history.model._meta.db_table
    recorded = [entry["columns"] for key, entry in sorted(ChainHead.objects.get().schemas.items())
                if entry["table"] == table]
    current = chain.columns(Student.history.model)
    assert recorded == [[name for name in current if name != "nickname"], current]  # before and after the column


def test_a_chain_written_before_schemas_were_recorded_verifies_after_the_upgrade():
    """Migration 0003: links written by the previous release (their digests name no schema) get a
    version-1 schema with the columns that release hashed, and the head is resealed."""
    upgrade = importlib.import_module("audit.migrations.0003_chain_schemas")
    student = make_student()
    student_update(student=student, data={"first_name": "Anna"})
    log_action(action="custom", entity_type="audit", changes={"n": 1})
    previous = ""
    for link in ChainLink.objects.order_by("id"):  # rewrite the chain as the previous release wrote it
        model = chain.chained_models()[link.table]
        legacy_columns = upgrade.LEGACY_COLUMNS[link.table]
        values = model._base_manager.filter(pk=link.row_id).values_list(*legacy_columns).get()
        current = chain.digest(previous, link.table, link.row_id, values)
        raw(f"UPDATE {ChainLink._meta.db_table} SET digest = %s, previous = %s WHERE id = %s",
            [current, previous, link.pk])
        previous = current
    head = ChainHead.objects.get()
    raw(f"UPDATE {ChainHead._meta.db_table} SET digest = %s, schemas = %s, mac = %s",
        [previous, "{}", upgrade._old_head_seal(type(head)(digest=previous, links=head.links))])
    assert chain.verify() is not None  # not yet upgraded: the links do not match their (new) schemas

    upgrade.record_legacy_schemas(apps, None)

    assert chain.verify() is None
    schemas = ChainHead.objects.get().schemas
    assert {schemas[str(link.schema)]["version"] for link in ChainLink.objects.all()} == {1}
    student_update(student=student, data={"first_name": "Eleni"})  # the first write after the upgrade
    assert schema_of(ChainLink.objects.order_by("-id").first())["version"] == 2 and chain.verify() is None
    history = Student.history.model
    raw(f"UPDATE {history._meta.db_table} SET first_name = 'Forged' WHERE history_id = %s",
        [history.objects.order_by("history_id").first().pk])
    assert "changed" in chain.verify().reason


def test_the_upgrade_leaves_a_head_rewound_before_it_reported():
    upgrade = importlib.import_module("audit.migrations.0003_chain_schemas")
    log_action(action="custom", entity_type="audit")
    raw(f"UPDATE {ChainHead._meta.db_table} SET schemas = %s, mac = %s", ["{}", "0" * 64])
    upgrade.record_legacy_schemas(apps, None)
    assert ChainHead.objects.get().mac == "0" * 64
