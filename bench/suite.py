"""Runs every page of bench/pages.py in its variants: the page, its naive twin, its floor."""

from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from bench import pages
from bench.floor import SQL_FLOOR, record_statements
from bench.measure import Endpoint, Variant, count_queries, get, sample
from grades.models import Grade


@dataclass
class Result:
    endpoint: Endpoint
    page: object
    overhead: int  # queries every request pays before the page (session, user, role or token)
    naive: object = None
    naive_overhead: int = 0
    floor: object = None


def clients():
    admin = User.objects.get(username="admin")
    web = Client()
    web.force_login(admin)
    token, _created = Token.objects.get_or_create(user=admin)
    return {"web": web, "api": Client(HTTP_AUTHORIZATION=f"Token {token.key}")}


def run(requests=30, warmup=3, only=None, show_sql=False):
    by_kind = clients()
    course = pages.busiest_course()
    grades_pages = -(-Grade.objects.count() // 25)
    print(f"Per-course pages use {course.course_code} ({course.enrolled_count} students).")
    results = []
    for endpoint in pages.endpoints(course, grades_pages):
        if only and only.lower() not in endpoint.name.lower():
            continue
        result = measure(by_kind[endpoint.client], endpoint, requests, warmup)
        results.append(result)
        print(line(result), flush=True)
        if show_sql:
            print("\n".join(f"    {sql[:400]}" for sql in result.page.sql))
    return results


def measure(client, endpoint, requests, warmup):
    probe = f"/bench/probe/{endpoint.client}/"
    variants = [Variant(endpoint.url)]
    if endpoint.naive:
        variants.append(Variant(endpoint.url, endpoint.naive))
    if endpoint.floor:
        floor = sql_floor(client, endpoint, probe) if endpoint.floor == SQL_FLOOR else endpoint.floor
        variants.append(Variant(floor))
    samples = iter(sample(client, endpoint, variants, requests=requests, warmup=warmup))
    result = Result(endpoint, next(samples), count_queries(client, probe).queries)
    if endpoint.naive:
        result.naive = next(samples)
        result.naive_overhead = count_queries(client, probe, endpoint.naive).queries
    if endpoint.floor:
        result.floor = next(samples)
    return result


def sql_floor(client, endpoint, probe):
    """The URL replaying the page's own statements (bench/floor.py), recorded from a warm request."""
    key = slugify(endpoint.name)
    with (endpoint.around or nullcontext)():
        get(client, endpoint.url)  # caches warm, so the recording is what every timed request runs
        record_statements(key, lambda: get(client, endpoint.url), lambda: get(client, probe))
    return f"/bench/floor/sql/{endpoint.client}/{key}/"


def line(result):
    page = result.page
    text = f"{result.endpoint.name:<55} {page.queries:>3} q  {page.median:8.1f} ms  p95 {page.p95:8.1f} ms"
    if result.naive:
        text += f" | naive {result.naive.queries:>5} q {result.naive.median:8.1f} ms"
    if result.floor:
        text += f" | floor {result.floor.median:6.1f} ms ×{page.median / result.floor.median:.2f}"
    return text
