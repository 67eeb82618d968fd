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

from attendance.models import Attendance
from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from grades import calculations
from grades.models import Grade
from metrics import reports
from metrics.selectors import Scope
from metrics.tests.helpers import FALL, absent, grade
from sms.api.testing import data_of, error_of, token_client

pytestmark = pytest.mark.django_db


def test_student_metrics_for_a_semester(school):
    spring_only = make_student(enrollment_date=datetime.date(2026, 9, 2))  # new in the fall, but no fall course
    enroll(spring_only, school["b"])
    data = reports.students_report(Scope(semester=FALL))
    assert (data["total"], data["active"], data["new_this_semester"], data["at_risk"]) == (3, 2, 2, 1)
    assert data["at_risk_students"] == [school["s2"].pk]
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
    for value, maximum in values:
        Grade.objects.create(student=student, course=course, assignment_name="H", category="Homework",
                             grade=value, max_grade=maximum)
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


@pytest.fixture
def risk_school():
    """One course (2026 Fall, 1 period a week: 14 periods, limit ⌊14 × 15 %⌋ = 2 absences; no
    absence penalty; Homework 100 %) and four students:

    - failing: 9.0/20 and no absence: at risk by the grade only;
    - absent: 15.0/20 and 3 absences (2 Absent, 1 Excused; 3 > 2): at risk by the absences only;
    - at_limit: 15.0/20 and 2 absences (1 Absent, 1 Excused, and a Late that does not count): at the
      limit, not over it: not at risk;
    - ungraded: no grade yet and no absence: not at risk (no grade is not a failing grade).
    """
    course = make_course(semester=FALL, periods_per_week=1, evaluation_rules=[{"category": "Homework", "weight": 100}])
    students = {name: make_student(last_name=name.title()) for name in ("failing", "absent", "at_limit", "ungraded")}
    for student in students.values():
        enroll(student, course)
    grade(students["failing"], course, "Homework", 9)
    for name in ("absent", "at_limit"):
        grade(students[name], course, "Homework", 15)
    absent(students["absent"], course, 5), absent(students["absent"], course, 6)
    absent(students["absent"], course, 7, "Excused")
    absent(students["at_limit"], course, 5), absent(students["at_limit"], course, 6, "Excused")
    absent(students["at_limit"], course, 7, "Late")
    return {"course": course, **students}


def flagged_courses(flag, student):
    """(final grade, failing, absences, limit, over the limit) of each course that flags the student."""
    page = reports.flagged_page(Scope(), flag, 1)
    [item] = [item for item in page["students"] if item["pk"] == student.pk]
    return [(c["final_grade"], c["failing"], c["absences"], c["limit"], c["over_limit"]) for c in item["courses"]]


def test_a_student_failing_only_by_the_grade_is_at_risk(risk_school):
    assert risk_school["failing"].pk in reports.students_report(Scope())["at_risk_students"]
    assert flagged_courses("at_risk", risk_school["failing"]) == [(Decimal("9.0"), True, 0, 2, False)]
    assert risk_school["failing"].pk not in reports.attendance_report(Scope())["over_limit_students"]


def test_a_student_over_the_absence_limit_with_a_passing_grade_is_at_risk(risk_school):
    assert risk_school["absent"].pk in reports.students_report(Scope())["at_risk_students"]
    assert flagged_courses("at_risk", risk_school["absent"]) == [(Decimal("15.0"), False, 3, 2, True)]
    assert flagged_courses("over_limit", risk_school["absent"]) == [(Decimal("15.0"), False, 3, 2, True)]
    assert reports.attendance_report(Scope())["over_limit_students"] == [risk_school["absent"].pk]


