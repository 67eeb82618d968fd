#!/usr/bin/env python
"""The district-scale benchmark: `make bench`, or `.venv/bin/python bench/run.py [options]`.

1. Uses its own database, never the application's: --db, else BENCH_DATABASE_URL, else (when
   DATABASE_URL names a PostgreSQL server) the database `sms_bench` on that server, created if
   missing, else the SQLite file bench/bench.sqlite3.
2. Migrates it and seeds it once (10,000 students, 300 courses, 200,000 grades, 500,000
   attendance rows, each with its history row), then ANALYZEs it; later runs reuse the data.
3. Requests every list page, API list and the metrics dashboard through Django's test client,
   signed in as the demo admin: queries, median and p95 latency, against the naive twin
   (bench/naive.py) and, for API lists, the .values() floor (bench/floor.py).
4. Writes the table, the machine and the data set into bench/results.md, in the section of the
   database engine it ran on (a PostgreSQL run keeps the SQLite section, and back).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"students": 10_000, "courses": 300, "grades": 200_000, "attendance": 500_000}
SQLITE_DEFAULT = f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
POSTGRES_NAME = "sms_bench"
SEED_LOG = ROOT / "bench" / ".seed-times.json"


def main():
    args = arguments()
    url = database_url(args.db)
    prepare_database(url, reseed=args.reseed)
    start_django(url)
    from bench import report, suite

    seeded = seed(url, {name: max(1, round(size * args.scale)) for name, size in SIZES.items()})
    load_before = os.getloadavg()
    results = suite.run(requests=args.requests, warmup=args.warmup, only=args.only, show_sql=args.show_sql)
    if args.only is not None or args.scale != 1:
        print("--only or --scale given: bench/results.md left as it was.")
        return
    report.write(ROOT / "bench" / "results.md", results, seeded, load_before, requests=args.requests,
                 warmup=args.warmup)
    print("Results written to bench/results.md")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="Database URL of the bench's own database.")
    parser.add_argument("--reseed", action="store_true", help="Drop the bench database and seed it again.")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per page and variant (30).")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first (3).")
    parser.add_argument("--only", help="Measure only pages whose name contains this text; results.md untouched.")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="Data set size as a share of the district's, e.g. 0.01 to try the bench quickly.")
    parser.add_argument("--show-sql", action="store_true", help="Print each page's queries.")
    return parser.parse_args()


def database_url(explicit=None):
    if explicit or os.environ.get("BENCH_DATABASE_URL"):
        return explicit or os.environ["BENCH_DATABASE_URL"]
    application = urlsplit(os.environ.get("DATABASE_URL", ""))
    if application.scheme.startswith("postgres"):
        return application._replace(path=f"/{POSTGRES_NAME}").geturl()
    return SQLITE_DEFAULT


def prepare_database(url, reseed=False):
    import dj_database_url

    parts, name = urlsplit(url), dj_database_url.parse(url)["NAME"]
    if reseed and "bench" not in Path(name).name:
        raise SystemExit(f"--reseed drops the database; refusing for {name!r}, whose name lacks 'bench'.")
    if parts.scheme.startswith("postgres"):
        _prepare_postgres(parts, name, reseed)
    elif reseed:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


def _prepare_postgres(parts, name, reseed):
    import psycopg
    from psycopg import sql

    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def seed(url, sizes):
    """Migrate and seed once; returns {"seconds", "date"} of the seeding (None if not recorded)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    counts = data_counts()
    log = json.loads(SEED_LOG.read_text()) if SEED_LOG.exists() else {}
    if all(counts[name] == size for name, size in sizes.items()):
        print(f"Bench data already present ({counts}); not seeding again.")
        return log.get(url)
    if counts["students"]:
        raise SystemExit(f"The bench database holds other data ({counts}); run with --reseed to start over.")
    print("Seeding", sizes, "...", flush=True)
    started = time.perf_counter()
    call_command("seed_demo", **sizes)
    seconds = time.perf_counter() - started
    analyze()
    log[url] = {"seconds": round(seconds, 1), "date": time.strftime("%Y-%m-%d")}
    SEED_LOG.write_text(json.dumps(log, indent=2))
    print(f"Seeded in {seconds:.0f} s.")
    return log[url]


def data_counts():
    from attendance.models import Attendance
    from courses.models import Course
    from grades.models import Grade
    from students.models import Student

    return {"students": Student.all_objects.count(), "courses": Course.all_objects.count(),
            "grades": Grade.all_objects.count(), "attendance": Attendance.all_objects.count()}


def analyze():
    """Fresh planner statistics, as autovacuum would gather them a little later."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


if __name__ == "__main__":
    main()
