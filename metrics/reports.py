"""The five metric reports (students, courses, grades, attendance, dashboard) as plain dicts, and
the pages of students at risk or over the absence limit that the admin pages list.

Each is cached for at most CACHE_SECONDS per filter combination (and page of a list), in Redis when
REDIS_URL is set, so numbers are never more than a minute old, the API and the admin pages show the
same ones, and a busy admin page does not recompute them per view.
"""

import logging
from collections import defaultdict

from django.core.cache import cache
from django.core.paginator import Paginator

from courses import semesters
from metrics import selectors
from sms.api.ratelimit import CACHE_ERRORS

logger = logging.getLogger("sms.metrics")

CACHE_SECONDS = 60
# Part of every key: a report whose shape changes gets new keys, so a shared cache (Redis) never
# serves the previous version's dicts to new code during the minute after a deploy.
CACHE_VERSION = 2
LABELS = selectors.LABELS
FLAGGED_PAGE_SIZE = 50


def cache_key(name, scope, *extra):
    """One key per report and filter (semester as normalised, course id), and per page of a list."""
    parts = [name, semesters.normalise(scope.semester).replace(" ", "_"), str(scope.course or ""), *map(str, extra)]
    return f"sms-metrics:v{CACHE_VERSION}:" + ":".join(parts)


def cached(name, scope, build, *extra):
    """build(scope, *extra), from the cache when it was computed less than CACHE_SECONDS ago."""
    try:
        return cache.get_or_set(cache_key(name, scope, *extra), lambda: build(scope, *extra), CACHE_SECONDS)
    except CACHE_ERRORS as error:  # a cache outage costs speed, never the page
        logger.warning("Metrics cache unavailable, computing without it: %s", error)
        return build(scope, *extra)


def students_report(scope):
    """3 queries: counts (at risk among them), the students at risk, the courses with their numbers."""
    courses = selectors.courses_with_numbers(scope)
    return {
        **selectors.student_counts(scope),
        "at_risk_students": selectors.at_risk_students(scope),
        "enrolled_per_course": [
            {"course_id": c["id"], "course_code": c["course_code"], "course_name": c["course_name"],
             "enrolled": c["numbers"]["enrolled"]} for c in courses
        ],
    }


def courses_report(scope):
    """1 query: the courses with their numbers."""
    return {"courses": [_course_row(c, c["numbers"]) for c in selectors.courses_with_numbers(scope)]}


def _course_row(course, numbers):
    return {
        "course_id": course["id"], "course_code": course["course_code"], "course_name": course["course_name"],
        "semester": course["semester"], "enrolled": numbers["enrolled"], **selectors.finals_summary([numbers]),
        "attendance_rate": selectors.attendance_rate([numbers]),
        "grade_distribution": [{"label": label, "count": numbers["labels"][label]} for label in LABELS],
    }


def grades_report(scope):
    """1 query: the scope's grades grouped by (grade, maximum)."""
    return selectors.grades_summary(selectors.grade_groups(scope))


def attendance_report(scope):
    """3 queries: the courses with their numbers, the weekly trend, the students over the limit."""
    courses = selectors.courses_with_numbers(scope)
    numbers = [c["numbers"] for c in courses]
    totals = selectors.attendance_totals(numbers)
    return {
        "records": sum(totals.values()),
        "rate": selectors.attendance_rate(numbers),
        "by_status": totals,
        "per_course": [
            {"course_id": c["id"], "course_code": c["course_code"], "rate": selectors.attendance_rate([c["numbers"]]),
             "limit": selectors.absence_limit(c)}
            for c in courses
        ],
        "weekly_trend": selectors.weekly_trend(scope),
        "over_limit": sum(item["over_limit"] for item in numbers),
        "over_limit_students": selectors.over_limit_students(scope),
    }


def dashboard_report(scope):
    """4 queries whatever the data size: courses with their numbers, student counts (at risk among
    them), grade groups, weekly trend."""
    courses = selectors.courses_with_numbers(scope)
    numbers = [c["numbers"] for c in courses]
    return {
        "students": selectors.student_counts(scope),
        "courses": {
            "count": len(courses), **selectors.finals_summary(numbers),
            "pass_rate_per_course": [
                {"course_code": c["course_code"], **selectors.finals_summary([c["numbers"]])} for c in courses
            ],
        },
        "grades": grades_report(scope),
        "attendance": {
            "rate": selectors.attendance_rate(numbers),
            "by_status": selectors.attendance_totals(numbers),
            "over_limit": sum(item["over_limit"] for item in numbers),
            "weekly_trend": selectors.weekly_trend(scope),
        },
    }


REPORTS = {
    "students": students_report, "courses": courses_report, "grades": grades_report,
    "attendance": attendance_report, "dashboard": dashboard_report,
}


def report(name, scope):
    return cached(name, scope, REPORTS[name])


def flagged_page(scope, flag, number):
    """One page of the students flagged `flag` (at_risk, over_limit) in the scope, by name, each
    with the courses that flag them and why. 3 queries: count, the page, their results."""
    page = Paginator(selectors.flagged_students(scope, flag), FLAGGED_PAGE_SIZE).get_page(number)
    students = list(page.object_list)
    courses = defaultdict(list)
    for row in selectors.flagged_results(scope, flag, [student.pk for student in students]):
        courses[row["student_id"]].append(row)
    return {
        "count": page.paginator.count, "number": page.number, "pages": page.paginator.num_pages,
        "students": [{"pk": student.pk, "student_id": student.student_id, "name": student.full_name,
                      "courses": courses[student.pk]} for student in students],
    }


def flagged(scope, flag, number=1):
    """flagged_page, cached like the reports (per filter and page number)."""
    return cached(f"flagged-{flag}", scope, flagged_page, flag, number)