def test_a_student_exactly_at_the_absence_limit_is_not_at_risk(risk_school):
    students = reports.students_report(Scope())
    attendance = reports.attendance_report(Scope())
    assert students["at_risk"] == 2
    assert students["at_risk_students"] == sorted([risk_school["failing"].pk, risk_school["absent"].pk])
    assert risk_school["at_limit"].pk not in attendance["over_limit_students"]
    assert attendance["over_limit"] == 1 and attendance["by_status"] == {
        "Present": 0, "Absent": 3, "Late": 1, "Excused": 2}
    assert reports.dashboard_report(Scope())["students"]["at_risk"] == 2
    assert [item["name"] for item in reports.flagged_page(Scope(), "at_risk", 1)["students"]] == [
        "Maria Absent", "Maria Failing"]
    assert [item["name"] for item in reports.flagged_page(Scope(), "over_limit", 1)["students"]] == ["Maria Absent"]


def test_a_course_filter_narrows_the_students_report(school):
    b = reports.students_report(Scope(course=school["b"].pk))
    assert (b["total"], b["active"], b["at_risk"], b["at_risk_students"]) == (1, 1, 0, [])
    assert [(row["course_code"], row["enrolled"]) for row in b["enrolled_per_course"]] == [(school["b"].course_code, 1)]
    a = reports.students_report(Scope(course=school["a"].pk))
    assert (a["total"], a["active"], a["at_risk"], a["at_risk_students"]) == (3, 2, 1, [school["s2"].pk])
    assert [(row["course_code"], row["enrolled"]) for row in a["enrolled_per_course"]] == [(school["a"].course_code, 3)]


def test_a_course_filter_narrows_the_courses_report(school):
    [row] = reports.courses_report(Scope(course=school["b"].pk))["courses"]
    assert (row["course_id"], row["enrolled"], row["graded"], row["average_final"], row["pass_rate"]) == (
        school["b"].pk, 1, 1, Decimal("18.0"), Decimal("100.0"))
    assert row["attendance_rate"] is None
    assert {item["label"]: item["count"] for item in row["grade_distribution"] if item["count"]} == {"Άριστα": 1}
    # A course of another semester than the filter's: nothing, not the course.
    assert reports.courses_report(Scope(semester=FALL, course=school["b"].pk)) == {"courses": []}


def test_a_course_filter_narrows_the_grades_report(school):
    b = reports.grades_report(Scope(course=school["b"].pk))
    assert (b["count"], b["average"], b["median"], b["pass_rate"]) == (1, Decimal("18.0"), Decimal("18.0"),
                                                                      Decimal("100.0"))
    assert {band["from"]: band["count"] for band in b["histogram"] if band["count"]} == {18: 1}
    a = reports.grades_report(Scope(course=school["a"].pk))
    assert (a["count"], a["average"], a["pass_rate"]) == (4, Decimal("13.0"), Decimal("75.0"))


def test_a_course_filter_narrows_the_attendance_report(school):
    absent(school["s1"], school["b"], 2, "Present", month=3)  # course B's only record, in the spring
    b = reports.attendance_report(Scope(course=school["b"].pk))
    assert (b["records"], b["rate"], b["over_limit"], b["over_limit_students"]) == (1, Decimal("100.0"), 0, [])
    assert b["by_status"] == {"Present": 1, "Absent": 0, "Late": 0, "Excused": 0}
    assert [(row["course_id"], row["rate"]) for row in b["per_course"]] == [(school["b"].pk, Decimal("100.0"))]
    assert [(week["week"], week["records"]) for week in b["weekly_trend"]] == [("2026-03-02", 1)]
    a = reports.attendance_report(Scope(course=school["a"].pk))
    assert (a["records"], a["rate"], a["over_limit_students"]) == (6, Decimal("33.3"), [school["s2"].pk])


def test_a_course_filter_narrows_the_dashboard(school):
    data = reports.dashboard_report(Scope(course=school["b"].pk))
    # (new_this_semester without a semester filter is today's semester's: tested with one above)
    assert (data["students"]["total"], data["students"]["active"], data["students"]["at_risk"]) == (1, 1, 0)
    assert (data["courses"]["count"], data["courses"]["average_final"], data["grades"]["count"]) == (
        1, Decimal("18.0"), 1)
    assert data["attendance"]["rate"] is None and data["attendance"]["weekly_trend"] == []


