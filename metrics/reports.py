"""The five metric reports (students, courses, grades, attendance, dashboard) as plain dicts.

Each is cached for at most CACHE_SECONDS per filter combination (Redis when REDIS_URL is set), so
numbers are never more than a minute old and a busy admin page does not recompute them per view.
"""

import logging

from django.core.cache import cache

from metrics import selectors
from sms.api.ratelimit import CACHE_ERRORS

logger = logging.getLogger("sms.metrics")

CACHE_SECONDS = 60
LABELS = selectors.LABELS


def cached(name, scope, build):
    key = f"sms-metrics:{name}:{scope.semester.replace(' ', '_')}:{scope.course or ''}"
    try:
        return cache.get_or_set(key, lambda: build(scope), CACHE_SECONDS)
    except CACHE_ERRORS as error:  # a cache outage costs speed, never the page
        logger.warning("Metrics cache unavailable, computing without it: %s", error)
        return build(scope)


def students_report(scope):
    """3 queries: counts, at risk, the courses with their numbers."""
    courses = selectors.courses_with_numbers(scope)
    return {
        **selectors.student_counts(scope),
        "at_risk": selectors.at_risk_count(scope),
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
    """5 queries whatever the data size: courses with their numbers, student counts, at risk, grade
    groups, weekly trend."""
    courses = selectors.courses_with_numbers(scope)
    numbers = [c["numbers"] for c in courses]
    return {
        "students": {**selectors.student_counts(scope), "at_risk": selectors.at_risk_count(scope)},
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


