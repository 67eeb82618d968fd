"""manage.py backup create | list | verify ID | restore ID | prune --keep N | rotate-key"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from sms import context
from sms.backup import services


class Progress:
    """A one-line bar on stderr when it is a terminal; silent under cron (no TTY) or with --quiet."""

    INTERVAL = 0.1  # seconds between redraws: a 1 GB backup has 16,000 chunks

    def __init__(self, stream, label, total, enabled):
        self.stream, self.label, self.total = stream, label, total
        self.enabled = enabled and stream.isatty()
        self.drawn_at, self.drawn = 0.0, False

    def __call__(self, done):
        now = time.monotonic()
        if not self.enabled or (now - self.drawn_at < self.INTERVAL and done != self.total):
            return
        self.drawn_at, self.drawn = now, True
        if not self.total:  # creating: the size is unknown until the end
            self.stream.write(f"\r{self.label} {done / 1e6:8.1f} MB")
        else:
            percent = min(int(done * 100 / self.total), 100)
            self.stream.write(f"\r{self.label} [{'#' * (percent // 4):<25}] {percent:3d}% {done / 1e6:8.1f} MB")
        self.stream.flush()

    def finish(self):
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Encrypted backups (AES-256-GCM): create, list, verify, restore, prune and rotate the master key."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="No progress bar or summary (for cron).")
        sub = parser.add_subparsers(dest="operation", required=True)
        sub.add_parser("create", help="Back up the database now.")
        sub.add_parser("list", help="List backups, newest first, with their status.")
        sub.add_parser("verify", help="Check that a backup decrypts and authenticates.").add_argument("id")
        restore = sub.add_parser("restore", help="Replace the database with a backup (a safety backup first).")
        restore.add_argument("id")
        restore.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        sub.add_parser("prune", help="Keep only the N newest backups.").add_argument(
            "--keep", type=int, required=True)
        sub.add_parser("rotate-key", help="New master key; re-wrap every backup's data key.")

    def handle(self, *args, operation, quiet, **options):
        self.quiet = quiet
        with context.acting(source=context.SOURCE_COMMAND):
            try:
                getattr(self, f"do_{operation.replace('-', '_')}")(**options)
            except services.BackupError as error:
                raise CommandError(str(error)) from error

    def progress(self, label, total=0):
        return Progress(self.stderr._out, label, total, enabled=not self.quiet)

    def say(self, message):
        if not self.quiet:
            self.stdout.write(message)

    def do_create(self, **options):
        bar = self.progress("Backing up")
        metadata = services.create(progress=bar)
        bar.finish()
        self.say(f"Created backup {metadata['id']} ({metadata['size'] / 1e6:.1f} MB, key {metadata['key_id']}).")

    def do_list(self, **options):
        backups = services.list_backups()
        if not backups:
            self.stdout.write("No backups yet. Create one with: manage.py backup create")
        for item in backups:
            self.stdout.write(
                f"{item['id']}  {str(item.get('created_at'))[:19]}  {item.get('engine', '?'):<10}  "
                f"{(item.get('size') or 0) / 1e6:9.1f} MB  v{item.get('app_version', '?')}  "
                f"key {item.get('key_id', '?')}  {services.STATUSES[item['status']]}"
            )

    def do_verify(self, id, **options):
        metadata, _file, _meta = services.read_metadata(id)
        bar = self.progress("Verifying", metadata.get("plaintext_size"))
        services.verify(id, progress=bar)
        bar.finish()
        self.say(f"Backup {id} is intact: every chunk decrypts and authenticates.")

    def do_restore(self, id, yes, **options):
        metadata, _file, _meta = services.read_metadata(id)
        if not yes:
            self.confirm(f"Replace the current database with backup {id} from {str(metadata.get('created_at'))[:19]}? "
                         "A safety backup is taken first. Type 'yes' to continue: ")
        bar = self.progress("Restoring", metadata.get("plaintext_size"))
        safety = services.restore(id, progress=bar)
        bar.finish()
        self.say(f"Restored backup {id}. The database as it was before is in backup {safety['id']}.")

    def confirm(self, question):
        if not sys.stdin.isatty():
            raise CommandError("Restoring replaces the database: add --yes to confirm when there is no terminal.")
        if input(question).strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")

    def do_prune(self, keep, **options):
        deleted = services.prune(keep=keep)
        self.say(f"Deleted {len(deleted)} backup(s); kept the {keep} newest.")

    def do_rotate_key(self, **options):
        key_id, count = services.rotate_key()
        self.say(f"New master key {key_id}; re-wrapped the data key of {count} backup(s).")
