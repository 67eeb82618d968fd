"""Metrics against a hand-computed school, the semester filter, an empty database, access, queries."""

import datetime
import random
import statistics
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from grades import calculations
from grades.models import Grade
from metrics import reports
from metrics.selectors import Scope
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db
FALL = "2026 Fall"


@pytest.fixture(autouse=True)
def no_cached_numbers():
    cache.clear()
    yield
    cache.clear()


def grade(student, course, category, value, maximum=20):
    Grade.objects.create(student=student, course=course, assignment_name=category, category=category,
                         grade=Decimal(value), max_grade=Decimal(maximum), date_assigned=datetime.date(2026, 10, 1))


def absent(student, course, day, status="Absent"):
    Attendance.objects.create(student=student, course=course, date=datetime.date(2026, 10, day), status=status)


@pytest.fixture
def school():
    """Course A (2026 Fall; limit 2 absences) with s1 17.0/20, s2 9.0/20 and 3 absences, s3 no grades;
    course B (2026 Spring) with s1 18.0/20."""
    a = make_course(semester=FALL, periods_per_week=1,
                    evaluation_rules=[{"category": "Homework", "weight": 50}, {"category": "Final", "weight": 50}])
    b = make_course(semester="2026 Spring", evaluation_rules=[{"category": "Homework", "weight": 100}])
    s1 = make_student(enrollment_date=datetime.date(2026, 9, 10))
    s2 = make_student(enrollment_date=datetime.date(2025, 9, 1))
    s3 = make_student(enrollment_date=datetime.date(2026, 10, 1), is_active=False)
    for student in (s1, s2, s3):
        enroll(student, a)
    enroll(s1, b)
    grade(s1, a, "Homework", 18), grade(s1, a, "Final", 16)  # 90 %, 80 % → 85 % → 17.0
    grade(s2, a, "Homework", 8), grade(s2, a, "Final", 10)   # 40 %, 50 % → 45 % → 9.0
    grade(s1, b, "Homework", 45, 50)                          # 90 % → 18.0
    for day in (5, 12, 19):
        absent(s2, a, day)
    absent(s1, a, 5, "Present"), absent(s1, a, 12, "Late"), absent(s3, a, 5, "Excused")
    return {"a": a, "b": b, "s1": s1, "s2": s2, "s3": s3}


def test_student_metrics_for_a_semester(school):
    spring_only = make_student(enrollment_date=datetime.date(2026, 9, 2))  # new in the fall, but no fall course
    enroll(spring_only, school["b"])
    data = reports.students_report(Scope(semester=FALL))
    assert (data["total"], data["active"], data["new_this_semester"], data["at_risk"]) == (3, 2, 2, 1)
    assert data["enrolled_per_course"] == [{"course_id": school["a"].pk, "course_code": school["a"].course_code,
                                           "course_name": "Mathematics", "enrolled": 3}]
    spring = reports.students_report(Scope(semester="2026 Spring"))
    assert (spring["total"], spring["active"], spring["new_this_semester"], spring["at_risk"]) == (2, 2, 0, 0)
    school_wide = reports.students_report(Scope())
    assert (school_wide["total"], school_wide["active"]) == (4, 3)


def test_course_metrics_average_pass_rate_attendance_and_distribution(school):
    [row] = reports.courses_report(Scope(semester=FALL))["courses"]
    assert (row["enrolled"], row["graded"], row["average_final"], row["pass_rate"]) == (
        3, 2, Decimal("13.0"), Decimal("50.0"))
    assert row["attendance_rate"] == Decimal("33.3")  # 2 of 6 lessons attended (present or late)
    assert {item["label"]: item["count"] for item in row["grade_distribution"]} == {
        "Άριστα": 0, "Λίαν Καλώς": 1, "Καλώς": 0, "Μέτρια": 0, "Ανεπιτυχώς": 1}


def test_grade_metrics_are_normalised_by_the_maximum(school):
    data = reports.grades_report(Scope(semester=FALL))
    assert (data["count"], data["average"], data["median"], data["pass_rate"]) == (
        4, Decimal("13.0"), Decimal("13.0"), Decimal("75.0"))
    assert {(b["from"], b["count"]) for b in data["histogram"] if b["count"]} == {(8, 1), (10, 1), (16, 1), (18, 1)}
    assert {item["letter"]: item["count"] for item in data["by_letter"] if item["count"]} == {"A-": 1, "B-": 1, "F": 2}
    assert {item["label"]: item["count"] for item in data["by_label"] if item["count"]} == {
        "Άριστα": 1, "Λίαν Καλώς": 1, "Μέτρια": 1, "Ανεπιτυχώς": 1}
    everything = reports.grades_report(Scope())
    assert everything["count"] == 5 and everything["histogram"][-1]["count"] == 2  # 45/50 is 18.0 too


