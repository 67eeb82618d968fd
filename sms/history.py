"""One django-simple-history configuration for every domain model.

Each history row keeps, besides simple-history's own columns, the username as plain text (it
survives the user's deletion), the client IP, the request id and the entry point (admin, web,
api, command). The change reason is the caller's reason when given, otherwise the entry point.
"""

from django.db import connection, connections, models, transaction
from django.db.models.sql.constants import MULTI
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from sms import context


class HistoryContext(models.Model):
    history_username = models.CharField(max_length=150, blank=True, default="")
    history_ip_address = models.GenericIPAddressField(null=True, blank=True)
    history_request_id = models.CharField(max_length=128, blank=True, default="")
    history_source = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        abstract = True


def _current_user(request=None, **kwargs):
    return context.current().user


def domain_history(**kwargs):
    return HistoricalRecords(bases=[HistoryContext], get_user=_current_user, **kwargs)


def context_attrs():
    actor = context.current()
    user = actor.user
    return {
        "history_username": user.get_username() if user else "",
        "history_ip_address": actor.ip_address,
        "history_request_id": actor.request_id,
        "history_source": actor.source,
    }


def bulk_create(model, objs, batch_size=1000):
    """bulk_create that also writes one "+" history row per created object.

    The history rows are copied inside the database (INSERT … SELECT) with the same context
    columns single saves get: 2–3× faster than simple-history's bulk_create_with_history, which
    makes seeding a district-sized data set practical.
    """
    created = model.objects.bypassing_history().bulk_create(objs, batch_size=batch_size)
    ids = [obj.pk for obj in created]
    for start in range(0, len(ids), 500):
        _copy_to_history(model, ids[start:start + 500])
    return created


def bulk_insert(model, rows, batch_size=5000):
    """Insert plain rows ({attname: value}) and their "+" history rows, without model instances.

    For seeding and benchmarks only: no validation, no save() or signals. Building and preparing
    half a million model instances costs more than the database work, so values are prepared
    once per distinct value. Needs a single writer (new ids are read as the range above the
    previous maximum); returns the number of rows inserted.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = _insert_defaults(fields)
    columns = [(field.attname, defaults.get(field.attname), cached_prep(field)) for field in fields]
    table, quote = model._meta.db_table, connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # New ids are everything above the previous maximum, not previous maximum + n: sequences
        # (PostgreSQL, SQLite AUTOINCREMENT) skip the ids of rolled-back or flushed rows.
        before = _max_pk(model)
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [
                [prep(row.get(name, default)) for name, default, prep in columns]
                for row in rows[start:start + batch_size]
            ])
        if rows:
            _copy_to_history(model, id_range=(before + 1, _max_pk(model)))
    return len(rows)


def _max_pk(model):
    return model.all_objects.aggregate(top=models.Max("pk"))["top"] or 0


def _insert_defaults(fields):
    now, defaults = timezone.now(), {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:  # the declared default, "" for text without one, else None: as Model() would
            defaults[field.attname] = field.get_default()
    return defaults


def cached_prep(field):
    """field.get_db_prep_save for the default database, computed once per distinct value."""
    cache = {}

    def prep(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable (JSON)
            return field.get_db_prep_save(value, connection)

    return prep


def rows_converted_once(queryset, chunk_size=2000, memory=4096):
    """The tuples of a values_list() queryset, each distinct stored value converted once per column.

    The read-side twin of cached_prep. Django converts every value of every row (on SQLite,
    datetimes and decimals arrive as text and floats): for the audit chain's half a million
    history rows of a district seed that cost as much as the query itself, and those rows repeat
    a handful of timestamps, dates and grades. The converters are Django's own, applied as
    QuerySet iteration applies them; each column remembers its last `memory` distinct values.
    """
    compiler = queryset.query.get_compiler(queryset.db)
    db = connections[queryset.db]
    chunks = compiler.execute_sql(
        MULTI, chunked_fetch=not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"), chunk_size=chunk_size)
    converters = compiler.get_converters([column[0] for column in compiler.select[:compiler.col_count]])
    columns = [(position, functions, expression, {}) for position, (functions, expression) in converters.items()]
    for chunk in chunks:
        for row in chunk:
            if columns:
                row = list(row)
                for position, functions, expression, seen in columns:
                    value = row[position]
                    try:
                        row[position] = seen[value]
                        continue
                    except KeyError:
                        remember = True
                    except TypeError:  # unhashable (JSON from psycopg)
                        remember = False
                    converted = value
                    for function in functions:
                        converted = function(converted, expression, db)
                    row[position] = converted
                    if remember:
                        if len(seen) >= memory:
                            seen.clear()
                        seen[value] = converted
            yield tuple(row)


def _copy_to_history(model, ids=None, id_range=None):
    history_model = model.history.model
    actor = context.current()
    user = actor.user
    stamps = {
        "history_date": timezone.now(),
        "history_type": "+",
        "history_change_reason": actor.source,
        "history_user_id": user.pk if user else None,
        **context_attrs(),
    }
    source_columns = {field.column for field in model._meta.concrete_fields}
    columns, selects, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in source_columns:
            selects.append(connection.ops.quote_name(field.column))
        else:
            selects.append("%s")
            params.append(field.get_db_prep_save(stamps.get(field.attname), connection))
    pk = connection.ops.quote_name(model._meta.pk.column)
    if id_range:
        where, keys = f"{pk} BETWEEN %s AND %s", list(id_range)
    else:
        where, keys = f"{pk} IN ({', '.join(['%s'] * len(ids))})", list(ids)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(history_model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where}"
    )
    before = history_model.objects.aggregate(top=models.Max("pk"))["top"] or 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keys])
    copied = history_model.objects.filter(pk__gt=before)
    copied = copied.filter(id__range=id_range) if id_range else copied.filter(id__in=ids)
    _link_to_audit_chain(history_model, copied)


def _link_to_audit_chain(history_model, rows):
    """INSERT … SELECT sends no signals: link the copied rows into the audit chain here."""
    from audit import chain

    chain.link_rows(history_model, rows)


@receiver(pre_create_historical_record)
def stamp_history_context(sender, history_instance, **kwargs):
    if not isinstance(history_instance, HistoryContext):
        return
    for field, value in context_attrs().items():
        setattr(history_instance, field, value)
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = context.current().source
