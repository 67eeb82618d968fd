"""Backups end to end on the suite's database engine (SQLite, or PostgreSQL with DATABASE_URL).

Every test is transactional (transaction=True): a backup reads the committed database through a
connection of its own, and a restore refuses to run inside a transaction, so neither may run
inside the test-case transaction pytest-django wraps around ordinary tests.
"""

import base64
import datetime
import io
import json
import os
import sqlite3
import stat
import tempfile
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import translation

from attendance.models import Attendance
from attendance.services import attendance_record
from audit import chain
from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from courses.models import Enrollment
from grades.models import Grade
from grades.services import grade_record
from sms.backup import engines, format, keys, services
from students.models import Student
from students.services import student_create, student_delete

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English; a Greek page earlier in this thread must not leak in."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path, monkeypatch):
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where plaintext may pass
    return settings


@pytest.fixture
def school():
    """Three students in a course with grades and attendance, every row with history and chain links."""
    course = make_course()
    students = [make_student(first_name=name) for name in ("Ελένη", "Nikos", "Maria")]
    for number, student in enumerate(students):
        enroll(student, course)
        grade_record(student=student, course=course, assignment_name="Quiz", category="Homework",
                     grade=Decimal(12 + number), max_grade=Decimal(20), date_assigned=datetime.date(2026, 10, 1))
        attendance_record(student=student, course=course, date=datetime.date(2026, 10, 2), status="Absent")
    return students


def names():
    return sorted(Student.objects.values_list("first_name", flat=True))


def counts():
    return {model.__name__: model.objects.count() for model in (Student, Enrollment, Grade, Attendance)}


def backup_file(metadata):
    return services.backup_dir() / f"{metadata['id']}{services.SUFFIX}"


def metadata_file(metadata):
    return services.backup_dir() / f"{metadata['id']}.json"


def test_create_writes_an_encrypted_file_its_metadata_and_a_key_file_only_the_owner_can_read(school, settings):
    metadata = services.create()
    data = backup_file(metadata).read_bytes()
    assert data.startswith(format.MAGIC) and b"Nikos" not in data and "Ελένη".encode() not in data
    stored = json.loads(metadata_file(metadata).read_text())
    assert stored["engine"] == connection.vendor and stored["size"] == len(data) and stored["app_version"]
    assert set(stored) >= {"id", "created_at", "sha256", "key_id", "format_version", "plaintext_size"}
    for path in (settings.SMS_BACKUP_KEY_FILE, backup_file(metadata), metadata_file(metadata)):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert AuditLog.objects.filter(action="backup_create", entity_id=metadata["id"], success=True).exists()


def test_no_plaintext_is_left_anywhere_after_a_backup_and_a_restore(school, settings):
    metadata = services.create()
    services.restore(metadata["id"])
    assert os.listdir(tempfile.tempdir) == []
    left = sorted(path.suffix for path in services.backup_dir().iterdir())
    assert left == [".json", ".json", ".smsbak", ".smsbak"]  # the backup and the safety backup


def test_list_shows_status_and_verify_checks_the_whole_file(school):
    assert services.list_backups() == []
    metadata = services.create()
    assert services.list_backups()[0]["status"] == "unverified"
    services.verify(metadata["id"])
    assert services.list_backups()[0]["status"] == "verified"
    assert AuditLog.objects.filter(entity_id=metadata["id"], changes__operation="backup_verify").exists()
    backup_file(metadata).write_bytes(backup_file(metadata).read_bytes()[:-1])
    assert services.list_backups()[0]["status"] == "size-mismatch"
    with pytest.raises(services.BackupError, match="checksum"):
        services.verify(metadata["id"])
    backup_file(metadata).unlink()
    assert services.list_backups()[0]["status"] == "missing"


def test_a_tampered_file_with_a_fixed_checksum_is_still_refused(school):
    metadata = services.create()
    path = backup_file(metadata)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF
    path.write_bytes(bytes(data))
    metadata_file(metadata).write_text(json.dumps({**metadata, "sha256": services._file_sha256(path)}))
    with pytest.raises(services.BackupError, match="damaged or was tampered"):
        services.verify(metadata["id"])
    assert AuditLog.objects.filter(entity_id=metadata["id"], success=False).exists()


