"""The metrics pages in the admin site: every number the API returns, hand-computed; filters,
the cache, charts, "no data yet", access, queries and the Greek translation."""

import time
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from audit.models import AuditLog
from conftest import enroll, make_course, make_student
from metrics import reports
from metrics.selectors import Scope
from metrics.tests.helpers import FALL, absent, grade

pytestmark = pytest.mark.django_db
PAGES = ("dashboard", "students", "courses", "grades", "attendance")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """A page read as a person reads it: the text of each element with an id (`text`), and the
    body rows of each table with an id, as lists of cell texts (`rows`)."""

    def __init__(self, response):
        super().__init__()
        self.status, self.html = response.status_code, response.content.decode()
        self.stack, self._text, self._rows = [], {}, {}
        self.feed(self.html)

    def text(self, element_id):
        return " ".join(self._text[element_id].split())

    def rows(self, table_id):
        return [[" ".join(cell.split()) for cell in row] for row in self._rows[table_id]]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        element_id = dict(attrs).get("id")
        self.stack.append((tag, element_id))
        if element_id:
            self._text[element_id] = ""
            if tag == "table":
                self._rows[element_id] = []
        table = self._table_body()
        if table and tag == "tr":
            self._rows[table].append([])
        elif table and tag in ("td", "th"):
            self._rows[table][-1].append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _tag, element_id in self.stack:
            if element_id:
                self._text[element_id] += data
        table = self._table_body()
        if table and any(tag in ("td", "th") for tag, _id in self.stack):
            self._rows[table][-1][-1] += data

    def _table_body(self):
        """The id of the table whose body is being read, if any."""
        tags = [tag for tag, _id in self.stack]
        if "tbody" not in tags:
            return None
        return next((element_id for tag, element_id in reversed(self.stack) if tag == "table"), None)


def url(name):
    return reverse(f"admin-metrics-{name}")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def get(client, name, **filters):
    return Page(client.get(url(name), filters))


# --- every number of each report, hand-computed (the `school` of conftest.py) ---------------------

def test_the_dashboard_shows_every_headline_number(school, admin_client):
    page = get(admin_client, "dashboard", semester=FALL)
    code = school["a"].course_code
    tiles = {name: page.text(f"tile-{name}") for name in (
        "students", "active", "new", "at-risk", "courses", "graded", "average", "pass-rate", "attendance",
        "over-limit", "grades", "grades-average", "grades-median", "grades-pass-rate")}
    assert tiles == {
        "students": "3", "active": "2", "new": "2", "at-risk": "1", "courses": "1", "graded": "2",
        "average": "13.0", "pass-rate": "50.0%", "attendance": "33.3%", "over-limit": "1", "grades": "4",
        "grades-average": "13.0", "grades-median": "13.0", "grades-pass-rate": "75.0%"}
    assert page.rows("by-status") == [["1", "3", "1", "1"]]  # Present, Absent, Late, Excused
    assert [row for row in page.rows("grade-bands") if row[1] != "0"] == [
        ["8–10", "1"], ["10–12", "1"], ["16–18", "1"], ["18–20", "1"]]
    assert page.rows("grade-labels") == [["Άριστα", "1"], ["Λίαν Καλώς", "1"], ["Καλώς", "0"], ["Μέτρια", "1"],
                                         ["Ανεπιτυχώς", "1"]]
    assert [row for row in page.rows("grade-letters") if row[1] != "0"] == [["A-", "1"], ["B-", "1"], ["F", "2"]]
    assert page.rows("weekly-trend") == [["2026-10-05", "3", "33.3%"], ["2026-10-12", "2", "50.0%"],
                                         ["2026-10-19", "1", "0.0%"]]
    assert page.rows("pass-rates") == [[code, "2", "13.0", "50.0%"]]
    assert 'id="no-data"' not in page.html


def test_the_students_page_shows_the_counts_enrolled_per_course_and_who_is_at_risk(school, admin_client):
    page = get(admin_client, "students", semester=FALL)
    s2 = school["s2"]
    assert [page.text(f"tile-{name}") for name in ("students", "active", "new", "at-risk")] == ["3", "2", "2", "1"]
    assert page.rows("enrolled-per-course") == [[school["a"].course_code, "Mathematics", "3"]]
    assert page.rows("at-risk-students") == [[s2.full_name, s2.student_id, school["a"].course_code, "9.0",
                                              "3 of 2 allowed", "final grade under 10; over the absence limit"]]
    assert f'href="{s2.get_absolute_url()}"' in page.html


