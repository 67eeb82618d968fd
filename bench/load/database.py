"""Drop and re-create the load test's own PostgreSQL database, and empty its Redis database.

    python bench/load/database.py <postgres url of the load database> <redis url>

Refuses any database whose name does not start with "sms_load", so a typo cannot drop someone
else's data.
"""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

PREFIX = "sms_load"


def recreate_postgres(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith(PREFIX):
        raise SystemExit(f"Refusing to drop {name!r}: the load test only uses databases named {PREFIX}*.")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def empty_redis(url):
    redis.Redis.from_url(url).flushdb()  # only the load test's own database number


if __name__ == "__main__":
    recreate_postgres(sys.argv[1])
    empty_redis(sys.argv[2])