def test_a_lost_master_key_is_refused_with_what_to_do(school, settings):
    metadata = services.create()
    os.remove(settings.SMS_BACKUP_KEY_FILE)
    assert services.list_backups()[0]["status"] == "key-missing"
    with pytest.raises(services.BackupError, match="Restore the key file"):
        services.verify(metadata["id"])


def test_a_wrong_master_key_under_the_right_id_is_refused(school, settings):
    metadata = services.create()
    ring = json.loads(settings.SMS_BACKUP_KEY_FILE.read_text())
    ring["keys"][metadata["key_id"]] = "A" * 43 + "="  # another 32-byte key
    settings.SMS_BACKUP_KEY_FILE.write_text(json.dumps(ring))
    with pytest.raises(services.BackupError, match="master key does not open this backup"):
        services.restore(metadata["id"])
    assert len(services.list_backups()) == 1  # refused before the safety backup


def test_the_key_file_may_not_live_in_the_backup_directory(settings):
    settings.SMS_BACKUP_KEY_FILE = settings.SMS_BACKUP_DIR / "master.key"
    with pytest.raises(ImproperlyConfigured, match="inside SMS_BACKUP_DIR"):
        keys.current()


def test_restore_brings_every_table_back_keeps_a_safety_backup_and_the_audit_chain_verifies(school):
    before = counts()
    metadata = services.create()
    student_delete(student=Student.objects.get(first_name="Nikos"))
    make_student(first_name="Added after")
    safety = services.restore(metadata["id"])
    assert names() == ["Maria", "Nikos", "Ελένη"] and counts() == before
    assert safety["reason"] == f"before restoring {metadata['id']}"
    # The restore's own entry is written after the swap: it is in the restored database, chained on.
    entry = AuditLog.objects.get(action="backup_restore", entity_id=metadata["id"])
    assert entry.success and entry.changes["safety_backup"] == safety["id"]
    assert chain.verify() is None
    # Sequences came back with the rows: new rows get fresh ids and are chained as usual.
    student_create(student_id="S99999", first_name="Νέα", last_name="Μαθήτρια", email="new@school.example",
                   enrollment_date=datetime.date(2026, 9, 1))
    assert chain.verify() is None
    services.restore(safety["id"])
    assert "Added after" in names() and "Nikos" not in names()


def test_rotation_rewraps_every_backup_and_retires_the_old_key_then_restore_works(school, settings):
    first = services.create()
    old_key = first["key_id"]
    new_key, count = services.rotate_key()
    assert count == 1 and new_key != old_key
    ring = json.loads(settings.SMS_BACKUP_KEY_FILE.read_text())
    assert list(ring["keys"]) == [new_key]  # nothing needs the old key any more
    assert stat.S_IMODE(os.stat(settings.SMS_BACKUP_KEY_FILE).st_mode) == 0o600
    listed = services.list_backups()[0]
    assert listed["key_id"] == new_key and listed["size"] == first["size"]
    assert AuditLog.objects.filter(action="key_rotate", entity_id=new_key).exists()
    student_delete(student=Student.objects.get(first_name="Maria"))
    services.restore(first["id"])
    assert "Maria" in names()


def test_rotation_changes_only_the_key_block(school):
    first = services.create()
    before = backup_file(first).read_bytes()
    services.rotate_key()
    after = backup_file(first).read_bytes()
    assert len(after) == len(before)
    assert after[:format.FIXED.size] == before[:format.FIXED.size]
    assert after[format.HEADER_SIZE:] == before[format.HEADER_SIZE:]
    assert after[format.FIXED.size:format.HEADER_SIZE] != before[format.FIXED.size:format.HEADER_SIZE]


