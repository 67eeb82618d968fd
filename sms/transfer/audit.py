"""Every confirmed import and every export goes to the audit log with its counts.

The entity type is the model's label ("students.student"), as every other audit entry and history
row names it, so one timeline filter finds a student's imports, exports, changes and restores.
"""

import logging

from audit.services import log_action

logger = logging.getLogger("sms.transfer")


def record_import(kind, result, filename, fmt):
    counts = result.counts
    _log_action(
        action="import", entity_type=kind.model._meta.label_lower, success=result.applied,
        changes={
            "kind": kind.name, "file": filename, "format": fmt, "rows": len(result.rows),
            "applied": result.applied, "created": counts["create"], "updated": counts["update"],
            "unchanged": counts["unchanged"], "errors": counts["error"],
        },
    )


def record_export(kind, fmt, count, filters):
    _log_action(
        action="export", entity_type=kind.model._meta.label_lower,
        changes={"kind": kind.name, "format": fmt, "rows": count, "filters": filters},
    )


def record_report_card(student, semester):
    _log_action(
        action="export", entity_type=student._meta.label_lower, entity_id=student.pk,
        changes={"kind": "report_card", "format": "pdf", "semester": semester},
    )


def _log_action(**entry):
    logger.info("%s %s %s", entry["action"], entry["entity_type"], entry["changes"])
    log_action(**entry)
