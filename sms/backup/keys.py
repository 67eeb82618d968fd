"""The master keys: a JSON file at settings.SMS_BACKUP_KEY_FILE, mode 0600, created on first use.

    {"current": "<key id>", "keys": {"<key id>": "<base64 32-byte key>", ...}}

It must live outside the backup directory (a stolen backup folder must not carry its key) and is
never logged. Rotation adds a new current key; old keys stay until no backup needs them.

A lock file beside it (`<key file>.lock`) orders the operations that depend on which keys exist:
creating a backup holds it shared from choosing the key until the backup is on disk, rotation
holds it exclusively, so a rotation can never retire the key of a backup still being written.
"""

import base64
import fcntl
import json
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sms.backup.format import KEY_ID_LENGTH


class KeyMissing(Exception):
    pass


def key_file():
    path = Path(settings.SMS_BACKUP_KEY_FILE).resolve()
    backups = Path(settings.SMS_BACKUP_DIR).resolve()
    if path == backups or backups in path.parents:
        raise ImproperlyConfigured(
            "SMS_BACKUP_KEY_FILE is inside SMS_BACKUP_DIR: anyone with the backups would have the key. "
            "Move the key file elsewhere."
        )
    return path


@contextmanager
def lock(*, exclusive):
    """Hold the key ring's lock: shared while a backup is written, exclusive while keys rotate."""
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _load():
    path = key_file()
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _write_private(ring):
    """Write the ring to a fresh 0600 file beside the key file and return its path."""
    path = key_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp creates it 0600
        json.dump(ring, handle)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(temporary)


def _save(ring):
    os.replace(_write_private(ring), key_file())


def _new_key():
    return secrets.token_hex(KEY_ID_LENGTH // 2), base64.b64encode(secrets.token_bytes(32)).decode()


def current():
    """(key id, key bytes) of the current master key, generating the key file on first use."""
    ring = _load()
    if ring is None:
        key_id, value = _new_key()
        temporary = _write_private({"current": key_id, "keys": {key_id: value}})
        try:
            # link() fails if another process created the file first: then everyone uses that one,
            # never a key that a racing writer silently replaced.
            os.link(temporary, key_file())
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        ring = _load()
    return ring["current"], base64.b64decode(ring["keys"][ring["current"]])


def get(key_id):
    ring = _load() or {"keys": {}}
    if key_id not in ring["keys"]:
        raise KeyMissing(key_id)
    return base64.b64decode(ring["keys"][key_id])


def known():
    """The ids of every master key in the file (none when it does not exist yet)."""
    return set((_load() or {"keys": {}})["keys"])


def add_new_current():
    """Create a new current master key and return (key id, key bytes); the old ones stay."""
    current()
    ring = _load()
    key_id, value = _new_key()
    ring["keys"][key_id] = value
    ring["current"] = key_id
    _save(ring)
    return key_id, base64.b64decode(value)


def retire_unused(needed):
    """Drop every key but the current one and those in `needed`; returns the retired key ids."""
    ring = _load()
    keep = {ring["current"], *needed}
    retired = sorted(set(ring["keys"]) - keep)
    if retired:
        ring["keys"] = {key_id: value for key_id, value in ring["keys"].items() if key_id in keep}
        _save(ring)
    return retired
