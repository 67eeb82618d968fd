"""Tamper evidence: every audit entry and history row is linked into one HMAC-SHA256 chain.

digest(n) = HMAC(key, digest(n-1) | table | row id | schema id | the row's values in the schema's
columns). The key is derived from SECRET_KEY (HKDF), so it lives outside the database: someone
who can edit the tables but not the server's configuration cannot forge the digests. Links are
appended in the same transaction as the row, under a lock on the single ChainHead row, so
concurrent writers queue instead of forking the chain.

Which columns a link covers is recorded, not recomputed: each link names a schema (the table's
column list when the row was linked, kept in the head and sealed with the key). A release that
adds a column to a chained table starts a new schema for the rows written after it; the rows
before keep being checked against the columns they were linked with.

`verify()` walks the chain in one snapshot and names the first broken entry: a recorded column
list edited (its seal), a row changed (digest mismatch), a row deleted (link without row), a link
removed or reordered (previous digest mismatch, head mismatch), the newest entries cut off with
the head rewound (the head's keyed seal) or a row inserted by hand (row without link).
"""

import datetime
import hashlib
import hmac
import json
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction

from audit.models import AuditLog, ChainHead, ChainLink
from sms.history import rows_converted_once

BATCH = 2000


@cache
def _key(secret):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sms-audit-chain", info=b"v1").derive(
        secret.encode()
    )


def key():
    return _key(settings.SECRET_KEY)


def chained_models():
    """{table name: model} of AuditLog and every domain model's history table."""
    from sms.history import HistoryContext

    found = [AuditLog] + [model for model in apps.get_models() if issubclass(model, HistoryContext)]
    return {model._meta.db_table: model for model in found}


def columns(model):
    """The model's columns today, in a fixed (sorted) order: what a new link records and hashes."""
    return sorted(field.attname for field in model._meta.concrete_fields)


# Values that are never JSON: a row of only these is joined as it is, without testing each value
# in Python (half a million history rows per district seed; the text is the same).
SCALARS = frozenset({str, int, bool, float, Decimal, datetime.date, datetime.datetime, type(None)})


def canonical(row):
    """The stored values joined with a unit separator; JSON values as sorted JSON."""
    if SCALARS.issuperset(map(type, row)):
        return "\x1f".join(map(str, row))
    return "\x1f".join(
        json.dumps(value, sort_keys=True, default=str) if isinstance(value, (dict, list)) else str(value)
        for value in row
    )


def digest(previous, table, row_id, row, schema_id=None):
    """A link's digest. It names the link's schema (schema_id None: the version-1 links written
    before schemas were recorded), so a link cannot be moved to another column list unnoticed."""
    where = f"{table}|{row_id}" if schema_id is None else f"{table}|{row_id}|{schema_id}"
    message = f"{previous}|{where}|{canonical(row)}".encode()
    return hmac.new(key(), message, hashlib.sha256).hexdigest()


def schema_mac(schema_id, table, version, names):
    message = f"schema|{schema_id}|{table}|{version}|{json.dumps(list(names))}".encode()
    return hmac.new(key(), message, hashlib.sha256).hexdigest()


def schema_entry(schema_id, table, version, names):
    """A head.schemas entry, sealed."""
    return {"table": table, "columns": list(names), "version": version,
            "mac": schema_mac(schema_id, table, version, names)}


def schema_is_sealed(schema_id, entry):
    try:
        expected = schema_mac(schema_id, entry["table"], entry["version"], entry["columns"])
        return isinstance(entry["columns"], list) and hmac.compare_digest(str(entry["mac"]), expected)
    except (KeyError, TypeError):  # an entry edited out of shape
        return False


def head_mac(head_digest, links, schemas):
    """The head's seal: without the key nobody can rewind the head to an earlier link."""
    recorded = json.dumps(schemas, sort_keys=True, separators=(",", ":"))
    return hmac.new(key(), f"head|{head_digest}|{links}|{recorded}".encode(), hashlib.sha256).hexdigest()


