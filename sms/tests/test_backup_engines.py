"""SQLite snapshots and restores on a database file, as in production: committed data only, and
a busy database makes them give up with a clear error instead of waiting forever."""

import sqlite3
import time

import pytest

from sms.backup import engines


class FileDatabase:
    """Stands in for Django's connection to a SQLite file (the suite's own database is in memory)."""

    vendor = "sqlite"

    def __init__(self, path):
        self.path = str(path)
        self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=0.1)
        self.connection.execute("CREATE TABLE student (name TEXT)")
        self.connection.execute("INSERT INTO student VALUES ('Nikos')")

    def get_connection_params(self):
        return {"database": self.path}

    def ensure_connection(self):
        pass

    def names(self):
        return [name for (name,) in self.connection.execute("SELECT name FROM student ORDER BY name")]


@pytest.fixture
def database(tmp_path, monkeypatch):
    live = FileDatabase(tmp_path / "live.sqlite3")
    monkeypatch.setattr(engines, "connection", live)
    monkeypatch.setattr(engines, "WAIT_SECONDS", 0.3)
    return live


def snapshot_names(tmp_path):
    with engines.snapshot(tmp_path) as stream:
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(stream.read())
    return [name for (name,) in sqlite3.connect(copy).execute("SELECT name FROM student")]


def other_connection(database, statement):
    other = sqlite3.connect(database.path, isolation_level=None)
    other.execute(statement)
    other.execute("SELECT * FROM student").fetchall()
    return other


def test_a_snapshot_inside_an_open_write_transaction_holds_the_committed_data_only(database, tmp_path):
    database.connection.execute("BEGIN")
    database.connection.execute("INSERT INTO student VALUES ('Uncommitted')")
    assert snapshot_names(tmp_path) == ["Nikos"]
    database.connection.execute("ROLLBACK")


def test_a_snapshot_of_a_locked_database_gives_up_instead_of_hanging(database, tmp_path):
    other = other_connection(database, "BEGIN EXCLUSIVE")
    started = time.monotonic()
    with pytest.raises(engines.DatabaseBusy, match="locked"):
        snapshot_names(tmp_path)
    assert time.monotonic() - started < 10  # bounded (WAIT_SECONDS plus the busy timeout), not forever
    other.close()


def test_a_restore_into_a_busy_database_gives_up_and_changes_nothing(database, tmp_path):
    source = tmp_path / "backup.sqlite3"
    sqlite3.connect(source).executescript("CREATE TABLE student (name TEXT); INSERT INTO student VALUES ('Old');")
    reader = other_connection(database, "BEGIN")  # a reader's lock: the restore cannot commit
    started = time.monotonic()
    with pytest.raises(engines.DatabaseBusy, match="nothing was changed"):
        engines.restore_from(source)
    assert time.monotonic() - started < 10  # bounded (WAIT_SECONDS plus the busy timeout), not forever
    reader.close()
    assert database.names() == ["Nikos"]
    engines.restore_from(source)
    assert database.names() == ["Old"]


def test_in_wal_mode_a_writer_holding_the_database_does_not_stop_a_snapshot(database, tmp_path):
    database.connection.execute("PRAGMA journal_mode=WAL")  # what the settings give a file database
    writer = other_connection(database, "BEGIN EXCLUSIVE")  # in rollback-journal mode: DatabaseBusy (above)
    writer.execute("INSERT INTO student VALUES ('Uncommitted')")
    assert snapshot_names(tmp_path) == ["Nikos"]
    writer.execute("COMMIT")  # and the snapshot did not hold the writer up
    writer.close()
    assert database.names() == ["Nikos", "Uncommitted"]


def test_a_restore_into_a_wal_database_keeps_it_in_wal_mode(database, tmp_path):
    database.connection.execute("PRAGMA journal_mode=WAL")
    source = tmp_path / "backup.sqlite3"
    sqlite3.connect(source).executescript("CREATE TABLE student (name TEXT); INSERT INTO student VALUES ('Old');")
    engines.restore_from(source)
    assert database.names() == ["Old"]
    assert database.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    other = sqlite3.connect(database.path)
    assert [name for (name,) in other.execute("SELECT name FROM student")] == ["Old"]
    other.close()
