"""Every string the code marks for translation has a Greek translation.

makemessages runs on a copy of the source (the work tree stays untouched) and merges the
committed catalogue into it; a string added without its translation then shows up as an empty
or fuzzy entry. Needs GNU gettext, which `make test` and CI install.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/el/LC_MESSAGES/django.po")
SKIPPED = shutil.ignore_patterns(
    ".venv", ".git", "node_modules", "staticfiles", "backups", ".sms-keys", "*.sqlite3", "__pycache__",
    ".pytest_cache", "bench", "*.mo",
)
ENTRY = re.compile(r'^(#, .*\n)?((?:#.*\n)*)msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', re.MULTILINE)


def entries(text):
    """(msgid, [msgstr...], fuzzy) for each live entry of a .po text (header skipped)."""
    for match in ENTRY.finditer(text + "\n"):
        msgid = "".join(re.findall(r'"(.*)"', match[3]))
        if not msgid:
            continue
        translations = ["".join(re.findall(r'"(.*)"', part)) for part in re.split(r"^msgstr", match[4], flags=re.MULTILINE) if part]
        yield msgid, translations, "fuzzy" in (match[1] or "")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (CI installs it)")
def test_every_marked_string_has_a_greek_translation(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=SKIPPED)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "el", "--no-location", "-v0"],
        cwd=copy, check=True, capture_output=True,
    )
    missing = [
        msgid for msgid, translations, fuzzy in entries((copy / CATALOGUE).read_text(encoding="utf-8"))
        if fuzzy or not all(translations)
    ]
    assert missing == [], f"{len(missing)} strings lack a Greek translation: {missing[:20]}"


def test_the_committed_catalogue_has_no_empty_or_fuzzy_entries():
    text = (ROOT / CATALOGUE).read_text(encoding="utf-8")
    found = list(entries(text))
    assert len(found) > 300
    assert [msgid for msgid, translations, fuzzy in found if fuzzy or not all(translations)] == []
