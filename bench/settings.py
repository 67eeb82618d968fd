"""Settings for bench/run.py: production-like (no debug), on the bench's own database.

bench/run.py puts the bench database into DATABASE_URL before Django starts; REDIS_URL, when set,
gives the cache production uses. Rate limits are raised so the runs are not answered 429, but the
limiter still counts every request, as in production.
"""

from sms.settings.base import *

DEBUG = False
SECRET_KEY = "bench-only-key"  # the audit chain of the bench data is keyed with it
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "bench.urls"
SMS_API_RATE_LIMITS = {"read": "1000000/m", "write": "1000000/m", "auth": "1000000/m"}
