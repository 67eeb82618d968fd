"""The five metric reports (students, courses, grades, attendance, dashboard) as plain dicts.

Each is cached for at most CACHE_SECONDS per filter combination (Redis when REDIS_URL is set), so
numbers are never more than a minute old and a busy admin page does not recompute them per view.
"""

import logging
from collections import Counter, defaultdict

from django.core.cache import cache

from attendance.models import Status
from grades import calculations
from metrics import selectors
from sms.api.ratelimit import CACHE_ERRORS

logger = logging.getLogger("sms.metrics")

CACHE_SECONDS = 60
LABELS = [label for label, _threshold in selectors.GREEK_LABELS]


def cached(name, scope, build):
    key = f"sms-metrics:{name}:{scope.semester.replace(' ', '_')}:{scope.course or ''}"
    try:
        return cache.get_or_set(key, lambda: build(scope), CACHE_SECONDS)
    except CACHE_ERRORS as error:  # a cache outage costs speed, never the page
        logger.warning("Metrics cache unavailable, computing without it: %s", error)
        return build(scope)


def _final_values(results):
    return [result.value20 for result in results if result.has_grade]


def _summary_of_finals(results):
    values = _final_values(results)
    passed = sum(1 for result in results if result.has_grade and result.passed)
    return {
        "graded": len(values),
        "average_final": calculations.display(sum(values) / len(values)) if values else None,
        "pass_rate": selectors._rate(passed, len(values)),
    }


def _attendance_rate(statuses_list):
    total = sum(sum(statuses.values()) for statuses in statuses_list)
    attended = sum(statuses[status] for statuses in statuses_list for status in selectors.ATTENDED)
    return selectors._rate(attended, total)


def students_report(scope):
    """6 queries: counts, then the school state (courses, attendance, enrollments, grades, daily)."""
    counts = selectors.student_counts(scope)
    courses, results, attendance = selectors.school_state(scope)
    enrolled = Counter(course_id for _student_id, course_id in results)
    return {
        **counts,
        "at_risk": len(selectors.at_risk(courses, results, attendance)),
        "enrolled_per_course": [
            {"course_id": c["id"], "course_code": c["course_code"], "course_name": c["course_name"],
             "enrolled": enrolled[c["id"]]} for c in courses
        ],
    }


def courses_report(scope):
    """5 queries: the school state."""
    courses, results, attendance = selectors.school_state(scope)
    by_course, statuses_by_course = defaultdict(list), defaultdict(list)
    for (_student_id, course_id), result in results.items():
        by_course[course_id].append(result)
    for (_student_id, course_id), statuses in attendance.items():
        statuses_by_course[course_id].append(statuses)
    rows = []
    for course in courses:
        course_results = by_course[course["id"]]
        labels = Counter(result.greek_label for result in course_results if result.has_grade)
        rows.append({
            "course_id": course["id"], "course_code": course["course_code"], "course_name": course["course_name"],
            "semester": course["semester"], "enrolled": len(course_results), **_summary_of_finals(course_results),
            "attendance_rate": _attendance_rate(statuses_by_course[course["id"]]),
            "grade_distribution": [{"label": label, "count": labels[label]} for label in LABELS],
        })
    return {"courses": rows}


def grades_report(scope):
    """2 queries: the distribution (one aggregate) and the percentages for the median."""
    return selectors.grades_summary(scope, selectors.grade_distribution(scope), selectors.median_percentage(scope))


def attendance_report(scope):
    """6 queries: the school state and the weekly trend."""
    courses, results, attendance = selectors.school_state(scope)
    totals = selectors.attendance_totals(attendance)
    statuses_by_course = defaultdict(list)
    for (_student_id, course_id), statuses in attendance.items():
        statuses_by_course[course_id].append(statuses)
    over = selectors.over_limit(courses, results, attendance)
    return {
        "records": sum(totals.values()),
        "rate": _attendance_rate(list(attendance.values())),
        "by_status": {status: totals[status] for status in Status.values},
        "per_course": [
            {"course_id": c["id"], "course_code": c["course_code"],
             "rate": _attendance_rate(statuses_by_course[c["id"]]), "limit": selectors._limit(c)}
            for c in courses
        ],
        "weekly_trend": selectors.weekly_trend(scope),
        "over_limit": len(over),
        "over_limit_students": sorted({student_id for student_id, _course_id in over}),
    }


def dashboard_report(scope):
    """9 queries whatever the data size: student counts, school state (5), distribution, median, trend."""
    counts = selectors.student_counts(scope)
    courses, results, attendance = selectors.school_state(scope)
    grades = grades_report(scope)
    finals = _summary_of_finals(list(results.values()))
    trend = selectors.weekly_trend(scope)
    by_course = defaultdict(list)
    for (_student_id, course_id), result in results.items():
        by_course[course_id].append(result)
    return {
        "students": {**counts, "at_risk": len(selectors.at_risk(courses, results, attendance))},
        "courses": {
            "count": len(courses), **finals,
            "pass_rate_per_course": [
                {"course_code": c["course_code"], **_summary_of_finals(by_course[c["id"]])} for c in courses
            ],
        },
        "grades": grades,
        "attendance": {
            "rate": _attendance_rate(list(attendance.values())),
            "by_status": selectors.attendance_totals(attendance),
            "over_limit": len(selectors.over_limit(courses, results, attendance)),
            "weekly_trend": trend,
        },
    }


REPORTS = {
    "students": students_report, "courses": courses_report, "grades": grades_report,
    "attendance": attendance_report, "dashboard": dashboard_report,
}


def report(name, scope):
    return cached(name, scope, REPORTS[name])