def head_is_sealed(head):
    if head.links == 0 and not head.digest and not head.schemas:
        return True  # a new chain: nothing to seal yet
    return hmac.compare_digest(head.mac, head_mac(head.digest, head.links, head.schemas))


def _locked_head():
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # first write ever (or after a test flushed the tables)
        try:
            with transaction.atomic():
                ChainHead.objects.create(pk=1)
        except IntegrityError:
            pass  # another writer created it first
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def link(model, row_id):
    """Append one row (already saved, same transaction) to the chain."""
    link_rows(model, model._base_manager.filter(pk=row_id))


@transaction.atomic(savepoint=False)  # inside the writer's transaction; no savepoint round trips
def link_rows(model, queryset):
    """Append every row of queryset, in primary-key order; returns how many were linked.

    A head whose seal does not verify (someone rewound it by hand) is appended to but never
    resealed: resealing would make the cut invisible, so verify keeps reporting it.
    """
    table, names = model._meta.db_table, columns(model)
    head = _locked_head()
    sealed, schemas_before = head_is_sealed(head), head.schemas
    previous, count, schema_id = head.digest, 0, None
    rows = queryset.order_by("pk").values_list(model._meta.pk.attname, *names)
    pending = []
    for row_id, *row in rows_converted_once(rows, chunk_size=BATCH):
        if schema_id is None:
            schema_id = _current_schema(head, table, names, sealed)
        current = digest(previous, table, row_id, row, schema_id)
        pending.append((table, row_id, schema_id, current, previous))
        previous, count = current, count + 1
        if len(pending) >= BATCH:
            _insert_links(pending)
            pending = []
    _insert_links(pending)
    if count:
        links = head.links + count  # exact: the head row is locked until this transaction ends
        mac = head_mac(previous, links, head.schemas) if sealed else head.mac
        changed = {"schemas": head.schemas} if head.schemas is not schemas_before else {}
        ChainHead.objects.filter(pk=1).update(digest=previous, links=links, mac=mac, **changed)
    return count


def _current_schema(head, table, names, sealed):
    """The id of the schema recording `names` for `table`, added to head.schemas when new (no query).

    An unsealed head's entries are used only when their own seal verifies.
    """
    if not isinstance(head.schemas, dict):  # edited out of shape: start a valid map (verify reports it)
        head.schemas = {}
    entries = {schema_id: entry for schema_id, entry in head.schemas.items()
               if str(schema_id).isdigit() and isinstance(entry, dict)}
    for schema_id, entry in entries.items():
        if (entry.get("table"), entry.get("columns"), entry.get("version")) == (table, names, 2) and (
                sealed or schema_is_sealed(schema_id, entry)):
            return int(schema_id)
    # The table's first write, or its columns changed (a migration).
    new_id = max((int(schema_id) for schema_id in entries), default=0) + 1
    head.schemas = {**head.schemas, str(new_id): schema_entry(new_id, table, 2, names)}
    return new_id


def _insert_links(pending):
    if not pending:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in ("table", "row_id", "schema", "digest", "previous"))
    sql = f"INSERT INTO {quote(ChainLink._meta.db_table)} ({names}) VALUES (%s, %s, %s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.executemany(sql, pending)


@dataclass
class Problem:
    table: str
    row_id: int | None
    reason: str

    def __str__(self):
        where = f"{self.table} row {self.row_id}" if self.row_id is not None else self.table
        return f"{where}: {self.reason}"


def verify():
    """The first Problem found, or None when the chain and every chained table are intact."""
    return check()[0]


def check():
    """(first Problem or None, the ChainHead as verified), read in one consistent snapshot."""
    with _one_snapshot():
        head = ChainHead.objects.filter(pk=1).first()
        return _walk(head), head


