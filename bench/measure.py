"""Timing pages: queries per request, median and p95 latency, over the test client.

Requests go through Django's whole stack (middleware, authentication, rate limiting, rendering)
in this process, without a network or server in between, so the numbers are the application's
own cost. The variants of a page (the page, its naive twin, its floor) are timed in turns, one
request each per round, so a burst of load from elsewhere on the machine slows all of them alike
and their ratios hold better than their absolute times.
"""

import math
import statistics
import time
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

MIN_ROUNDS = 5


@dataclass
class Endpoint:
    name: str
    group: str  # "web", "api", "dashboard" or "admin": which table and which target
    url: str
    client: str = "web"  # "web": signed-in session; "api": token
    floor: str | None = None  # URL of the .values() floor (API lists), or SQL_FLOOR: the page's SQL alone
    naive: object = None  # a context manager factory for the naive twin
    around: object = None  # a context manager factory around every variant (e.g. no metrics cache)
    budget: float = 60.0  # seconds for all rounds; at least MIN_ROUNDS are made anyway
    warmup: int | None = None  # untimed requests per variant; None: the run's --warmup


@dataclass
class Variant:
    url: str
    wrap: object = None  # a context manager factory, or None


@dataclass
class Sample:
    queries: int
    sql: list
    times: list = field(default_factory=list)

    @property
    def median(self):
        return statistics.median(self.times) * 1000

    @property
    def p95(self):
        """Nearest rank: the smallest time that 95 % of the requests did not exceed."""
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def count_queries(client, url, wrap=None):
    """Queries of one request (after one untimed request to warm caches)."""
    with (wrap or nullcontext)():
        get(client, url)
        with CaptureQueriesContext(connection) as captured:
            get(client, url)
    return Sample(len(captured.captured_queries), [query["sql"] for query in captured.captured_queries])


def sample(client, endpoint, variants, requests=30, warmup=3):
    """[Sample] per variant: warm-up, queries, then up to `requests` timed rounds in turns."""
    with (endpoint.around or nullcontext)():
        samples = []
        for variant in variants:
            with (variant.wrap or nullcontext)():
                for _ in range(warmup if endpoint.warmup is None else endpoint.warmup):
                    get(client, variant.url)
            samples.append(count_queries(client, variant.url, variant.wrap))
        started = time.perf_counter()
        for round_number in range(requests):
            if round_number >= MIN_ROUNDS and time.perf_counter() - started > endpoint.budget:
                break
            for variant, result in zip(variants, samples):
                result.times.append(_timed(client, variant))
    return samples


def _timed(client, variant):
    with ExitStack() as stack:
        if variant.wrap:
            stack.enter_context(variant.wrap())
        begin = time.perf_counter()
        get(client, variant.url)
        return time.perf_counter() - begin


def get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    return response