def test_rotation_keeps_a_key_a_backup_still_needs_and_stops_before_changing_anything(school, settings):
    first = services.create()
    second = services.create()
    path = backup_file(second)
    data = bytearray(path.read_bytes())
    data[format.FIXED.size + format.KEY_ID_LENGTH + 20] ^= 1  # the wrapped data key no longer opens
    path.write_bytes(bytes(data))
    ring = settings.SMS_BACKUP_KEY_FILE.read_text()
    with pytest.raises(services.BackupError, match=f"Backup {second['id']} cannot be opened"):
        services.rotate_key()
    assert settings.SMS_BACKUP_KEY_FILE.read_text() == ring
    assert AuditLog.objects.filter(action="key_rotate", success=False).exists()
    services.verify(first["id"])


def test_a_failed_restore_of_a_damaged_backup_leaves_the_database_untouched(school):
    metadata = services.create()
    student_delete(student=Student.objects.get(first_name="Nikos"))
    before = names()
    path = backup_file(metadata)
    data = bytearray(path.read_bytes())
    data[format.HEADER_SIZE + 3] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(services.BackupError):
        services.restore(metadata["id"])
    assert names() == before
    assert len(services.list_backups()) == 1  # refused before the safety backup
    assert AuditLog.objects.filter(action="backup_restore", success=False).exists()


def hold_the_students_table():
    """Another connection that keeps the students table locked, so a restore's swap must fail."""
    if connection.vendor == "sqlite":
        import sqlite3

        other = sqlite3.connect(engines._sqlite_database(), uri=True, isolation_level=None)
        other.execute("BEGIN")
        other.execute("SELECT * FROM students_student").fetchall()  # a read lock in the shared cache
        return other
    import psycopg

    settings_dict = connection.settings_dict
    other = psycopg.connect(dbname=settings_dict["NAME"], host=settings_dict["HOST"] or None,
                            port=settings_dict["PORT"] or None, user=settings_dict["USER"] or None,
                            password=settings_dict["PASSWORD"] or None)
    other.execute("LOCK TABLE students_student IN ACCESS SHARE MODE")  # DROP TABLE must wait for it
    return other


def test_a_restore_that_fails_during_the_swap_leaves_the_database_untouched(school, monkeypatch):
    monkeypatch.setattr(engines, "WAIT_SECONDS", 1)
    metadata = services.create()
    student_delete(student=Student.objects.get(first_name="Nikos"))
    make_student(first_name="Added after")
    before = counts()
    other = hold_the_students_table()
    try:
        with pytest.raises(services.BackupError, match="database was not changed"):
            services.restore(metadata["id"])
    finally:
        other.close()
    assert counts() == before and "Added after" in names()
    assert chain.verify() is None
    assert len(services.list_backups()) == 2  # the safety backup was taken before the swap


def forge_backup(backup_id, plaintext, **record):
    """A genuinely encrypted backup of `plaintext` with a record that claims whatever `record` says."""
    key_id, master = keys.current()
    path = services.backup_dir(create=True) / f"{backup_id}{services.SUFFIX}"
    with open(path, "wb") as out:
        format.encrypt_stream(io.BytesIO(plaintext), out, key_id, master)
    (services.backup_dir() / f"{backup_id}.json").write_text(json.dumps({
        "id": backup_id, "created_at": "2026-01-01T00:00:00+00:00", "engine": connection.vendor,
        "app_version": "0.1.0", "size": path.stat().st_size, "plaintext_size": len(plaintext),
        "sha256": services._file_sha256(path), "key_id": key_id, **record}))


def test_a_backup_that_is_not_a_database_is_refused_before_anything_changes(school):
    forge_backup("garbage", b"not a database at all" * 100)
    before = names()
    with pytest.raises(services.BackupError, match="database was not changed: the backup holds neither"):
        services.restore("garbage")
    assert names() == before


def test_a_backup_of_the_other_engine_is_refused_from_its_content_whatever_its_record_says(school, tmp_path):
    if connection.vendor == "sqlite":
        other, plaintext = "postgresql", b"PGDMP\x01\x0f\x00" + bytes(200)  # a pg_dump -Fc archive's start
    else:
        sqlite3.connect(tmp_path / "other.sqlite3").executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        other, plaintext = "sqlite", (tmp_path / "other.sqlite3").read_bytes()
    forge_backup("other-engine", plaintext)  # the record says this site's engine
    with pytest.raises(services.BackupError, match=f"This backup is of a {other} database and this site runs"):
        services.restore("other-engine")
    assert len(services.list_backups()) == 1  # refused before the safety backup