def test_the_courses_page_shows_each_course_with_its_final_grades_by_label(school, admin_client):
    page = get(admin_client, "courses")
    assert page.rows("course-metrics") == [
        # code, name, semester, enrolled, graded, average, pass rate, attendance rate; Άριστα … Ανεπιτυχώς
        [school["a"].course_code, "Mathematics", FALL, "3", "2", "13.0", "50.0%", "33.3%", "0", "1", "0", "0", "1"],
        [school["b"].course_code, "Mathematics", "2026 Spring", "1", "1", "18.0", "100.0%", "—",
         "1", "0", "0", "0", "0"],
    ]
    assert '<svg class="chart" id="pass-rate-per-course"' in page.html


def test_the_grades_page_shows_the_distribution_average_median_and_pass_rate(school, admin_client):
    page = get(admin_client, "grades", semester=FALL)
    assert [page.text(f"tile-{name}") for name in ("grades", "grades-average", "grades-median", "grades-pass-rate")] == [
        "4", "13.0", "13.0", "75.0%"]
    assert [row for row in page.rows("grade-bands") if row[1] != "0"] == [
        ["8–10", "1"], ["10–12", "1"], ["16–18", "1"], ["18–20", "1"]]
    assert page.rows("grade-labels")[0] == ["Άριστα", "1"] and page.rows("grade-letters")[-1] == ["F", "2"]
    assert '<svg class="chart" id="grade-histogram"' in page.html


def test_the_attendance_page_shows_rates_statuses_trend_and_who_is_over_the_limit(school, admin_client):
    page = get(admin_client, "attendance", semester=FALL)
    s2 = school["s2"]
    assert [page.text(f"tile-{name}") for name in ("attendance", "records", "over-limit")] == ["33.3%", "6", "1"]
    assert page.rows("by-status") == [["1", "3", "1", "1"]]
    assert page.rows("attendance-per-course") == [[school["a"].course_code, "33.3%", "2"]]
    assert page.rows("weekly-trend")[0] == ["2026-10-05", "3", "33.3%"]
    assert page.text("over-limit-count") == "1"
    assert [row[:5] for row in page.rows("over-limit-students")] == [
        [s2.full_name, s2.student_id, school["a"].course_code, "9.0", "3 of 2 allowed"]]
    assert '<svg class="chart" id="attendance-trend"' in page.html


def test_each_page_shows_what_the_api_returns_for_the_same_filters(school, admin_client):
    # The pages and the API read one cached report; the figures above are its numbers, and so are these.
    for name in PAGES:
        api = admin_client.get(f"/api/v1/metrics/{name}/", {"semester": FALL}).json()["data"]
        page = get(admin_client, name, semester=FALL)
        if name == "students":
            assert page.text("tile-at-risk") == str(api["at_risk"]) == str(len(api["at_risk_students"]))
        if name == "attendance":
            assert page.text("over-limit-count") == str(len(api["over_limit_students"]))
            assert page.rows("by-status") == [[str(n) for n in api["by_status"].values()]]
        if name == "courses":
            assert [row[3] for row in page.rows("course-metrics")] == [str(c["enrolled"]) for c in api["courses"]]
        if name == "grades":
            assert [row[1] for row in page.rows("grade-bands")] == [str(b["count"]) for b in api["histogram"]]
        if name == "dashboard":
            assert page.text("tile-students") == str(api["students"]["total"])


def test_the_dashboard_draws_three_accessible_charts(school, admin_client):
    page = get(admin_client, "dashboard", semester=FALL)
    for chart in ("grade-histogram", "attendance-trend", "pass-rate-per-course"):
        assert f'<svg class="chart" id="{chart}" role="img" aria-labelledby="{chart}-title {chart}-desc"' in page.html
    assert page.text("grade-histogram-desc").startswith("Number of grades per band: 0–2: 0, 2–4: 0")
    assert page.text("attendance-trend-desc") == (
        "Share of lessons attended (present or late) per week: 10-05: 33.3%, 10-12: 50.0%, 10-19: 0.0%.")
    assert page.text("pass-rate-per-course-desc") == (
        f"Share of graded students with a final grade of 10 or more: {school['a'].course_code}: 50.0%.")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_says_when_there_is_no_data_yet(name, admin_client):
    page = get(admin_client, name)
    assert page.status == 200 and page.text("no-data").startswith("No ")
    assert "<svg class=\"chart\"" not in page.html


