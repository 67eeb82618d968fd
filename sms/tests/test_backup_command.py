"""`manage.py backup`: every operation, plain errors, a progress bar only on a terminal, --quiet for cron."""

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from audit.models import AuditLog
from conftest import make_student
from sms.backup import services
from sms.management.commands.backup import Progress

pytestmark = pytest.mark.django_db(transaction=True)  # backups read the committed database


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English; a Greek page earlier in this thread must not leak in."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def backup_settings(settings, tmp_path):
    settings.SMS_BACKUP_DIR = tmp_path / "backups"
    settings.SMS_BACKUP_KEY_FILE = tmp_path / "keys" / "master.key"
    make_student(first_name="Nikos")


class Terminal(StringIO):
    def isatty(self):
        return True


def run(*arguments, stdin_is_a_terminal=False, **streams):
    out = StringIO()
    call_command("backup", *arguments, stdout=out, **streams)
    return out.getvalue()


def test_the_command_runs_each_operation_and_reports_errors_plainly():
    assert "No backups yet" in run("list")
    assert "Created backup" in run("create")
    backup_id = services.list_backups()[0]["id"]
    listed = run("list")
    assert backup_id in listed and "not verified yet" in listed
    assert "is intact" in run("verify", backup_id)
    assert "verified" in run("list")
    assert "New master key" in run("rotate-key")
    assert f"Restored backup {backup_id}" in run("restore", backup_id, "--yes")
    assert "Deleted 1 backup(s); kept the 1 newest." in run("prune", "--keep", "1")
    with pytest.raises(CommandError, match="There is no backup"):
        run("verify", "missing-id")
    with pytest.raises(CommandError, match="at least one"):
        run("prune", "--keep", "0")


def test_restore_asks_for_confirmation_and_refuses_without_a_terminal(monkeypatch):
    run("create")
    backup_id = services.list_backups()[0]["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="add --yes"):
        run("restore", backup_id)
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="cancelled"):
        run("restore", backup_id)
    assert len(services.list_backups()) == 1  # no safety backup: nothing happened


def test_quiet_prints_nothing_for_cron():
    assert run("--quiet", "create", stderr=Terminal()) == ""


def test_a_progress_bar_is_drawn_on_a_terminal_and_never_into_a_log():
    terminal = Terminal()
    run("create", stderr=terminal)
    assert "\rBacking up" in terminal.getvalue() and " MB" in terminal.getvalue()
    backup_id = services.list_backups()[0]["id"]
    terminal = Terminal()
    run("verify", backup_id, stderr=terminal)
    assert "100%" in terminal.getvalue() and terminal.getvalue().endswith("\n")
    log = StringIO()
    run("verify", backup_id, stderr=log)
    assert log.getvalue() == ""


def test_the_bar_counts_up_to_the_total():
    terminal = Terminal()
    bar = Progress(terminal, "Verifying", 200, enabled=True)
    bar(50)
    bar.drawn_at = 0  # skip the redraw interval
    bar(200)
    bar.finish()
    assert "[######" in terminal.getvalue() and " 25%" in terminal.getvalue() and "100%" in terminal.getvalue()


def test_restore_draws_its_progress_bar_to_the_end():
    run("create")
    backup_id = services.list_backups()[0]["id"]
    terminal = Terminal()
    assert f"Restored backup {backup_id}" in run("restore", backup_id, "--yes", stderr=terminal)
    assert "\rRestoring [" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")


def test_list_shows_an_unreadable_backup_and_is_audited():
    run("create")
    backup = services.list_backups()[0]
    path = services.backup_dir() / f"{backup['id']}{services.SUFFIX}"
    path.write_bytes(bytes(path.stat().st_size))
    assert "not a readable backup" in run("list")
    entry = AuditLog.objects.filter(changes__operation="backup_list").latest("pk")
    assert entry.changes["count"] == 1 and entry.success
