"""Reading the audit trail: one timeline of history rows and actions, entry diffs, record history.

The timeline is a UNION over AuditLog and every domain history table, filtered per source before
the union, so a page costs two queries (count and rows) however many tables and rows there are.
"""

from django.apps import apps
from django.db import connections
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast
from django.db.models.query import EmptyQuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import Action, AuditLog
from sms import context
from sms.history import HistoryContext

ACTION_KIND = "action"
HISTORY_ACTIONS = {"+": Action.CREATE, "~": Action.UPDATE, "-": Action.DELETE}
COLUMNS = ("kind", "row", "at", "user_id_", "username_", "action_", "entity_type_", "entity_id_", "ip", "request",
           "ok")
# Columns of history rows that describe the change rather than the record.
HIDDEN_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user",
                 "history_user_id", "history_username", "history_ip_address", "history_request_id",
                 "history_source", "updated_at", "created_at", "search_text", "id"}


def history_models():
    """{"students.student": HistoricalStudent, ...} for every domain model with history."""
    found = {}
    for model in apps.get_models():
        if issubclass(model, HistoryContext):
            source = model.instance_type
            found[source._meta.label_lower] = model
    return dict(sorted(found.items()))


# What actions name besides records with history: user accounts, backups, the audit trail itself.
ACTION_ENTITY_TYPES = ("auth.user", "backup", "audit")


def entity_types():
    """Every entity type an entry can carry, i.e. every value the timeline can be filtered by."""
    return sorted({*history_models(), *ACTION_ENTITY_TYPES})


def legacy_entity_types():
    """{"students.student": "student", ...}: imports and exports named the model alone before they
    used its label like everything else; those entries are immutable, so the filter reads both."""
    return {label: model.instance_type._meta.model_name for label, model in history_models().items()}


def entity_type_shown(stored):
    """The current name of a stored entity type (an old entry's "student" is "students.student")."""
    return {old: label for label, old in legacy_entity_types().items()}.get(stored, stored)


def _actions(filters):
    rows = AuditLog.objects.all()
    if filters.get("action"):
        rows = rows.filter(action=filters["action"])
    legacy = legacy_entity_types()
    if filters.get("entity_type"):
        wanted = filters["entity_type"]
        rows = rows.filter(entity_type__in=[wanted, legacy[wanted]] if wanted in legacy else [wanted])
    if filters.get("entity_id"):
        rows = rows.filter(entity_id=filters["entity_id"])
    rows = _common(rows, filters, "timestamp", "user_id", "username")
    entity_type = Case(*[When(entity_type=old, then=Value(label)) for label, old in legacy.items()],
                       default=F("entity_type"), output_field=CharField())
    return rows.annotate(
        kind=Value(ACTION_KIND, output_field=CharField()), row=F("id"), at=F("timestamp"), user_id_=F("user_id"),
        username_=F("username"), action_=F("action"), entity_type_=entity_type, entity_id_=F("entity_id"),
        ip=F("ip_address"), request=F("request_id"), ok=F("success"),
    ).values(*COLUMNS)


def _history(label, model, filters):
    rows = model.objects.all()
    action = filters.get("action")
    if action:
        types = [code for code, name in HISTORY_ACTIONS.items() if name == action]
        if not types:
            return None
        rows = rows.filter(history_type__in=types)
    if filters.get("entity_type") and filters["entity_type"] != label:
        return None
    if filters.get("entity_id"):
        if not str(filters["entity_id"]).isdigit():
            return None
        rows = rows.filter(id=int(filters["entity_id"]))
    rows = _common(rows, filters, "history_date", "history_user_id", "history_username")
    return rows.annotate(
        kind=Value(label, output_field=CharField()), row=F("history_id"), at=F("history_date"),
        user_id_=F("history_user_id"), username_=F("history_username"),
        action_=Case(*[When(history_type=code, then=Value(name.value)) for code, name in HISTORY_ACTIONS.items()],
                     output_field=CharField()),
        entity_type_=Value(label, output_field=CharField()), entity_id_=Cast("id", CharField()),
        ip=F("history_ip_address"), request=F("history_request_id"), ok=Value(True),
    ).values(*COLUMNS)


def _common(rows, filters, time_field, user_id_field, username_field):
    user = filters.get("user")
    if user:
        # Digits are a user id, unless no id column could hold them (SQLite raises OverflowError).
        is_id = str(user).isdigit() and int(user) < 2**63
        rows = rows.filter(**{user_id_field: int(user)} if is_id else {username_field: user})
    if filters.get("date_from"):
        rows = rows.filter(**{f"{time_field}__date__gte": filters["date_from"]})
    if filters.get("date_to"):
        rows = rows.filter(**{f"{time_field}__date__lte": filters["date_to"]})
    return rows.order_by()


