"""Consistent snapshots of the running database, their checks, and restoring them in one step.

SQLite: `VACUUM INTO` through a connection of its own, so the snapshot holds committed data only
(never the caller's open transaction) and is compact; restore copies the pages into the live
database with the online backup API, inside one SQLite transaction.
PostgreSQL: `pg_dump -Fc` (a consistent snapshot) streamed straight into the encryptor; restore with
`pg_restore --clean --single-transaction`, so a failure rolls everything back.

Nothing waits forever: a database held by other writers makes the operation give up after
WAIT_SECONDS with an EngineError that says so.
"""

import os
import secrets
import sqlite3
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

WAIT_SECONDS = 30


class EngineError(Exception):
    pass


class DatabaseBusy(EngineError):
    pass


def name():
    return connection.vendor  # "sqlite" or "postgresql"


@contextmanager
def snapshot(workdir):
    """A readable binary stream of a consistent snapshot of the committed database."""
    if name() == "sqlite":
        with _sqlite_snapshot(workdir) as stream:
            yield stream
    elif name() == "postgresql":
        with _pg_dump(workdir) as stream:
            yield stream
    else:
        raise EngineError(f"Backups support SQLite and PostgreSQL, not {name()}.")


def check(path):
    """Refuse a snapshot that is not a sound database of this engine."""
    if name() == "sqlite":
        _sqlite_check(path)
    else:
        result = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"pg_restore cannot read the backup: {_text(result.stderr)}")


def restore_from(path):
    """Replace the live database's contents with the snapshot at path, all or nothing.

    Must run outside any transaction of Django's connection (services.restore checks it).
    """
    if name() == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)


# SQLite


def _sqlite_database():
    database = connection.get_connection_params()["database"]
    if database == ":memory:" or ("mode=memory" in database and "cache=shared" not in database):
        raise EngineError("A private in-memory SQLite database cannot be backed up from another connection.")
    return database


@contextmanager
def _sqlite_snapshot(workdir):
    with tempfile.NamedTemporaryFile(dir=workdir, suffix=".sqlite3") as copy:  # 0600, removed on exit
        source = sqlite3.connect(_sqlite_database(), uri=True, timeout=WAIT_SECONDS)
        try:
            source.execute("VACUUM INTO ?", (copy.name,))
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseBusy(
                    f"the database stayed locked by another transaction ({error}); try again when it is quieter"
                ) from None
            raise EngineError(f"SQLite could not copy the database: {error}") from None
        finally:
            source.close()
        _sqlite_check(copy.name)
        with open(copy.name, "rb") as stream:
            yield stream


def _sqlite_check(path):
    try:
        database = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = database.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            database.close()
    except sqlite3.DatabaseError as error:
        raise EngineError(f"the backup does not hold a SQLite database ({error})") from None
    if result != "ok":
        raise EngineError(f"the backup's SQLite database failed its integrity check: {result}")


def _sqlite_restore(path):
    connection.ensure_connection()
    source = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    deadline = time.monotonic() + WAIT_SECONDS

    def give_up_when_busy(status, _remaining, _total):
        # sqlite3's backup() retries BUSY/LOCKED forever; raising here aborts it, and SQLite then
        # rolls back the destination's write transaction, so the live database stays as it was.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise DatabaseBusy(f"the database stayed busy for {WAIT_SECONDS} s; nothing was changed, try again")

    try:
        source.backup(connection.connection, progress=give_up_when_busy)  # all pages in one step
    except sqlite3.Error as error:
        raise EngineError(f"SQLite could not restore the database, nothing was changed: {error}") from None
    finally:
        source.close()


# PostgreSQL


def _pg_environment(**extra):
    return {**os.environ, "PGPASSWORD": connection.settings_dict.get("PASSWORD") or "", **extra}


def _pg_command(program, *arguments):
    settings_dict = connection.settings_dict
    command = [program, "--no-password", "--dbname", settings_dict["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command += [flag, str(settings_dict[key])]
    return [*command, *arguments]


@contextmanager
def _pg_dump(workdir):
    command = _pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                          f"--lock-wait-timeout={WAIT_SECONDS * 1000}")
    # stderr goes to a file, not a pipe: a chatty pg_dump can never block on a full pipe we do not read.
    with tempfile.TemporaryFile(dir=workdir) as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=_pg_environment())
        try:
            yield process.stdout
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            process.stdout.close()
        if process.wait() != 0:
            errors.seek(0)
            raise EngineError(f"pg_dump failed: {_text(errors.read())}")


def _pg_restore(path):
    application = f"sms-restore-{secrets.token_hex(4)}"  # to find its session in pg_stat_activity
    command = _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                          "--single-transaction", "--exit-on-error", str(path))
    connection.close()  # hold no locks while pg_restore drops and recreates the tables
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors,
                                   env=_pg_environment(PGAPPNAME=application))
        try:
            stuck = _wait_cancelling_lock_waits(process, application)
        finally:
            if process.poll() is None:
                process.kill()  # the server rolls the single transaction back
                process.wait()
            connection.close()
        if process.returncode != 0:
            errors.seek(0)
            reason = (f"it waited more than {WAIT_SECONDS} s for a table another session holds" if stuck
                      else _text(errors.read()))
            raise EngineError(f"pg_restore failed, nothing was changed: {reason}")


def _wait_cancelling_lock_waits(process, application):
    """Wait for pg_restore; cancel its statement once it has waited WAIT_SECONDS for a lock.

    pg_restore sets lock_timeout = 0 in its own session (PGOPTIONS cannot override it), so a
    transaction left open elsewhere would make it queue forever. Cancelling makes the statement
    fail; --exit-on-error and --single-transaction then roll the whole restore back.
    Returns whether it had to cancel.
    """
    while True:
        try:
            process.wait(timeout=0.5)
            return False
        except subprocess.TimeoutExpired:
            pass
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = %s "
                "AND wait_event_type = 'Lock' AND now() - query_start > make_interval(secs => %s)",
                [application, WAIT_SECONDS],
            )
            if cursor.fetchall():
                process.wait()
                return True


def _text(output):
    return output.decode(errors="replace").strip()[-2000:]
