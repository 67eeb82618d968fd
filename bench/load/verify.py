"""After the load (bench/load/run.sh): is every write the server accepted in the database, with the
history row of its request? Prints the counts as JSON; exits 1 if anything is missing.

    python bench/load/verify.py <writes.jsonl> <run id>

Each line of writes.jsonl is one accepted write: {"request_id", "resource" ("app.model"), "id"}.
Run with the load's environment (DATABASE_URL, and its SECRET_KEY for the audit chain check).
"""

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def read_writes(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def history_models():
    from django.apps import apps

    return [model for model in apps.get_models()
            if any(field.name == "history_request_id" for field in model._meta.fields)]


def check_resource(model_label, writes):
    """How many of these writes left their row, and a history row of that row with their request id."""
    from django.apps import apps

    model = apps.get_model(model_label)
    ids = {write["id"] for write in writes}
    present = set(model.all_objects.filter(pk__in=ids).values_list("pk", flat=True))
    history = model.history.model.objects.filter(history_request_id__in=[write["request_id"] for write in writes])
    recorded = set(history.values_list("history_request_id", "id"))
    return {
        "accepted": len(writes),
        "in_database": sum(write["id"] in present for write in writes),
        "with_history_row": sum((write["request_id"], write["id"]) in recorded for write in writes),
    }


def verify(writes, run_id):
    """Counts per resource, plus history rows of the run that no accepted write explains (a refused
    request whose transaction was not rolled back would show up there)."""
    by_resource = defaultdict(list)
    for write in writes:
        by_resource[write["resource"]].append(write)
    resources = {label: check_resource(label, rows) for label, rows in sorted(by_resource.items())}
    accepted_ids = {write["request_id"] for write in writes}
    run_rows = [request_id for model in history_models() for request_id in
                model.objects.filter(history_request_id__startswith=f"load-{run_id}-")
                .values_list("history_request_id", flat=True)]
    unexplained = sum(request_id not in accepted_ids for request_id in run_rows)
    complete = all(r["in_database"] == r["with_history_row"] == r["accepted"] for r in resources.values())
    return {"resources": resources, "history_rows_of_the_run": len(run_rows),
            "history_rows_without_an_accepted_write": unexplained, "ok": complete and unexplained == 0}


def audit_chain_intact():
    from audit import chain

    return chain.verify() is None


def servers():
    """PostgreSQL and Redis versions, for the results' description of the machine."""
    import redis
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    redis_version = redis.Redis.from_url(settings.REDIS_URL).info("server")["redis_version"]
    return {"postgresql": postgres, "redis": redis_version}


def main(path, run_id):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sms.settings.prod")
    django.setup()
    result = verify(read_writes(path), run_id)
    result["audit_chain_intact"] = audit_chain_intact()
    result["ok"] = result["ok"] and result["audit_chain_intact"]
    result["servers"] = servers()
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