def test_a_backup_of_another_engine_or_a_newer_version_is_refused(school):
    metadata = services.create()
    meta = metadata_file(metadata)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    meta.write_text(json.dumps({**metadata, "engine": other}))
    with pytest.raises(services.BackupError, match=f"of a {other} database"):
        services.restore(metadata["id"])
    meta.write_text(json.dumps({**metadata, "app_version": "99.0.0"}))
    with pytest.raises(services.BackupError, match="upgrade SMS first"):
        services.restore(metadata["id"])
    assert len(services.list_backups()) == 1


def test_a_backup_in_a_newer_file_format_is_refused_with_what_to_do(school):
    metadata = services.create()
    path = backup_file(metadata)
    data = bytearray(path.read_bytes())
    data[len(format.MAGIC):len(format.MAGIC) + 2] = (format.VERSION + 1).to_bytes(2, "big")
    path.write_bytes(bytes(data))
    metadata_file(metadata).write_text(json.dumps({**metadata, "sha256": services._file_sha256(path)}))
    with pytest.raises(services.BackupError, match="newer SMS"):
        services.restore(metadata["id"])


def test_a_restore_inside_a_transaction_is_refused_before_anything_happens(school):
    metadata = services.create()
    with transaction.atomic(), pytest.raises(services.BackupError, match="inside a database transaction"):
        services.restore(metadata["id"])
    assert len(services.list_backups()) == 1


def test_a_backup_inside_an_open_transaction_never_waits_for_it(school):
    with transaction.atomic():
        make_student(first_name="Uncommitted")
        if connection.vendor == "sqlite":
            # The test database lives in SQLite's shared cache, where the open write transaction
            # locks the tables: the snapshot connection is refused at once instead of waiting.
            with pytest.raises(services.BackupError, match="locked"):
                services.create()
            return
        metadata = services.create()  # PostgreSQL: a snapshot of the committed data only
    services.restore(metadata["id"])
    assert not Student.all_objects.filter(first_name="Uncommitted").exists()


def test_prune_keeps_the_newest(school):
    made = [services.create()["id"] for _ in range(3)]
    deleted = services.prune(keep=2)
    assert deleted == [made[0]] and [item["id"] for item in services.list_backups()] == made[:0:-1]
    assert not (services.backup_dir() / f"{made[0]}{services.SUFFIX}").exists()
    assert AuditLog.objects.filter(changes__operation="backup_prune").exists()
    for bad in (0, -1, "2", None):
        with pytest.raises(services.BackupError, match="at least one"):
            services.prune(keep=bad)
    assert len(services.list_backups()) == 2


def test_unknown_or_unsafe_backup_ids_are_explained():
    for bad in ("nope", "../etc/passwd", "", ".hidden", "a/b", None):
        with pytest.raises(services.BackupError):
            services.verify(bad)


LATER_MIGRATION = ("students", "9999_a_later_feature")


@pytest.fixture
def later_version():
    """What a later SMS leaves behind: a table with a foreign key into a restored table, and its
    migration recorded. Removed afterwards: the test database outlives the test (flush empties
    model tables only)."""

    def install():
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE later_feature (id integer PRIMARY KEY, "
                           "student_id bigint NOT NULL REFERENCES students_student (id))")
            cursor.execute("INSERT INTO later_feature VALUES (1, %s)", [Student.objects.first().pk])
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                           [*LATER_MIGRATION, datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)])

    yield install
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS later_feature")
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", list(LATER_MIGRATION))


def database_state():
    """Every table with its row count, and the migrations recorded as applied."""
    with connection.cursor() as cursor:
        rows = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows[table] = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations")
        return rows, set(cursor.fetchall())


