"""Writes bench/load/results.md from the load's outputs (bench/load/run.sh runs it).

    python bench/load/report.py <out dir> <results.md>

Reads locust's final statistics <out>/locust.json (taken after the last in-flight request ended,
unlike its CSV, so the counts match the writes verified), verify.py's <out>/verify.json,
<out>/gunicorn.log and <out>/run.env (the run's parameters, KEY=value lines).
"""

import json
import os
import platform
import sys
from pathlib import Path


def percentile(response_times, fraction):
    """From locust's histogram {"rounded ms": count}: the smallest time covering `fraction` of requests."""
    times = sorted((float(ms), count) for ms, count in response_times.items())
    wanted, seen = fraction * sum(count for _ms, count in times), 0
    for ms, count in times:
        seen += count
        if seen >= wanted:
            return round(ms)
    return 0


def summary(name, entries):
    """One row: requests, failures, requests/s over the run and percentiles, for one or all endpoints."""
    histogram = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            histogram[ms] = histogram.get(ms, 0) + count
    requests = sum(entry["num_requests"] for entry in entries)
    seconds = max(e["last_request_timestamp"] for e in entries) - min(e["start_time"] for e in entries)
    return {"Name": name, "Request Count": requests, "Failure Count": sum(e["num_failures"] for e in entries),
            "Requests/s": requests / seconds if seconds else 0,
            **{f"{q}%": percentile(histogram, q / 100) for q in (50, 95, 99)}}


def read_stats(out):
    entries = json.loads((out / "locust.json").read_text(encoding="utf-8"))
    rows = [summary(entry["name"], [entry]) for entry in sorted(entries, key=lambda entry: entry["name"])]
    return [*rows, summary("Aggregated", entries)]


def read_env(out):
    lines = (out / "run.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def machine():
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({model}), {memory_kb / 1024 / 1024:.0f} GiB, Python {platform.python_version()}"


def server_errors(out):
    log = (out / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    return log.count("Internal Server Error") + log.count("[CRITICAL] WORKER TIMEOUT")


def endpoint_rows(stats):
    for row in stats:
        name = "**all requests**" if row["Name"] == "Aggregated" else f"`{row['Name']}`"
        yield (f"| {name} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
               f"| {row['50%']} | {row['95%']} | {row['99%']} |")


def verification_rows(verified):
    for resource, counts in verified["resources"].items():
        yield f"| `{resource}` | {counts['accepted']} | {counts['in_database']} | {counts['with_history_row']} |"


def render(stats, verified, env, errors_logged):
    total = next(row for row in stats if row["Name"] == "Aggregated")
    writes = sum(counts["accepted"] for counts in verified["resources"].values())
    servers = verified["servers"]
    return "\n".join([
        "# Load test: REST API under gunicorn, PostgreSQL and Redis",
        "",
        (f"Run {env['RUN_ID']} with `bench/load/run.sh` (see README, \"Load test\"). Numbers from one run on a "
        "shared 2-core machine where the load generator, gunicorn, PostgreSQL and Redis compete for the "
        "same cores, and other work may have been running: read them as an order of magnitude, not a "
        "capacity figure for a real server."),
        "",
        (f"- Machine: {machine()}; PostgreSQL {servers['postgresql']}, Redis {servers['redis']}. Load average "
         f"before the run (1, 5, 15 min): {env.get('LOADAVG_BEFORE', '?')}: above 0.5 means other work was "
         "sharing the two cores."),
        (f"- Server: gunicorn `-w {env['WORKERS']}` (sync workers), `sms.settings.prod` (HTTPS as told by "
        "`X-Forwarded-Proto`, as behind the TLS proxy), `REDIS_URL` cache; rate limits raised through "
        f"`SMS_API_RATE_LIMITS={env['SMS_API_RATE_LIMITS']}`, since the run measures capacity."),
        f"- Data: `seed_demo --students {env['STUDENTS']}` into a fresh database `{env['DB_NAME']}`.",
        (f"- Load: locust, {env['USERS']} users for {env['DURATION']}, each waiting 10–50 ms between requests; "
        "≈ 70 % reads (student search, student, final grades, grades and attendance of a course, courses) "
        "as a viewer, ≈ 30 % writes (grade, attendance, student update, new student) as an admin, token auth."),
        "",
        "## Results",
        "",
        f"- Throughput: **{float(total['Requests/s']):.1f} requests/s** ({total['Request Count']} requests).",
        (f"- Latency: median {total['50%']} ms, **p95 {total['95%']} ms**, p99 {total['99%']} ms. The users "
         "send their next request as soon as the last one returns, so the server runs flat out and most of "
         "this is waiting in gunicorn's queue (users ÷ throughput), not the time to serve one request."),
        f"- Errors: **{total['Failure Count']}** failed requests; {errors_logged} server errors in the gunicorn log.",
        (f"- Writes: **{writes}** accepted; every one checked below. Audit chain after the run: "
        f"{'intact' if verified['audit_chain_intact'] else '**BROKEN**'}."),
        "",
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *endpoint_rows(stats),
        "",
        "## Every accepted write is in the database with its history row",
        "",
        ("Each write carried a unique `X-Request-ID` (`load-<run>-<n>`); the history row of the written row "
        "must carry the same request id."),
        "",
        "| resource | accepted writes | row in the database | history row with its request id |",
        "|---|---:|---:|---:|",
        *verification_rows(verified),
        "",
        (f"History rows carrying this run's request ids: {verified['history_rows_of_the_run']}; of those "
        f"without an accepted write (a refused request that still wrote): "
        f"{verified['history_rows_without_an_accepted_write']}. Verdict: "
        f"{'**all writes accounted for**' if verified['ok'] else '**MISSING WRITES**'}."),
        "",
    ])


def main(out, results):
    out = Path(out)
    text = render(read_stats(out), json.loads((out / "verify.json").read_text()), read_env(out), server_errors(out))
    Path(results).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main(*sys.argv[1:3])
