"""bench/results.md: one section per database engine, each with its machine, data and tables."""

import os
import platform
import re
import time

import django
from django.conf import settings
from django.db import connection

from attendance.models import Attendance
from audit.selectors import history_models
from courses.models import Course, Enrollment
from grades.models import Grade
from students.models import Student

HEADER = """# Benchmark results

Written by `make bench` (bench/run.py); see "Benchmark" in the README for what it does and how to
run it. Each run replaces the section of its database engine and keeps the rest of this file.

How to read the tables:

- **queries**: the page's own queries + what every request pays first (session and user for a
  signed-in page, the token for the API), measured on an empty view behind the same checks.
  Targets: every list ≤ 3 of its own queries; the dashboard ≤ 10 and ≤ 150 ms on PostgreSQL.
- **median / p95**: wall time of the request through the whole Django stack (middleware,
  authentication, rate limiting, rendering), in this process, signed in as the demo admin.
- **naive**: the same page with every `select_related`/`prefetch_related` switched off (each
  related row loaded on first use); for API lists, DRF's ModelSerializer over model instances
  that way. **× naive** = page ÷ naive median (below 1: faster than naive). The metrics reports
  have none: they load no related rows (switching eager loading off changes nothing); they read
  derived tables the writes keep current (README, Metrics), and their naive form, computing from
  the records per request, is gone (its figures are in the Findings).
- **floor**: the least work that answers the request, behind the same sign-in. API lists: token
  lookup, `COUNT(*)` and `.values()` of the page's columns returned by `JsonResponse`; **× floor** =
  API ÷ floor median, target ≤ 2. Web pages, admin change lists and uncached metrics: the page's own
  SQL alone, the statements one request ran replayed through a plain cursor, every row fetched,
  an empty answer (bench/floor.py says why); **× floor** = the page's time over its data's, i.e.
  what its Python (model instances, calculations, forms, templates) costs. No target.
- **uncached** metrics: the report's cache time is set to 0 for the run, so every request
  computes it, as the first one after the 60 s cache expires does.
"""
TARGETS = {"web": 3, "api": 3, "admin": 3, "dashboard": 10, "detail": None}
DASHBOARD_MS = 150
TITLES = {
    "web": "Web list pages",
    "detail": "Record pages with a list inside (not among the list targets; for comparison)",
    "api": "API lists",
    "dashboard": "Metrics dashboard",
    "admin": "Django admin change lists",
}


def write(path, results, seeded, load_before, requests, warmup):
    engine = connection.vendor
    body = render(results, seeded, load_before, requests, warmup)
    section = f"<!-- bench:{engine} -->\n{body}<!-- /bench:{engine} -->\n"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{engine} -->.*?<!-- /bench:{engine} -->\n", re.DOTALL)
    text = pattern.sub(lambda _match: section, text) if pattern.search(text) else f"{text}\n{section}"
    path.write_text(text)


def render(results, seeded, load_before, requests, warmup):
    lines = [f"## {database_name()}", "", *machine(load_before), "", *data(seeded), ""]
    lines.append(f"Each page: {warmup} untimed requests per variant, then {requests} rounds of one timed request "
                 "per variant (page, naive, floor) in turns; fewer rounds when they passed 60 s (column n).")
    for group, title in TITLES.items():
        rows = [result for result in results if result.endpoint.group == group]
        if rows:
            lines += ["", f"### {title}", "", *table(group, rows)]
    return "\n".join(lines) + "\n\n"


def database_name():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine(load_before):
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    before, after = (" / ".join(f"{value:.2f}" for value in load) for load in (load_before, os.getloadavg()))
    run = (f"- Run: {time.strftime('%Y-%m-%d %H:%M %Z')}; load average (1 / 5 / 15 min) {before} at the start, "
           f"{after} at the end, on {os.cpu_count()} cores: other work on the machine slows every page alike.")
    host = (f"- Machine: {cpu_model()}, {os.cpu_count()} cores, {memory_gib():.0f} GiB RAM; "
            f"{platform.system()} {platform.release()}.")
    software = (f"- Python {platform.python_version()}, Django {django.get_version()}, {database_name()} "
                f"on the same machine, cache {cache}.")
    return [run, host, software]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for row in cpuinfo:
                if row.startswith("model name"):
                    return row.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib():
    try:
        with open("/proc/meminfo") as meminfo:
            return int(meminfo.readline().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return 0


def data(seeded):
    history = sum(model.objects.count() for model in history_models().values())
    counts = {
        "students": Student.all_objects.count(), "courses": Course.all_objects.count(),
        "enrollments": Enrollment.all_objects.count(), "grades": Grade.all_objects.count(),
        "attendance records": Attendance.all_objects.count(), "history rows": history,
    }
    seed = (f"seeded by `seed_demo` in {seeded['seconds']:.0f} s on {seeded['date']}" if seeded
            else "seeded earlier (time not recorded here)")
    return ["- Data: " + ", ".join(f"{number:,} {name}" for name, number in counts.items()) + f"; {seed}."]


def table(group, rows):
    with_floor = any(result.floor for result in rows)
    head = ["page", "n", "queries", "median ms", "p95 ms", "naive queries", "naive median ms", "× naive"]
    if with_floor:
        head += ["floor median ms", "× floor"]
    head.append("target")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for result in rows:
        lines.append("| " + " | ".join(cells(group, result, with_floor)) + " |")
    return lines


def cells(group, result, with_floor):
    page, naive, floor = result.page, result.naive, result.floor
    own = page.queries - result.overhead
    row = [result.endpoint.name.replace("|", "\\|"), str(len(page.times)), f"{own} + {result.overhead}",
           f"{page.median:.1f}", f"{page.p95:.1f}"]
    if naive:
        row += [f"{naive.queries - result.naive_overhead} + {result.naive_overhead}", f"{naive.median:.1f}",
                f"{page.median / naive.median:.2f}"]
    else:
        row += ["—", "—", "—"]
    if with_floor:
        row += [f"{floor.median:.1f}", f"{page.median / floor.median:.2f}"] if floor else ["—", "—"]
    row.append(verdict(group, result, own))
    return row


def verdict(group, result, own):
    if TARGETS[group] is None:
        return "—"
    missed = []
    if own > TARGETS[group]:
        missed.append(f"{own} queries > {TARGETS[group]}")
    if group == "api" and result.floor and result.page.median > 2 * result.floor.median:
        missed.append("> 2× floor")
    if group == "dashboard" and "uncached" in result.endpoint.name and result.page.median > DASHBOARD_MS:
        missed.append(f"> {DASHBOARD_MS} ms")
    return "✗ " + ", ".join(missed) if missed else "✓"