def test_no_data_yet_tiles_show_a_dash_not_a_zero_division(admin_client):
    page = get(admin_client, "dashboard")
    assert (page.text("tile-average"), page.text("tile-pass-rate"), page.text("tile-attendance")) == ("—", "—", "—")
    assert page.text("no-data") == (
        "No data yet: the charts appear once grades or attendance are recorded for this selection.")


def test_the_pages_are_in_greek_for_greek_speakers(school, admin_client):
    page = Page(admin_client.get(url("dashboard"), {"semester": FALL}, HTTP_ACCEPT_LANGUAGE="el"))
    assert "Πίνακας δεικτών" in page.html and "Κατανομή βαθμών" in page.html
    assert page.text("tile-attendance") == "33,3%"  # and Greek decimal commas
    empty = Page(admin_client.get(url("attendance"), {"semester": "2030 Fall"}, HTTP_ACCEPT_LANGUAGE="el"))
    assert empty.text("no-data").startswith("Δεν ")


# --- access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_teachers_and_viewers_are_refused_and_the_attempt_is_logged(name, client, teacher, viewer):
    for user in (teacher, viewer):
        client.force_login(user)
        assert client.get(url(name)).status_code == 403
    refused = AuditLog.objects.filter(action="permission_denied", entity_type="metrics", success=False)
    assert sorted(refused.values_list("username", flat=True)) == ["teacher_user", "viewer_user"]
    assert refused.first().changes == {"path": url(name), "what": "metrics pages"}


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_admin_sign_in(name, client):
    response = client.get(url(name), {"semester": FALL})
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not AuditLog.objects.exists()


def test_the_admin_index_links_to_the_dashboard_and_the_dashboard_to_each_report(school, admin_client):
    assert f'href="{url("dashboard")}"' in admin_client.get("/admin/").content.decode()
    page = get(admin_client, "dashboard")
    for name in ("students", "courses", "grades", "attendance"):
        assert f'href="{url(name)}"' in page.html


# --- filters ----------------------------------------------------------------------------------------

def test_a_course_filter_narrows_each_page(school, admin_client):
    b = school["b"].pk
    assert get(admin_client, "dashboard", course=b).text("tile-students") == "1"
    assert get(admin_client, "dashboard", course=b).text("tile-average") == "18.0"
    students = get(admin_client, "students", course=b)
    assert students.text("tile-students") == "1" and students.rows("at-risk-students") == [["No student is at risk."]]
    assert [row[0] for row in get(admin_client, "courses", course=b).rows("course-metrics")] == [
        school["b"].course_code]
    assert get(admin_client, "grades", course=b).text("tile-grades") == "1"
    attendance = get(admin_client, "attendance", course=b)
    assert attendance.text("tile-records") == "0" and "No attendance taken yet" in attendance.text("no-data")
    assert get(admin_client, "attendance", course=school["a"].pk).text("tile-records") == "6"


def test_the_filters_offer_the_schools_semesters_and_courses_and_keep_them_across_pages(school, admin_client):
    page = get(admin_client, "students", semester=FALL, course=school["a"].pk)
    assert '<option value="2026 Fall" selected>2026 Fall</option>' in page.html
    assert f'<option value="{school["a"].pk}" selected>{school["a"].course_code} — Mathematics</option>' in page.html
    assert '<optgroup label="2026 Spring">' in page.html
    query = f"?semester=2026+Fall&amp;course={school['a'].pk}"
    for name in ("dashboard", "courses", "grades", "attendance"):
        assert f'href="{url(name)}{query}"' in page.html


def test_course_names_in_the_filter_are_escaped(admin_client):
    course = make_course(course_name='<script>alert(1)</script> & "Co"')
    page = get(admin_client, "courses", course=course.pk)
    assert "<script>alert(1)" not in page.html
    assert (f'<option value="{course.pk}" selected>{course.course_code} — '
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</option>") in page.html


def test_invalid_filters_say_what_to_fix_and_show_every_semester(school, admin_client):
    page = get(admin_client, "dashboard", semester="Autumn", course="9" * 23)
    assert page.status == 200 and "Please correct the filters" in page.html
    assert "Write the semester as a year and a term" in page.html
    assert page.text("tile-students") == "3"  # the whole school, as the message says


# --- the cache --------------------------------------------------------------------------------------

def test_the_pages_read_the_reports_from_the_cache_for_a_minute(school, admin_client, monkeypatch):
    page = get(admin_client, "dashboard", semester=FALL)
    late = make_student()
    enroll(late, school["a"])  # a fourth student of the fall
    assert get(admin_client, "dashboard", semester=FALL).text("tile-students") == page.text("tile-students") == "3"
    assert get(admin_client, "students", semester=FALL).text("tile-students") == "4"  # its own report: fresh
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)  # the clock the cache reads expiry from
    assert get(admin_client, "dashboard", semester=FALL).text("tile-students") == "4"


