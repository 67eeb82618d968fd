import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_DEBUG")}
    environment.update(env, DJANGO_SETTINGS_MODULE="sms.settings.prod")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("extra", [{}, {"REDIS_URL": "redis://127.0.0.1:6379/0"}], ids=["locmem", "redis"])
def test_production_settings_pass_the_deploy_check(extra):
    # As README's production command sets them; any warning fails (HSTS, secure cookies, SSL redirect,
    # DEBUG, the secret's strength, the rate limiter's cache).
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="sms.school.gr",
                        SECRET_KEY="x" * 20 + "-a-long-and-random-production-secret-key-0123456789", **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_redis_url_switches_the_cache_to_redis():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    environment = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/1", "DJANGO_SETTINGS_MODULE": "sms.settings.dev"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_a_sqlite_file_database_runs_in_wal_mode_and_writers_wait_up_to_20_seconds(tmp_path):
    code = ("from django.db import connection; cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); "
            "print(cursor.fetchone()[0], connection.settings_dict['OPTIONS']['timeout'])")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'school.sqlite3'}",
                   "DJANGO_SETTINGS_MODULE": "sms.settings.dev"}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                            env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.split() == ["wal", "20"], result.stderr