def timeline(filters):
    """Newest first, as dicts with COLUMNS; count() and slices, as a paginator asks. with_ids()
    adds each entry's `id` ("action:12", "grades.grade:345")."""
    parts = [_actions(filters)] + [_history(label, model, filters) for label, model in history_models().items()]
    return Timeline([part for part in parts if part is not None])


# Newest first; "kind" only orders entries of two sources written in the same microsecond alike.
NEWEST_FIRST = ("-at", "-row", "kind")


class Timeline:
    """The union of the sources, counted and sliced in the database.

    A slice reads only the rows it can need from each source: every source is ordered and cut to
    the slice's end (ORDER BY time, id … LIMIT, a walk down its (time, id) index) before the union
    is sorted. Sorting the union of whole sources read every history row, 800,000 at district scale:
    ≈ 1 s for a page of 25 on PostgreSQL, ≈ 30 ms this way. SQLite cannot order the branches of a
    compound query, so there the union is sorted whole, as before.
    """

    def __init__(self, parts):
        self.parts = parts

    def _union(self, parts):
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    def count(self):
        return self._union([part.values("row") for part in self.parts]).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        parts = [part for part in self.parts if not isinstance(part, EmptyQuerySet)]  # a filter's none()
        if not parts or (index.stop is not None and index.stop <= (index.start or 0)):
            return []  # e.g. the empty first page of an empty timeline, [0:0]
        if len(parts) > 1 and index.stop is not None and connections[parts[0].db].features.supports_slicing_ordering_in_compound:
            parts = [part.order_by(*NEWEST_FIRST[:2])[:index.stop] for part in parts]
        return list(self._union(parts).order_by(*NEWEST_FIRST)[index])


def with_ids(rows):
    return [{**row, "id": f"{row['kind']}:{row['row']}"} for row in rows]


def entry(entry_id):
    """One timeline entry with its field-by-field changes; None when the id names nothing."""
    kind, _sep, row = entry_id.partition(":")
    if not row.isdigit():
        return None
    if kind == ACTION_KIND:
        log = AuditLog.objects.filter(pk=int(row)).first()
        return log and {
            "id": entry_id, "kind": kind, "at": log.timestamp, "user_id": log.user_id, "username": log.username,
            "action": log.action, "entity_type": entity_type_shown(log.entity_type), "entity_id": log.entity_id,
            "ip_address": log.ip_address, "request_id": log.request_id, "user_agent": log.user_agent,
            "success": log.success, "changes": log.changes, "reason": "",
        }
    model = history_models().get(kind)
    record = model and model.objects.filter(history_id=int(row)).first()
    if not record:
        return None
    previous = model.objects.filter(id=record.id, history_id__lt=record.history_id).order_by("-history_id").first()
    return {
        "id": entry_id, "kind": kind, "at": record.history_date, "user_id": record.history_user_id,
        "username": record.history_username, "action": HISTORY_ACTIONS[record.history_type].value,
        "entity_type": kind, "entity_id": str(record.id), "ip_address": record.history_ip_address,
        "request_id": record.history_request_id, "user_agent": "", "success": True,
        "changes": {change["field"]: [change["old"], change["new"]] for change in diff(model, previous, record)},
        "reason": record.history_change_reason or "",
    }


def _fields(model):
    return [field for field in model._meta.concrete_fields if field.attname not in HIDDEN_FIELDS
            and field.name not in HIDDEN_FIELDS]


def diff(model, older, newer):
    """[{field, label, old, new}] for the fields that differ (every field when older is None)."""
    changes = []
    for field in _fields(model):
        old = field.value_from_object(older) if older is not None else None
        new = field.value_from_object(newer)
        if older is None or old != new:
            changes.append({"field": field.attname, "label": str(field.verbose_name), "old": _plain(old),
                            "new": _plain(new)})
    return changes


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, str, list, dict)) else str(value)


def record_history(instance):
    """Every change of one record, newest first, with user, time, source, reason and old → new.

    One query: the record's history rows; the diffs are computed between consecutive rows.
    """
    model = instance.history.model
    rows = list(instance.history.all().order_by("history_date", "history_id"))
    entries, previous = [], None
    for row in rows:
        entries.append({
            "at": row.history_date, "username": row.history_username or _("system"),
            "source": row.history_source, "source_label": context.source_label(row.history_source),
            "reason": row.history_change_reason or "",
            "action": HISTORY_ACTIONS[row.history_type], "ip_address": row.history_ip_address,
            "changes": diff(model, previous, row),
        })
        previous = row
    return entries[::-1]
