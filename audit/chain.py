"""Tamper evidence: every audit entry and history row is linked into one HMAC-SHA256 chain.

digest(n) = HMAC(key, digest(n-1) | table | row id | canonical JSON of the row as stored). The key
is derived from SECRET_KEY (HKDF), so it lives outside the database: someone who can edit the
tables but not the server's configuration cannot forge the digests. Links are appended in the
same transaction as the row, under a lock on the single ChainHead row, so concurrent writers
queue instead of forking the chain. `verify()` walks the chain and names the first broken entry:
a row changed (digest mismatch), a row deleted (link without row), a link removed or reordered
(previous digest mismatch, head mismatch), the newest entries cut off with the head rewound (the
head's keyed seal) or a row inserted by hand (row without link).
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from audit.models import AuditLog, ChainHead, ChainLink

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
    """The row's columns in a fixed (sorted) order; a row is hashed as these values."""
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


def digest(previous, table, row_id, row):
    message = f"{previous}|{table}|{row_id}|{canonical(row)}".encode()
    return hmac.new(key(), message, hashlib.sha256).hexdigest()


def head_mac(head_digest, links):
    """The head's seal: without the key nobody can rewind the head to an earlier link."""
    return hmac.new(key(), f"head|{head_digest}|{links}".encode(), hashlib.sha256).hexdigest()


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
    """Append every row of queryset, in primary-key order; returns how many were linked."""
    table, names = model._meta.db_table, columns(model)
    head = _locked_head()
    previous, count = head.digest, 0
    rows = queryset.order_by("pk").values_list(model._meta.pk.attname, *names)
    pending = []
    for row_id, *row in rows.iterator(chunk_size=BATCH):
        current = digest(previous, table, row_id, row)
        pending.append((table, row_id, current, previous))
        previous, count = current, count + 1
        if len(pending) >= BATCH:
            _insert_links(pending)
            pending = []
    _insert_links(pending)
    if count:
        links = head.links + count  # exact: the head row is locked until this transaction ends
        ChainHead.objects.filter(pk=1).update(digest=previous, links=links, mac=head_mac(previous, links))
    return count


def _insert_links(pending):
    if not pending:
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(ChainLink._meta.db_table)} "
        f"({quote('table')}, {quote('row_id')}, {quote('digest')}, {quote('previous')}) VALUES (%s, %s, %s, %s)"
    )
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
    models = chained_models()
    previous, seen, count = "", {table: set() for table in models}, 0
    links = ChainLink.objects.order_by("id").values_list("id", "table", "row_id", "digest", "previous")
    batch = []
    for link_values in links.iterator(chunk_size=BATCH):
        batch.append(link_values)
        if len(batch) >= BATCH:
            problem, previous = _check_batch(batch, models, previous, seen)
            if problem:
                return problem
            count, batch = count + len(batch), []
    problem, previous = _check_batch(batch, models, previous, seen)
    if problem:
        return problem
    count += len(batch)
    head = ChainHead.objects.filter(pk=1).first()
    if (head.digest if head else "") != previous or (head.links if head else 0) != count:
        return Problem("chain", None, "the last links were removed (the chain head does not match)")
    if head and head.links and not hmac.compare_digest(head.mac, head_mac(head.digest, head.links)):
        return Problem("chain", None, "the chain head was rewritten: the newest entries were cut off")
    return _unlinked_rows(models, seen)


def _check_batch(batch, models, previous, seen):
    rows = {}
    for table in {table for _id, table, *_rest in batch}:
        model = models.get(table)
        ids = [row_id for _id, t, row_id, *_rest in batch if t == table]
        rows[table] = {} if model is None else {
            row_id: row for row_id, *row in model._base_manager.filter(pk__in=ids).values_list(
                model._meta.pk.attname, *columns(model))
        }
    for _id, table, row_id, stored, stored_previous in batch:
        if stored_previous != previous:
            return Problem(table, row_id, "a link before this entry was removed or reordered"), previous
        values = rows[table].get(row_id)
        if values is None:
            return Problem(table, row_id, "the row was deleted"), previous
        if digest(previous, table, row_id, values) != stored:
            return Problem(table, row_id, "the row was changed after it was written"), previous
        seen[table].add(row_id)
        previous = stored
    return None, previous


def _unlinked_rows(models, seen):
    for table, model in models.items():
        for row_id in model._base_manager.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=BATCH):
            if row_id not in seen[table]:
                return Problem(table, row_id, "the row was inserted without going through the application")
    return None
