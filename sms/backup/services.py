"""Backup operations shared by `manage.py backup` and the admin page; each writes an audit entry.

Messages of BackupError are for people (translated); the engine's own words follow a colon.
Plaintext never touches the backup directory: snapshots and restores go through a private
temporary directory (mode 0700, removed afterwards), so a backup folder synced elsewhere only
ever holds ciphertext.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.models import Action
from audit.services import log_action
from sms.backup import engines, format, keys

SUFFIX = ".smsbak"
BACKUP_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
STATUSES = {
    "verified": gettext_lazy("verified"),
    "unverified": gettext_lazy("not verified yet"),
    "missing": gettext_lazy("file missing"),
    "size-mismatch": gettext_lazy("size differs from its record: damaged?"),
    "key-missing": gettext_lazy("master key missing"),
    "unreadable": gettext_lazy("not a readable backup"),
    "record-mismatch": gettext_lazy("its record names another backup: copied by hand?"),
}


class BackupError(Exception):
    """An operation was refused or failed; the message says what happened and what to do."""


def backup_dir(*, create=False):
    path = Path(settings.SMS_BACKUP_DIR)
    if create:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _paths(backup_id):
    if not isinstance(backup_id, str) or not BACKUP_ID.fullmatch(backup_id):
        raise BackupError(_("“%(id)s” is not a backup id; the list of backups shows them.") % {"id": backup_id})
    folder = backup_dir()
    return folder / f"{backup_id}{SUFFIX}", folder / f"{backup_id}.json"


def _version(text):
    return tuple(int(part) for part in str(text).split(".") if part.isdigit())


class _Hashing:
    """A writer that hashes what passes through it (the ciphertext's SHA-256 for the metadata)."""

    def __init__(self, target):
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        return self.target.write(data)


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_open(path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


def _write_metadata(path, metadata):
    temporary = path.with_suffix(".json.tmp")
    with _private_open(temporary) as handle:
        handle.write(json.dumps(metadata, indent=2).encode())
    os.replace(temporary, path)


def read_metadata(backup_id):
    file, meta = _paths(backup_id)
    try:
        metadata = json.loads(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(_("There is no backup “%(id)s”; the list of backups shows them.") % {"id": backup_id}) from None
    except (OSError, ValueError) as error:
        raise BackupError(_("The record of backup “%(id)s” cannot be read: %(error)s") % {
            "id": backup_id, "error": error}) from None
    if not isinstance(metadata, dict) or metadata.get("id") != backup_id:
        # A record copied over another one must not make an operation act on the wrong file.
        raise BackupError(_(
            "The record %(file)s names another backup (%(other)s): it was copied or renamed by hand. "
            "Put the right record back or remove it."
        ) % {"file": meta.name, "other": metadata.get("id") if isinstance(metadata, dict) else None})
    return metadata, file, meta


def _header_key_id(file):
    """The master key id written in the file's header (the one that opens it), or None."""
    try:
        with open(file, "rb") as stream:
            return format.parse_header(stream.read(format.HEADER_SIZE))[2]
    except (OSError, format.BackupCorrupt):
        return None


def create(*, progress=None, reason="manual"):
    """Snapshot the database, encrypt it, write the file and its metadata; returns the metadata."""
    created = timezone.now()
    backup_id = f"{created:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    file, meta = _paths(backup_id)
    partial = file.with_suffix(".part")
    try:
        backup_dir(create=True)
        # Shared lock: a key rotation cannot retire this key while the backup is being written.
        with keys.lock(exclusive=False):
            key_id, master = keys.current()
            with tempfile.TemporaryDirectory(prefix="sms-backup-") as workdir, \
                    engines.snapshot(workdir) as source, _private_open(partial) as raw:
                hashing = _Hashing(raw)
                plaintext = format.encrypt_stream(source, hashing, key_id, master, progress=progress)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, file)
            metadata = {
                "id": backup_id, "created_at": created.isoformat(), "engine": engines.name(),
                "app_version": settings.VERSION, "format_version": format.VERSION, "size": hashing.size,
                "plaintext_size": plaintext, "sha256": hashing.sha256.hexdigest(), "key_id": key_id,
                "reason": reason, "verified_at": None,
            }
            _write_metadata(meta, metadata)
    except (OSError, engines.EngineError) as error:
        log_action(action=Action.BACKUP_CREATE, success=False, entity_type="backup", entity_id=backup_id,
                   changes={"error": str(error)})
        raise BackupError(_("The backup could not be made: %(error)s") % {"error": error}) from error
    finally:
        partial.unlink(missing_ok=True)
    _log_created(metadata)
    return metadata


def _log_created(metadata, **note):
    log_action(action=Action.BACKUP_CREATE, entity_type="backup", entity_id=metadata["id"],
               changes={"size": metadata["size"], "engine": metadata["engine"], "reason": metadata["reason"], **note})


def list_backups():
    """Every backup's metadata, newest first, with a `status` (a key of STATUSES); audited."""
    try:
        backups = _scan()
    except ImproperlyConfigured as error:  # the key file is misplaced: the page shows why
        log_action(action=Action.CUSTOM, success=False, entity_type="backup",
                   changes={"operation": "backup_list", "error": str(error)})
        raise
    log_action(action=Action.CUSTOM, entity_type="backup",
               changes={"operation": "backup_list", "count": len(backups)})
    return backups


def _scan():
    """list_backups without the audit entry, for the operations that list on their way.

    The id is the record's file name, never what the record says: a record copied by hand is
    shown with the status "record-mismatch", and no operation acts on what it claims.
    """
    folder = backup_dir()
    if not folder.is_dir():
        return []
    known_keys, found = keys.known(), []
    for meta in folder.glob("*.json"):
        try:
            metadata = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(metadata, dict) and BACKUP_ID.fullmatch(meta.stem):
            found.append({**metadata, "id": meta.stem, "status": _status(meta, metadata, known_keys)})
    return sorted(found, key=lambda item: str(item.get("created_at", "")), reverse=True)


def _status(meta, metadata, known_keys):
    if metadata.get("id") != meta.stem:
        return "record-mismatch"
    file = meta.with_suffix(SUFFIX)
    if not file.exists():
        return "missing"
    if file.stat().st_size != metadata.get("size"):
        return "size-mismatch"
    key_id = _header_key_id(file)
    if key_id is None:
        return "unreadable"
    if key_id not in known_keys:
        return "key-missing"
    return "verified" if metadata.get("verified_at") else "unverified"


def _master_for(key_id):
    try:
        return keys.get(key_id)
    except keys.KeyMissing:
        raise BackupError(_(
            "The master key %(key)s that opens this backup is not in the key file %(path)s. "
            "Restore the key file that made this backup."
        ) % {"key": key_id, "path": keys.key_file()}) from None


def _decrypt(metadata, file, target, progress):
    if _file_sha256(file) != metadata.get("sha256"):
        raise BackupError(_("The backup file does not match its recorded checksum: it was altered or damaged."))
    try:
        with open(file, "rb") as source:
            _fields, _fixed, key_id = format.parse_header(source.read(format.HEADER_SIZE))
            source.seek(0)
            return format.decrypt_stream(source, target, _master_for(key_id), progress=progress)
    except format.UnsupportedFormat as error:
        raise BackupError(_("This backup was written by a newer SMS (%(error)s); upgrade SMS first.") % {
            "error": error}) from error
    except format.WrongKey as error:
        raise BackupError(_("The master key does not open this backup: %(error)s") % {"error": error}) from error
    except format.BackupCorrupt as error:
        raise BackupError(_("The backup is damaged or was tampered with: %(error)s") % {"error": error}) from error


def verify(backup_id, *, progress=None):
    """Decrypt and authenticate the whole file without restoring; records when it last passed."""
    read_metadata(backup_id)  # an unknown id is refused before anything is logged under it
    try:
        # Shared lock: a rotation cannot rewrite the file or its record while it is read here.
        with keys.lock(exclusive=False):
            metadata, file, meta = read_metadata(backup_id)
            _decrypt(metadata, file, None, progress)
            metadata["verified_at"] = timezone.now().isoformat()
            _write_metadata(meta, metadata)
    except (BackupError, OSError) as error:
        log_action(action=Action.CUSTOM, success=False, entity_type="backup", entity_id=backup_id,
                   changes={"operation": "backup_verify", "error": str(error)})
        raise BackupError(str(error)) from error
    log_action(action=Action.CUSTOM, entity_type="backup", entity_id=backup_id,
               changes={"operation": "backup_verify"})
    return metadata


def restore(backup_id, *, progress=None):
    """Replace the database with the backup, all or nothing; returns the safety backup's metadata.

    Decrypts to a temporary file, checks it (engine, soundness, migrations this SMS knows), takes
    a safety backup of the current database, then swaps in one transaction. Any failure leaves the
    database untouched. The audit entries are written after the swap, so they are appended to the
    restored database's chain and survive the restore.
    """
    read_metadata(backup_id)  # an unknown id is refused before anything is logged under it
    if connection.in_atomic_block:
        # The swap needs the connection to itself (PostgreSQL closes it, SQLite cannot copy into an
        # open transaction), and a caller's rollback would otherwise undo half a story.
        raise BackupError(_("A restore cannot run inside a database transaction; run it on its own."))
    try:
        with tempfile.TemporaryDirectory(prefix="sms-restore-") as workdir:
            plain = Path(workdir) / "database"
            metadata = _decrypt_for_restore(backup_id, plain, progress)
            _check_snapshot(plain)
            safety = create(reason=f"before restoring {backup_id}")
            engines.restore_from(plain)
    except (BackupError, engines.EngineError, OSError) as error:
        log_action(action=Action.BACKUP_RESTORE, success=False, entity_type="backup", entity_id=backup_id,
                   changes={"error": str(error)})
        if isinstance(error, BackupError):
            raise
        raise BackupError(_("The restore failed and the database was not changed: %(error)s") % {
            "error": error}) from error
    # The safety backup's own entry was written into the database the swap replaced: write it again.
    _log_created(safety, logged="again after the restore that replaced its first entry")
    log_action(action=Action.BACKUP_RESTORE, entity_type="backup", entity_id=backup_id,
               changes={"backup_created_at": metadata.get("created_at"), "safety_backup": safety["id"]})
    return safety


def _decrypt_for_restore(backup_id, plain, progress):
    # Shared lock: a rotation cannot rewrite the file or its record while it is read here.
    with keys.lock(exclusive=False):
        metadata, file, _meta = read_metadata(backup_id)
        _refuse_incompatible(metadata)
        with _private_open(plain) as target:
            _decrypt(metadata, file, target, progress)
    return metadata


def _refuse_incompatible(metadata):
    """Early refusals from the record, before decrypting; _check_snapshot decides from the data."""
    if metadata.get("engine") != engines.name():
        raise _wrong_engine(metadata.get("engine"))
    if _version(metadata.get("app_version", "")) > _version(settings.VERSION):
        raise BackupError(_(
            "This backup was made by SMS %(backup)s, newer than this SMS %(site)s; upgrade SMS first."
        ) % {"backup": metadata.get("app_version"), "site": settings.VERSION})


def _wrong_engine(engine):
    return BackupError(_(
        "This backup is of a %(backup)s database and this site runs %(site)s; "
        "restore it on a site with the same database engine."
    ) % {"backup": engine, "site": engines.name()})


def _check_snapshot(plain):
    """Refuse, from the decrypted snapshot itself, what the record could misstate: another engine's
    database, an unsound one, or one with migrations this SMS does not have (a newer SMS's)."""
    try:
        engines.check(plain)
    except engines.WrongEngine as error:
        raise _wrong_engine(error.engine) from error
    unknown = sorted(engines.applied_migrations(plain) - _known_migrations())
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise BackupError(ngettext(
            "This backup's database has %(count)d migration this SMS does not have (%(names)s): it was made "
            "by a newer SMS. Upgrade SMS first, then restore it.",
            "This backup's database has %(count)d migrations this SMS does not have (%(names)s): it was made "
            "by a newer SMS. Upgrade SMS first, then restore it.", len(unknown),
        ) % {"count": len(unknown), "names": names})


def _known_migrations():
    """Every migration on disk, and those squashed ones replace (a database may have applied either)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return known


def prune(*, keep):
    """Delete all but the `keep` newest backups; returns the deleted ids."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise BackupError(_("Keep at least one backup: give a whole number of 1 or more."))
    deleted = []
    try:
        # Shared lock: a rotation is never left re-wrapping a file deleted under it. Records that
        # name another backup are neither counted nor deleted: a person has to look at them.
        with keys.lock(exclusive=False):
            for metadata in [item for item in _scan() if item["status"] != "record-mismatch"][keep:]:
                file, meta = _paths(metadata["id"])
                file.unlink(missing_ok=True)
                meta.unlink(missing_ok=True)
                deleted.append(metadata["id"])
    except OSError as error:
        log_action(action=Action.CUSTOM, success=False, entity_type="backup",
                   changes={"operation": "backup_prune", "keep": keep, "deleted": deleted, "error": str(error)})
        raise BackupError(_("Pruning stopped: %(error)s") % {"error": error}) from error
    log_action(action=Action.CUSTOM, entity_type="backup",
               changes={"operation": "backup_prune", "keep": keep, "deleted": deleted})
    return deleted


def rotate_key():
    """A new master key; every backup's data key re-wrapped with it (no data re-encrypted).

    All data keys are unwrapped before anything changes, so a backup that cannot be opened stops
    the rotation with nothing done. Old keys are dropped only when no backup file's header names
    them. An interrupted rotation is finished by running it again: each backup's old key block is
    saved in its record before the block is rewritten, and put back if the write was torn.
    A backup deleted by hand while the rotation runs is skipped.
    """
    try:
        with keys.lock(exclusive=True):
            backups = [item for item in _scan() if item["status"] not in ("missing", "record-mismatch")]
            data_keys = {item["id"]: data_key for item in backups if (data_key := _data_key(item))}
            key_id, master = keys.add_new_current()
            rewrapped = [item["id"] for item in backups
                         if item["id"] in data_keys and _rewrap(item, data_keys[item["id"]], key_id, master)]
            retired = keys.retire_unused(_keys_in_use())
    except BackupError as error:
        _log_rotation_failure(error)
        raise
    except OSError as error:
        _log_rotation_failure(error)
        raise BackupError(_("The key rotation stopped: %(error)s. Run it again to finish it.") % {
            "error": error}) from error
    log_action(action=Action.KEY_ROTATE, entity_type="backup", entity_id=key_id,
               changes={"rewrapped": len(rewrapped), "skipped": len(backups) - len(rewrapped), "retired": retired})
    return key_id, len(rewrapped)


def _log_rotation_failure(error):
    log_action(action=Action.KEY_ROTATE, success=False, entity_type="backup", changes={"error": str(error)})


def _data_key(metadata):
    """The backup's data key, or None when its file is gone; repairs a key block a crash tore."""
    file, _meta = _paths(metadata["id"])
    try:
        with open(file, "rb") as stream:
            header = stream.read(format.HEADER_SIZE)
        try:
            return _unwrap(header)
        except (format.BackupCorrupt, format.WrongKey, BackupError):
            previous = metadata.get("previous_key_block")
            if not previous:
                raise
            data_key = _unwrap(header[:format.FIXED.size] + base64.b64decode(previous))
            _write_key_block(file, base64.b64decode(previous))
            return data_key
    except FileNotFoundError:
        return None
    except (OSError, ValueError, format.BackupCorrupt, format.WrongKey, BackupError) as error:
        raise BackupError(_(
            "Backup %(id)s cannot be opened (%(error)s), so nothing was rotated. "
            "Verify it, and prune or remove it if it is beyond repair."
        ) % {"id": metadata["id"], "error": error}) from error


def _unwrap(header):
    return format.unwrap_key(header, _master_for(format.parse_header(header)[2]))


def _rewrap(metadata, data_key, key_id, master):
    """Rewrite the file's 76-byte key block in place (the data is not copied); False if it is gone."""
    file, meta = _paths(metadata["id"])
    record = {name: value for name, value in metadata.items() if name not in ("status", "previous_key_block")}
    try:
        with open(file, "rb") as stream:
            header = stream.read(format.HEADER_SIZE)
    except FileNotFoundError:
        return False
    # The old block goes into the record first, so a write torn by a crash can be undone.
    _write_metadata(meta, {**record, "previous_key_block": base64.b64encode(header[format.FIXED.size:]).decode()})
    _write_key_block(file, format.wrap_key(header[:format.FIXED.size], key_id, data_key, master))
    _write_metadata(meta, {**record, "key_id": key_id, "sha256": _file_sha256(file)})
    return True


def _write_key_block(file, block):
    with open(file, "r+b") as stream:
        stream.seek(format.FIXED.size)
        stream.write(block)
        stream.flush()
        os.fsync(stream.fileno())


def _keys_in_use():
    return {key_id for file in backup_dir().glob(f"*{SUFFIX}") if (key_id := _header_key_id(file))}