def test_label_thresholds_follow_the_display_rounding():
    course = make_course(evaluation_rules=[{"category": "Homework", "weight": 100}])
    student = make_student()
    enroll(student, course)
    grade(student, course, "Homework", "9.95")   # shows as 10.0: a pass, Μέτρια
    grade(student, course, "Homework", "17.99")  # 89.95 % shows as 90.0 %: A-, and 18.0: Άριστα
    data = reports.grades_report(Scope())
    assert data["pass_rate"] == Decimal("100.0")
    assert {i["label"] for i in data["by_label"] if i["count"]} == {"Μέτρια", "Άριστα"}
    assert {i["letter"] for i in data["by_letter"] if i["count"]} == {"F", "A-"}


def test_the_grade_report_matches_calculations_grade_by_grade():
    course = make_course(evaluation_rules=[{"category": "Homework", "weight": 100}])
    student = make_student()
    enroll(student, course)
    rng = random.Random(9)
    # Boundaries of every band, bin and the pass mark, and awkward maxima (thirds, sevenths).
    values = [(Decimal(g), Decimal(m)) for g, m in [("9.95", 20), ("9.94", 20), ("19.39", 20), ("19.4", 20),
                                                   ("49.75", 100), ("49.74", 100), ("96.95", 100), ("96.94", 100),
                                                   ("1", 3), ("2", 3), ("6", 7), ("10", 20), ("0", 20), ("20", 20)]]
    values += [(Decimal(rng.randrange(0, 2001)) / 100, Decimal(20)) for _ in range(60)]
    values += [(Decimal(rng.randrange(0, 701)) / 100, Decimal(7)) for _ in range(30)]
    for grade, maximum in values:
        Grade.objects.create(student=student, course=course, assignment_name="H", category="Homework",
                             grade=grade, max_grade=maximum)
    data = reports.grades_report(Scope())  # one query of grade groups, the rest exact in Python
    percents = [calculations.percentage(g, m) for g, m in values]
    exact = [Fraction(g) * 100 / Fraction(m) for g, m in values]
    assert data["count"] == len(values)
    assert data["pass_rate"] == calculations.display(
        Decimal(sum(calculations.passed(p / 5) for p in percents)) * 100 / len(values))
    assert {i["letter"]: i["count"] for i in data["by_letter"] if i["count"]} == Counter(
        calculations.letter_grade(p) for p in percents)
    assert {i["label"]: i["count"] for i in data["by_label"] if i["count"]} == Counter(
        calculations.greek_label(p / 5) for p in percents)
    assert {b["from"]: b["count"] for b in data["histogram"] if b["count"]} == Counter(
        min(int(p / 10) * 2, 18) for p in exact)
    assert data["average"] == calculations.display(sum(exact) / len(exact) / 5)
    assert data["median"] == calculations.display(statistics.median(exact) / 5)


def test_attendance_metrics_with_case_exact_statuses_and_weekly_trend(school):
    # A row written around the application with a lower-case status is none of the four statuses:
    # it is neither counted as Present nor allowed to break the report.
    Attendance.objects.filter(student=school["s1"], status="Present").bypassing_history().update(status="present")
    # An update() sends no signals, so the derived tables are rebuilt as after any repair by hand.
    call_command("refresh_results", verbosity=0)
    absent(school["s3"], school["a"], 6, "Present")
    data = reports.attendance_report(Scope(semester=FALL))
    assert data["by_status"] == {"Present": 1, "Absent": 3, "Late": 1, "Excused": 1}
    assert (data["records"], data["rate"], data["over_limit"]) == (6, Decimal("33.3"), 1)
    assert data["per_course"] == [{"course_id": school["a"].pk, "course_code": school["a"].course_code,
                                   "rate": Decimal("33.3"), "limit": 2}]
    dashboard = reports.dashboard_report(Scope(semester=FALL))["attendance"]
    assert (dashboard["rate"], dashboard["by_status"]["Present"]) == (Decimal("33.3"), 1)
    assert data["over_limit_students"] == [school["s2"].pk]
    assert [(week["week"], week["records"], week["rate"]) for week in data["weekly_trend"]] == [
        ("2026-10-05", 3, Decimal("33.3")), ("2026-10-12", 2, Decimal("50.0")), ("2026-10-19", 1, Decimal("0.0"))]


def test_a_course_filter_narrows_every_metric(school):
    data = reports.dashboard_report(Scope(course=school["b"].pk))
    assert data["students"]["total"] == 1 and data["grades"]["count"] == 1
    assert data["courses"]["average_final"] == Decimal("18.0")


def test_an_empty_database_gives_zeros_and_nothing_divided_by_zero():
    data = reports.dashboard_report(Scope())
    assert data["students"] == {"total": 0, "active": 0, "new_this_semester": 0, "at_risk": 0}
    assert data["grades"]["average"] is None and data["grades"]["pass_rate"] is None
    assert data["attendance"]["rate"] is None and data["courses"]["average_final"] is None


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_size(django_assert_num_queries):
    courses = [make_course(evaluation_rules=[{"category": "Homework", "weight": 100}]) for _ in range(3)]
    for number in range(40):
        student = make_student()
        for course in courses:
            enroll(student, course)
            grade(student, course, "Homework", number % 21)
            absent(student, course, 1 + number % 20)
    # the courses with their sums (CourseSummary), student counts, students at risk, grade groups
    # (GradeTally), weekly trend (AttendanceWeek)
    with django_assert_num_queries(5):
        data = reports.dashboard_report(Scope())
    assert data["grades"]["count"] == 120 and data["students"]["total"] == 40


