"""Consistent snapshots of the running database, their checks, and restoring them in one step.

SQLite: `VACUUM INTO` through a connection of its own, so the snapshot holds committed data only
(never the caller's open transaction) and is compact; restore copies the pages into the live
database with the online backup API, inside one SQLite transaction.
PostgreSQL: `pg_dump -Fc` (a consistent snapshot) streamed straight into the encryptor; restore by
dropping the schema `public` and loading the dump's script into it, in one transaction (psql
--single-transaction), so the result is exactly the backup and a failure rolls everything back.

Nothing waits forever: a database held by other writers makes the operation give up after
WAIT_SECONDS with an EngineError that says so.
"""

import itertools
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import connection

WAIT_SECONDS = 30


class EngineError(Exception):
    pass


class DatabaseBusy(EngineError):
    pass


class WrongEngine(EngineError):
    """The snapshot is the other engine's database (`engine`: "sqlite" or "postgresql")."""

    def __init__(self, engine):
        super().__init__(engine)
        self.engine = engine


SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


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


def engine_of(path):
    """Which engine's snapshot the file holds, from its first bytes (not from any record), or None."""
    with open(path, "rb") as stream:
        start = stream.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def check(path):
    """Refuse a snapshot that is not a sound database of this engine, or one this site cannot swap in."""
    found = engine_of(path)
    if found is None:
        raise EngineError("the backup holds neither a SQLite database nor a PostgreSQL dump")
    if found != name():
        raise WrongEngine(found)
    if name() == "sqlite":
        _sqlite_check(path)
    else:
        result = subprocess.run(["pg_restore", "--list", str(path)], capture_output=True, check=False)
        if result.returncode != 0:
            raise EngineError(f"pg_restore cannot read the backup: {_text(result.stderr)}")
        _pg_check_schema_owner()


def applied_migrations(path):
    """The (app, name) pairs in the snapshot's django_migrations table, read from the snapshot itself."""
    if name() == "sqlite":
        return _sqlite_migrations(path)
    return _pg_migrations(path)


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


def _sqlite_migrations(path):
    try:
        database = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            return set(database.execute("SELECT app, name FROM django_migrations"))
        finally:
            database.close()
    except sqlite3.DatabaseError as error:
        raise EngineError(f"the backup's database has no readable migration table ({error})") from None


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


def _pg_check_schema_owner():
    """Refuse early (before the safety backup) when this user could not drop and recreate `public`.

    The database owner may from PostgreSQL 15 on (public belongs to pg_database_owner); on older
    servers public belongs to the superuser unless it was handed over.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, bool_and(pg_has_role(current_user, nspowner, 'MEMBER')) "
                       "FROM pg_namespace WHERE nspname = 'public'")
        user, owns = cursor.fetchone()
    if owns is False:
        raise EngineError(
            f"the database user {user} does not own the schema public, so a restore cannot replace it; "
            f"a superuser can hand it over once: ALTER SCHEMA public OWNER TO {user};"
        )


def _pg_migrations(path):
    result = subprocess.run(["pg_restore", "--data-only", "--table=django_migrations", "--file=-", str(path)],
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise EngineError(f"pg_restore cannot read the backup's migration table: {_text(result.stderr)}")
    lines = iter(result.stdout.decode().splitlines())
    for line in lines:
        if line.startswith("COPY public.django_migrations ("):
            columns = [column.strip().strip('"') for column in line.split("(", 1)[1].split(")", 1)[0].split(",")]
            app, migration = columns.index("app"), columns.index("name")
            rows = [row.split("\t") for row in itertools.takewhile(lambda row: row != "\\.", lines)]
            return {(row[app], row[migration]) for row in rows}
    raise EngineError("the backup's database has no migration table")


# Run first, in the restore's transaction: replace the whole schema, so tables that only a later
# SMS created (and their foreign keys into restored tables) go too, then put back the schema's
# owner, privileges and comment as they were. The dump's script sets lock_timeout = 0 afterwards,
# which is harmless: once public is dropped, every object the script touches is this
# transaction's own, so only this statement can wait for another session.
REPLACE_SCHEMA = """
SET client_min_messages = warning;
SET lock_timeout = %(wait_ms)d;
DO $replace$
DECLARE
    schema_owner name := current_user;
    schema_acl aclitem[];
    schema_comment text;
    privilege record;
BEGIN
    SELECT pg_get_userbyid(nspowner), nspacl, obj_description(oid, 'pg_namespace')
        INTO schema_owner, schema_acl, schema_comment FROM pg_namespace WHERE nspname = 'public';
    DROP SCHEMA IF EXISTS public CASCADE;
    EXECUTE format('CREATE SCHEMA public AUTHORIZATION %%I', schema_owner);
    FOR privilege IN SELECT grantee, privilege_type, is_grantable FROM aclexplode(schema_acl) LOOP
        EXECUTE format('GRANT %%s ON SCHEMA public TO %%s%%s', privilege.privilege_type,
            CASE WHEN privilege.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(privilege.grantee)) END,
            CASE WHEN privilege.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    IF schema_comment IS NOT NULL THEN
        EXECUTE format('COMMENT ON SCHEMA public IS %%L', schema_comment);
    END IF;
END
$replace$;
"""


def _pg_restore(path):
    """Drop and reload `public` in one psql transaction, fed the dump's script by pg_restore.

    Python relays the script instead of a shell pipe: psql commits when its input ends, so a
    pg_restore that fails half-way must never close psql's input; psql is killed instead, and the
    server rolls the whole transaction back.
    """
    script = ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(path)]
    load = _pg_command("psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
                       f"--command={REPLACE_SCHEMA % {'wait_ms': WAIT_SECONDS * 1000}}", "--file=-")
    connection.close()  # hold no locks while the schema is dropped
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as load_errors:
        dump = subprocess.Popen(script, stdout=subprocess.PIPE, stderr=script_errors)
        loader = subprocess.Popen(load, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=load_errors,
                                  env=_pg_environment(PGAPPNAME="sms-restore"))
        complete = False
        try:
            shutil.copyfileobj(dump.stdout, loader.stdin, 1024 * 1024)
            complete = dump.wait() == 0
        except BrokenPipeError:  # psql stopped at an error (and rolled back)
            pass
        finally:
            _finish(dump, loader, complete)
            connection.close()
        if loader.returncode != 0 or not complete:
            raise EngineError(f"PostgreSQL could not load the backup: {_restore_error(script_errors, load_errors)}")


def _finish(dump, loader, complete):
    if not complete:
        loader.kill()  # psql never sees the end of its input, so it never commits: the server rolls back
        dump.kill()
    with suppress(BrokenPipeError):
        loader.stdin.close()  # the end of input: psql commits (when complete)
    dump.stdout.close()
    dump.wait()
    loader.wait()


def _restore_error(script_errors, load_errors):
    load_errors.seek(0)
    text = _text(load_errors.read())
    if "lock timeout" in text:
        return f"it waited more than {WAIT_SECONDS} s for a table another session holds"
    if text:
        return text
    script_errors.seek(0)
    return _text(script_errors.read())


def _text(output):
    return output.decode(errors="replace").strip()[-2000:]