def test_the_dashboard_headline_matches_the_hand_computed_school(school):
    # Fall: A only. Students s1, s2, s3 (s3 inactive; s1 and s3 enrolled at the school in the fall);
    # s2 at risk (9.0 and 3 absences over a limit of 2). Final grades 17.0 and 9.0: average 13.0, one
    # of two passes. Grades 18, 16, 8, 10 of 20: average 13.0, median (10 + 16) / 2 = 13.0, 3 of 4 pass.
    # Attendance: 1 Present + 1 Late of 6 records = 33.3 %; weeks of Oct 5 (3 records, 1 attended),
    # Oct 12 (2, 1), Oct 19 (1, 0).
    data = reports.dashboard_report(Scope(semester=FALL))
    code = school["a"].course_code
    zero_bands = dict.fromkeys(range(0, 20, 2), 0)
    assert data == {
        "students": {"total": 3, "active": 2, "new_this_semester": 2, "at_risk": 1},
        "courses": {"count": 1, "graded": 2, "average_final": Decimal("13.0"), "pass_rate": Decimal("50.0"),
                    "pass_rate_per_course": [{"course_code": code, "graded": 2, "average_final": Decimal("13.0"),
                                              "pass_rate": Decimal("50.0")}]},
        "grades": {
            "count": 4, "average": Decimal("13.0"), "median": Decimal("13.0"), "pass_rate": Decimal("75.0"),
            "histogram": [{"from": low, "to": low + 2, "count": n}
                          for low, n in {**zero_bands, 8: 1, 10: 1, 16: 1, 18: 1}.items()],
            "by_letter": [{"letter": letter, "count": {"A-": 1, "B-": 1, "F": 2}.get(letter, 0)}
                          for letter in ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "D", "F")],
            "by_label": [{"label": label, "count": 1 if label != "Καλώς" else 0}
                         for label in ("Άριστα", "Λίαν Καλώς", "Καλώς", "Μέτρια", "Ανεπιτυχώς")],
        },
        "attendance": {
            "rate": Decimal("33.3"), "by_status": {"Present": 1, "Absent": 3, "Late": 1, "Excused": 1},
            "over_limit": 1,
            "weekly_trend": [{"week": "2026-10-05", "records": 3, "rate": Decimal("33.3")},
                             {"week": "2026-10-12", "records": 2, "rate": Decimal("50.0")},
                             {"week": "2026-10-19", "records": 1, "rate": Decimal("0.0")}],
        },
    }


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
    # the courses with their sums (CourseSummary), student counts with those at risk, grade groups
    # (GradeTally), weekly trend (AttendanceWeek)
    with django_assert_num_queries(4):
        data = reports.dashboard_report(Scope())
    assert data["grades"]["count"] == 120 and data["students"]["total"] == 40


@pytest.mark.parametrize("name, queries", [
    ("students", 3),    # courses with their sums, student counts with those at risk, the ids at risk
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


def test_teachers_and_viewers_are_refused_by_the_api_and_the_attempt_is_logged(client, teacher, viewer):
    for user in (teacher, viewer):
        error_of(token_client(user).get("/api/v1/metrics/dashboard/"), 403)
    refused = AuditLog.objects.filter(action="permission_denied", entity_type="metrics", success=False)
    assert sorted(refused.values_list("username", flat=True)) == ["teacher_user", "viewer_user"]
    assert refused.first().changes == {"path": "/api/v1/metrics/dashboard/", "what": "metrics API"}
    assert error_of(client.get("/api/v1/metrics/dashboard/"), 401)
    assert refused.count() == 2  # nobody signed in: nothing to log but the 401


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