def test_a_filter_never_gets_the_numbers_cached_for_another(school, admin_client):
    a, b = school["a"].pk, school["b"].pk
    expected = {(FALL, ""): "3", ("2026 Spring", ""): "1", ("", a): "3", ("", b): "1", ("", ""): "3",
                (FALL, b): "0", ("2026 Spring", b): "1"}
    for _round in range(2):  # the second round is served from the cache
        for (semester, course), students in expected.items():
            for name in ("dashboard", "students"):
                page = get(admin_client, name, semester=semester, course=course)
                assert page.text("tile-students") == students, (name, semester, course)
    assert get(admin_client, "grades", semester="2026 spring").text("tile-grades") == "1"
    assert get(admin_client, "grades", semester=FALL).text("tile-grades") == "4"


def test_lists_of_students_are_cached_per_filter_and_page_too(school, admin_client, django_assert_num_queries):
    get(admin_client, "students", semester=FALL)
    # session, user, role, the courses to choose from, the admin menu's two permission queries:
    # the report and the list of students at risk both come from the cache.
    with django_assert_num_queries(6):
        page = get(admin_client, "students", semester=FALL)
    assert page.rows("at-risk-students")[0][0] == school["s2"].full_name
    assert reports.cache_key("flagged-at_risk", Scope(semester="2026 fall"), 1) == (
        reports.cache_key("flagged-at_risk", Scope(semester=FALL), 1))


# --- size: queries and pages ------------------------------------------------------------------------

@pytest.fixture
def busy_school():
    """60 students in two fall courses (120 enrollments, grades and attendance records; limit 2
    absences each): students 0–29 fail (5.0/20), 30–59 pass (15.0/20); 25–54 have 3 absences in each
    course (over the limit), the others 1. At risk: 0–54, 55 students, more than a page of 50."""
    courses = [make_course(semester=FALL, periods_per_week=1, evaluation_rules=[{"category": "Homework", "weight": 100}])
               for _ in range(2)]
    for number in range(60):
        student = make_student()
        for course in courses:
            enroll(student, course)
            grade(student, course, "Homework", 5 if number < 30 else 15)
            absent(student, course, 5)
            if 25 <= number < 55:
                absent(student, course, 6), absent(student, course, 7, "Excused")
    return courses


@pytest.mark.parametrize("name, queries, cached", [
    # Every page: session, user, role; the courses to choose from (filters); the admin menu's user and
    # group permissions (6). Then its report: dashboard 4 (courses with their sums, student counts with
    # those at risk, grade groups, weekly trend), students 3 + the page of students at risk 3 (count,
    # the page, their results), courses 1, grades 1, attendance 3 + the page over the limit 3.
    ("dashboard", 10, 6), ("students", 12, 6), ("courses", 7, 6), ("grades", 7, 6), ("attendance", 12, 6),
])
def test_each_page_runs_a_fixed_number_of_queries_whatever_the_size(busy_school, admin_client, name, queries,
                                                                   cached, django_assert_num_queries):
    with django_assert_num_queries(queries):
        page = get(admin_client, name, semester=FALL)
    assert page.status == 200 and 'id="no-data"' not in page.html
    with django_assert_num_queries(cached):
        get(admin_client, name, semester=FALL)


def test_long_lists_of_students_come_in_pages_of_fifty(busy_school, admin_client):
    first = get(admin_client, "students")
    assert first.text("tile-at-risk") == "55"
    assert len({row[1] for row in first.rows("at-risk-students")}) == 50  # two rows each: both courses
    assert "Page 1 of 2 (55 students)" in first.html and 'page=2#at-risk-students">Next' in first.html
    second = get(admin_client, "students", page="2")
    assert len({row[1] for row in second.rows("at-risk-students")}) == 5
    assert not {row[1] for row in first.rows("at-risk-students")} & {row[1] for row in second.rows("at-risk-students")}
    assert get(admin_client, "students", page="999").rows("at-risk-students") == second.rows("at-risk-students")
    assert get(admin_client, "students", page="x").rows("at-risk-students") == first.rows("at-risk-students")
    attendance = get(admin_client, "attendance")
    assert (attendance.text("tile-over-limit"), attendance.text("over-limit-count")) == ("60", "30")
    assert "Page 1 of" not in attendance.html  # 30 students: one page
