"""Uploaded files waiting for confirmation, kept on the server between preview and confirm.

The file is stored under a random token and the token is remembered in the uploader's session,
so only that user can confirm it, and the confirm re-reads and re-checks the very same bytes.
Files older than a day are removed whenever a new one is stored.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

SESSION_KEY = "sms_transfer_uploads"
MAX_AGE_SECONDS = 24 * 60 * 60
KEEP_PER_SESSION = 5


def directory():
    path = Path(getattr(settings, "SMS_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "sms-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stash(request, kind_name, filename, data):
    """Store the upload; returns its token."""
    _prune()
    token = secrets.token_urlsafe(24)
    (directory() / token).write_bytes(data)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"kind": kind_name, "filename": filename, "at": time.time()}
    for old in sorted(pending, key=lambda key: pending[key]["at"])[:-KEEP_PER_SESSION]:
        discard(request, old, pending)
    request.session[SESSION_KEY] = pending
    return token


def load(request, token, kind_name):
    """(filename, bytes) of this session's upload, or None if unknown, expired or of another kind."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    path = directory() / token
    if not entry or entry["kind"] != kind_name or not path.is_file():
        return None
    return entry["filename"], path.read_bytes()


def discard(request, token, pending=None):
    pending = request.session.get(SESSION_KEY, {}) if pending is None else pending
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    (directory() / token).unlink(missing_ok=True)


def _prune():
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