@contextmanager
def _one_snapshot():
    """Links, head and tables read as of one instant, so writers committing meanwhile (a live site)
    cannot make an intact chain look cut or a new row look inserted by hand.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction. SQLite: one read transaction (its
    snapshot holds a shared lock, so writers wait for the walk to end; their busy timeout applies).
    Inside a caller's transaction (tests, a shell) the walk reads in that transaction.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _walk(head):
    models = chained_models()
    if head is None and ChainLink.objects.exists():
        return Problem("chain", None, "the chain head was deleted")
    schemas = head.schemas if head else {}
    if not isinstance(schemas, dict):
        return Problem("chain", None, "the chain head was rewritten: its recorded column lists are unreadable")
    for schema_id, entry in sorted(schemas.items(), key=lambda item: str(item[0]).zfill(20)):
        if not isinstance(entry, dict) or not schema_is_sealed(schema_id, entry):
            table = entry.get("table") if isinstance(entry, dict) else "?"
            return Problem("chain", None,
                           f"the column list recorded for {table} (schema {schema_id}) was changed")
    previous, seen, count = "", {table: set() for table in models}, 0
    links = ChainLink.objects.order_by("id").values_list(
        "id", "table", "row_id", "schema", "digest", "previous")
    batch = []
    for link_values in links.iterator(chunk_size=BATCH):
        batch.append(link_values)
        if len(batch) >= BATCH:
            problem, previous = _check_batch(batch, models, schemas, previous, seen)
            if problem:
                return problem
            count, batch = count + len(batch), []
    problem, previous = _check_batch(batch, models, schemas, previous, seen)
    if problem:
        return problem
    count += len(batch)
    if (head.digest if head else "") != previous or (head.links if head else 0) != count:
        return Problem("chain", None, "the last links were removed (the chain head does not match)")
    if head and not head_is_sealed(head):
        return Problem("chain", None, "the chain head was rewritten: the newest entries were cut off")
    return _unlinked_rows(models, seen)


def _check_batch(batch, models, schemas, previous, seen):
    groups = {}
    for _id, table, row_id, schema_id, *_rest in batch:
        groups.setdefault((table, schema_id), []).append(row_id)
    rows = {(table, schema_id): _rows(models.get(table), table, schemas.get(str(schema_id)), ids)
            for (table, schema_id), ids in groups.items()}
    for _id, table, row_id, schema_id, stored, stored_previous in batch:
        if stored_previous != previous:
            return Problem(table, row_id, "a link before this entry was removed or reordered"), previous
        found = rows[(table, schema_id)]
        if isinstance(found, str):
            return Problem(table, row_id, found), previous
        values = found.get(row_id)
        if values is None:
            return Problem(table, row_id, "the row was deleted"), previous
        named = None if schemas[str(schema_id)]["version"] == 1 else schema_id
        if digest(previous, table, row_id, values, named) != stored:
            return Problem(table, row_id, "the row was changed after it was written"), previous
        seen[table].add(row_id)
        previous = stored
    return None, previous


def _rows(model, table, schema, ids):
    """{row id: values of the schema's columns}, or why the rows cannot be checked."""
    if schema is None or schema["table"] != table:
        return "the link's recorded column list is missing or belongs to another table"
    if model is None:
        return {}  # the whole table is gone: each of its rows was deleted
    try:
        found = model._base_manager.filter(pk__in=ids).values_list(
            model._meta.pk.attname, *schema["columns"])
    except FieldError:
        gone = sorted(set(schema["columns"]) - {field.attname for field in model._meta.concrete_fields})
        return f"column(s) {', '.join(gone)} covered by the chain are no longer in the table"
    return {row_id: row for row_id, *row in rows_converted_once(found)}


def _unlinked_rows(models, seen):
    for table, model in models.items():
        for row_id in model._base_manager.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH):
            if row_id not in seen[table]:
                return Problem(table, row_id, "the row was inserted without going through the application")
    return None
