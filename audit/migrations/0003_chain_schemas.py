"""Record the columns each link hashes (ChainHead.schemas), so later column changes keep old links verifiable.

The links written before this migration hashed "the model's columns" of the release that wrote
them. They get a version-1 schema per table with exactly those columns (frozen below, as that
release defined them), and the head is resealed in the format that also covers the schemas, but
only when its old seal verifies: a head already rewound by hand stays reported.
"""

import hashlib
import hmac
import json

from django.db import migrations, models

# The columns (sorted attnames) each chained table had when links did not record them.
LEGACY_COLUMNS = {
    "attendance_historicalattendance": [
        "course_id", "created_at", "date", "deleted_at", "history_change_reason", "history_date", "history_id",
        "history_ip_address", "history_request_id", "history_source", "history_type", "history_user_id",
        "history_username", "id", "notes", "period_number", "status", "student_id", "updated_at"],
    "audit_auditlog": [
        "action", "changes", "entity_id", "entity_type", "id", "ip_address", "request_id", "success", "timestamp",
        "user_agent", "user_id", "username"],
    "courses_historicalcourse": [
        "absence_penalty", "course_code", "course_name", "created_at", "credits", "deleted_at", "description",
        "evaluation_rules", "history_change_reason", "history_date", "history_id", "history_ip_address",
        "history_request_id", "history_source", "history_type", "history_user_id", "history_username",
        "hours_per_week", "id", "periods_per_week", "semester", "updated_at"],
    "courses_historicalenrollment": [
        "course_id", "deleted_at", "enrolled_at", "history_change_reason", "history_date", "history_id",
        "history_ip_address", "history_request_id", "history_source", "history_type", "history_user_id",
        "history_username", "id", "student_id"],
    "grades_historicaldailyperformance": [
        "category", "course_id", "created_at", "date", "deleted_at", "history_change_reason", "history_date",
        "history_id", "history_ip_address", "history_request_id", "history_source", "history_type",
        "history_user_id", "history_username", "id", "max_score", "notes", "score", "student_id", "updated_at"],
    "grades_historicalgrade": [
        "assignment_name", "category", "course_id", "created_at", "date_assigned", "date_submitted", "deleted_at",
        "grade", "history_change_reason", "history_date", "history_id", "history_ip_address", "history_request_id",
        "history_source", "history_type", "history_user_id", "history_username", "id", "max_grade", "notes",
        "student_id", "updated_at", "weight"],
    "students_historicalstudent": [
        "class_division", "created_at", "deleted_at", "email", "enrollment_date", "father_name", "first_name",
        "health_issue", "history_change_reason", "history_date", "history_id", "history_ip_address",
        "history_request_id", "history_source", "history_type", "history_user_id", "history_username", "id",
        "is_active", "last_name", "mobile_phone", "note", "phone", "student_id", "study_year", "updated_at"],
}


def _mac(message):
    from audit.chain import key

    return hmac.new(key(), message.encode(), hashlib.sha256).hexdigest()


def _old_head_seal(head):
    return _mac(f"head|{head.digest}|{head.links}")


def _new_head_seal(head):
    return _mac(f"head|{head.digest}|{head.links}|{json.dumps(head.schemas, sort_keys=True, separators=(',', ':'))}")


def record_legacy_schemas(apps, schema_editor):
    chain_link, chain_head = apps.get_model("audit", "ChainLink"), apps.get_model("audit", "ChainHead")
    schemas = {}
    for number, table in enumerate(sorted(set(chain_link.objects.order_by().values_list("table", flat=True))), 1):
        names = LEGACY_COLUMNS.get(table, [])  # an unknown table's rows cannot be checked anyway
        mac = _mac(f"schema|{number}|{table}|1|{json.dumps(names)}")
        schemas[str(number)] = {"table": table, "columns": names, "version": 1, "mac": mac}
        chain_link.objects.filter(table=table).update(schema=number)
    for head in chain_head.objects.all():
        was_sealed = head.links == 0 or hmac.compare_digest(head.mac, _old_head_seal(head))
        head.schemas = schemas
        if was_sealed:  # otherwise the broken seal stays broken, and reported
            head.mac = _new_head_seal(head) if head.links else ""
        head.save(update_fields=["schemas", "mac"])


def reseal_heads_the_old_way(apps, schema_editor):
    for head in apps.get_model("audit", "ChainHead").objects.filter(links__gt=0):
        if hmac.compare_digest(head.mac, _new_head_seal(head)):
            head.mac = _old_head_seal(head)
            head.save(update_fields=["mac"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_chain_head_mac"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="schemas",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="chainlink",
            name="schema",
            field=models.IntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AlterModelOptions(
            name="auditlog",
            options={"base_manager_name": "objects", "ordering": ["-timestamp", "-id"],
                     "verbose_name": "audit entry", "verbose_name_plural": "audit entries"},
        ),
        migrations.RunPython(record_legacy_schemas, reseal_heads_the_old_way),
    ]