def test_a_restore_replaces_the_whole_database_even_tables_only_a_later_version_has(school, later_version):
    rows, migrations = database_state()
    metadata = services.create()
    later_version()
    student_delete(student=Student.objects.get(first_name="Maria"))
    safety = services.restore(metadata["id"])
    rows_now, migrations_now = database_state()
    assert "later_feature" not in rows_now and migrations_now == migrations
    # The same tables with the same rows; the audit log has two entries more, written after the swap:
    # the safety backup's (again) and the restore's.
    audit_tables = {"audit_auditlog": 2, "audit_chainlink": 2}
    assert rows_now == {table: count + audit_tables.get(table, 0) for table, count in rows.items()}
    assert AuditLog.objects.filter(action="backup_create", entity_id=safety["id"]).exists()
    assert chain.verify() is None


def test_a_failed_restore_leaves_a_later_versions_tables_and_every_row_intact(school, later_version, monkeypatch):
    monkeypatch.setattr(engines, "WAIT_SECONDS", 1)
    metadata = services.create()
    later_version()
    before = database_state()
    other = hold_the_students_table()
    try:
        with pytest.raises(services.BackupError, match="database was not changed"):
            services.restore(metadata["id"])
    finally:
        other.close()
    rows, migrations = database_state()
    assert rows["later_feature"] == 1 and LATER_MIGRATION in migrations
    assert rows == {**before[0], "audit_auditlog": rows["audit_auditlog"], "audit_chainlink": rows["audit_chainlink"]}
    assert migrations == before[1]