@pytest.mark.parametrize("name, queries", [
    ("students", 3),    # courses with their sums, student counts, students at risk
    ("courses", 1),     # courses with their sums
    ("grades", 1),      # grade groups
    ("attendance", 3),  # courses with their sums, weekly trend, students over the limit
])
def test_each_report_runs_a_fixed_number_of_queries(school, name, queries, django_assert_num_queries):
    for _ in range(30):
        student = make_student()
        enroll(student, school["a"])
        grade(student, school["a"], "Homework", 15)
        absent(student, school["a"], 26)
    with django_assert_num_queries(queries):
        reports.REPORTS[name](Scope(semester=FALL))


def test_the_admin_page_adds_only_the_sign_in_and_admin_menu_queries(school, client, admin_user,
                                                                     django_assert_num_queries):
    client.force_login(admin_user)
    # session, user, role; the 5 of the report; the admin menu's user and group permissions
    with django_assert_num_queries(10):
        client.get(reverse("admin-metrics-dashboard"), {"semester": FALL})
    with django_assert_num_queries(5):  # the report comes from the cache for the next minute
        client.get(reverse("admin-metrics-dashboard"), {"semester": FALL})


def test_numbers_are_cached_for_at_most_a_minute(school, django_assert_num_queries, monkeypatch):
    import time

    reports.report("grades", Scope())
    with django_assert_num_queries(0):
        reports.report("grades", Scope())
    grade(school["s3"], school["a"], "Homework", 20)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)  # the clock the cache reads expiry from
    with django_assert_num_queries(1):  # a minute later the report is computed again (grade groups)
        assert reports.report("grades", Scope())["count"] == 6


def test_the_api_serves_each_report_to_admins_in_the_envelope(school, admin_user):
    client = token_client(admin_user)
    for name in ("students", "courses", "grades", "attendance", "dashboard"):
        assert data_of(client.get(f"/api/v1/metrics/{name}/", {"semester": "2026 fall"}))
    assert data_of(client.get("/api/v1/metrics/students/", {"semester": FALL}))["at_risk"] == 1
    error = error_of(client.get("/api/v1/metrics/grades/", {"semester": "Autumn", "course": "x"}), 400)
    assert error["code"] == "VALIDATION_ERROR" and {"semester", "course"} <= set(error["details"])
    error_of(client.get("/api/v1/metrics/nonsense/"), 404)


def test_the_api_is_rate_limited(settings, admin_user):
    settings.SMS_API_RATE_LIMITS = {"read": "2/m", "write": "2/m", "auth": "2/m"}
    client = token_client(admin_user)
    for _ in range(2):
        data_of(client.get("/api/v1/metrics/dashboard/"))
    assert error_of(client.get("/api/v1/metrics/grades/"), 429)["code"] == "RATE_LIMITED"


def test_teachers_and_viewers_are_refused_and_anonymous_must_sign_in(client, teacher, viewer):
    for user in (teacher, viewer):
        error_of(token_client(user).get("/api/v1/metrics/dashboard/"), 403)
        client.force_login(user)
        assert client.get(reverse("admin-metrics-dashboard")).status_code == 403
    client.logout()
    assert client.get(reverse("admin-metrics-dashboard")).status_code == 302


def test_the_admin_page_draws_three_accessible_charts(school, client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin-metrics-dashboard"), {"semester": FALL}).content.decode()
    for chart in ("grade-histogram", "attendance-trend", "pass-rate-per-course"):
        assert f'<svg class="chart" id="{chart}" role="img"' in page
        assert f'<desc id="{chart}-desc">' in page
    assert "Number of grades per band: 0–2: 0" in page


def test_the_admin_page_says_when_there_is_no_data_yet(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin-metrics-dashboard"), {"semester": "bad"}).content.decode()
    assert 'id="no-data"' in page and "Please correct the filters" in page


def test_a_cache_outage_still_serves_the_numbers(school, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr("metrics.reports.cache.get_or_set", down)
    assert reports.report("grades", Scope(semester=FALL))["count"] == 4


def test_a_course_id_beyond_any_database_key_is_a_validation_error_not_a_crash(admin_user, client):
    cache.clear()
    error = error_of(token_client(admin_user).get("/api/v1/metrics/dashboard/", {"course": "9" * 23}), 400)
    assert "course" in error["details"]
    client.force_login(admin_user)
    assert client.get("/admin/tools/metrics/", {"course": "9" * 23}).status_code == 200
