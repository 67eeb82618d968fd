"""Encrypted backups: streaming AES-256-GCM (format.py), master keys (keys.py), database snapshots
(engines.py) and the operations the command and the admin page share (services.py).
The file format is documented in docs/backup-format.md."""