def test_a_snapshot_that_breaks_off_in_the_middle_of_the_swap_changes_nothing(school, tmp_path):
    with engines.snapshot(tmp_path) as stream:
        whole = stream.read()
    broken = tmp_path / "broken"
    broken.write_bytes(whole[:len(whole) * 2 // 3])
    make_student(first_name="Added after")
    before = database_state()
    with pytest.raises(engines.EngineError):
        engines.restore_from(broken)
    assert database_state() == before and "Added after" in names()


def test_a_backup_with_migrations_this_sms_does_not_have_is_refused_whatever_its_record_says(school, later_version):
    later_version()
    metadata = services.create()  # its record names this SMS's version
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", list(LATER_MIGRATION))
    before = names()
    for record in (metadata, {name: value for name, value in metadata.items() if name != "app_version"}):
        metadata_file(metadata).write_text(json.dumps(record))
        with pytest.raises(services.BackupError, match=(
                r"has 1 migration this SMS does not have \(students.9999_a_later_feature\): it was made by a "
                r"newer SMS. Upgrade SMS first")):
            services.restore(metadata["id"])
    assert names() == before
    assert len(services.list_backups()) == 1  # refused before the safety backup


def test_listing_backups_is_audited_with_how_many_there_are(school):
    services.create()
    services.create()
    assert len(services.list_backups()) == 2
    entry = AuditLog.objects.filter(changes__operation="backup_list").latest("pk")
    assert entry.success and entry.entity_type == "backup" and entry.changes["count"] == 2


def test_a_copied_record_is_flagged_and_never_makes_prune_delete_another_backup(school):
    older, newer = services.create(), services.create()
    metadata_file(older).write_text(metadata_file(newer).read_text())  # older.json now claims to be newer
    listed = {item["id"]: item["status"] for item in services.list_backups()}
    assert listed == {older["id"]: "record-mismatch", newer["id"]: "unverified"}
    assert services.prune(keep=1) == []
    assert backup_file(older).exists() and backup_file(newer).exists()
    with pytest.raises(services.BackupError, match=f"names another backup \\({newer['id']}\\)"):
        services.verify(older["id"])
    services.verify(newer["id"])


def test_an_unreadable_file_of_the_recorded_size_is_listed_as_such(school):
    metadata = services.create()
    path = backup_file(metadata)
    path.write_bytes(bytes(path.stat().st_size))
    assert services.list_backups()[0]["status"] == "unreadable"
    assert str(services.STATUSES["unreadable"]) == "not a readable backup"


def test_rotation_skips_a_backup_deleted_while_it_runs(school, monkeypatch):
    kept, deleted = services.create(), services.create()
    scan = services._scan

    def listed_then_deleted_by_hand():
        backups = scan()
        backup_file(deleted).unlink()
        return backups

    monkeypatch.setattr(services, "_scan", listed_then_deleted_by_hand)
    key_id, count = services.rotate_key()
    assert count == 1
    assert services._header_key_id(backup_file(kept)) == key_id
    assert AuditLog.objects.get(action="key_rotate", success=True).changes["skipped"] == 1
    services.verify(kept["id"])


def test_a_rotation_interrupted_in_the_middle_of_a_key_block_is_finished_by_running_it_again(school, monkeypatch):
    metadata = services.create()
    student_delete(student=Student.objects.get(first_name="Maria"))

    def torn_write(file, block):
        with open(file, "r+b") as stream:  # half the new block reaches the disk, then the power goes
            stream.seek(format.FIXED.size)
            stream.write(block[:30])
        raise OSError("input/output error")

    monkeypatch.setattr(services, "_write_key_block", torn_write)
    with pytest.raises(services.BackupError, match="Run it again to finish it"):
        services.rotate_key()
    assert AuditLog.objects.filter(action="key_rotate", success=False).exists()
    monkeypatch.undo()
    key_id, count = services.rotate_key()
    assert count == 1 and services._header_key_id(backup_file(metadata)) == key_id
    assert "previous_key_block" not in json.loads(metadata_file(metadata).read_text())
    services.verify(metadata["id"])
    services.restore(metadata["id"])
    assert "Maria" in names()


@pytest.mark.parametrize("operation", ["verify", "restore", "prune"])
def test_verify_restore_and_prune_wait_for_a_key_rotation_in_progress(school, operation):
    backup_id = services.create()["id"]
    run = {"verify": lambda: services.verify(backup_id), "restore": lambda: services.restore(backup_id),
           "prune": lambda: services.prune(keep=5)}[operation]
    finished = threading.Event()

    def in_another_thread():
        try:
            run()
            finished.set()
        finally:
            connection.close()

    with keys.lock(exclusive=True):  # what a rotation holds
        worker = threading.Thread(target=in_another_thread)
        worker.start()
        time.sleep(0.5)
        assert not finished.is_set()
    worker.join(timeout=60)
    assert finished.is_set()


def test_the_master_key_never_appears_in_logs_output_or_audit_entries(school, caplog, capsys, settings):
    from django.core.management import call_command

    caplog.set_level("DEBUG")
    out = io.StringIO()
    ring_values = []
    call_command("backup", "create", stdout=out, stderr=out)
    ring_values += json.loads(settings.SMS_BACKUP_KEY_FILE.read_text())["keys"].values()
    call_command("backup", "rotate-key", stdout=out, stderr=out)
    call_command("backup", "list", stdout=out, stderr=out)
    ring_values += json.loads(settings.SMS_BACKUP_KEY_FILE.read_text())["keys"].values()
    captured = capsys.readouterr()
    written = "\n".join([caplog.text, out.getvalue(), captured.out, captured.err,
                         *(json.dumps(entry.changes) for entry in AuditLog.objects.all())])
    assert len(set(ring_values)) == 2 and "New master key" in written
    for value in ring_values:
        raw = base64.b64decode(value)
        for form in (value, raw.hex(), base64.urlsafe_b64encode(raw).decode(), repr(raw)):
            assert form not in written


def test_a_database_user_who_does_not_own_the_public_schema_is_told_how_to_fix_it(school):
    if connection.vendor != "postgresql":
        pytest.skip("schema ownership is PostgreSQL's; CI runs this test there")
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE pg_monitor")  # a built-in role that owns nothing in this database
        try:
            with pytest.raises(engines.EngineError, match=(
                    "pg_monitor does not own the schema public.*ALTER SCHEMA public OWNER TO pg_monitor;")):
                engines._pg_check_schema_owner()
        finally:
            cursor.execute("RESET ROLE")
    engines._pg_check_schema_owner()  # the test database's owner may replace it
