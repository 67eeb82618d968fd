"""The "Export CSV · XLSX" links on the students list, the grade sheet and the absence summary:
they carry the page's filters, and following one exports exactly the rows the page is about."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from attendance.services import attendance_record
from conftest import enroll, make_course, make_student
from grades.services import grade_record
from sms import roles
from sms.transfer import readers

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[roles.ADMIN, roles.TEACHER, roles.VIEWER])
def reader(request, admin_user, teacher, viewer):
    """Every role may export, so every role gets the links."""
    return {roles.ADMIN: admin_user, roles.TEACHER: teacher, roles.VIEWER: viewer}[request.param]


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def export_links(page):
    """{"csv": href, "xlsx": href} of the page's export links."""
    assert page.status_code == 200
    found = re.findall(r'<a href="([^"]+)" id="export-(csv|xlsx)">', page.content.decode())
    return {fmt: html.unescape(href) for href, fmt in found}


def exported(client, href, fmt):
    response = client.get(href)
    assert response.status_code == 200, response.content
    return readers.read_table(response.content, f"export.{fmt}").rows


@pytest.fixture
def school():
    """Two courses with grades and attendance in each, and students of different years."""
    maths, physics = make_course(course_code="MATH-1"), make_course(course_code="PHYS-1")
    students = {
        "S-A": make_student(student_id="S-A", last_name="Αλεξίου", study_year=2),
        "S-B": make_student(student_id="S-B", last_name="Βλάχου", study_year=2, is_active=False),
        "S-C": make_student(student_id="S-C", last_name="Γεωργίου", study_year=3),
        "S-D": make_student(student_id="S-D", last_name="Δήμου", study_year=2),
    }
    for student_id, course in (("S-A", maths), ("S-B", maths), ("S-C", physics), ("S-D", physics)):
        student = students[student_id]
        enroll(student, course)
        grade_record(student=student, course=course, assignment_name="Test 1", category="Homework",
                     grade=Decimal(15))
        attendance_record(student=student, course=course, date=datetime.date(2026, 10, 1), status="Absent")
    return {"maths": maths, "physics": physics, **students}


def test_the_students_list_links_carry_its_filters_and_sort_but_not_its_page(school, reader):
    page = signed_in(reader).get("/students/?study_year=2&is_active=true&ordering=-student_id&page=1")
    links = export_links(page)
    assert set(links) == {"csv", "xlsx"}
    for fmt, href in links.items():
        assert href.startswith(f"/transfer/exports/students.{fmt}?")
        assert "study_year=2" in href and "is_active=true" in href and "ordering=-student_id" in href
        assert "page=" not in href


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_following_a_students_list_link_exports_the_students_it_lists_in_its_order(school, viewer, fmt):
    client = signed_in(viewer)
    page = client.get("/students/?study_year=2&is_active=true&ordering=-student_id")
    listed = re.findall(r"<td>(S-[A-D])</td>", page.content.decode())
    assert listed == ["S-D", "S-A"]
    rows = exported(client, export_links(page)[fmt], fmt)
    assert [row["student_id"] for row in rows] == listed


def test_the_students_search_is_carried_in_greek_and_exports_only_the_matches(school, viewer):
    client = signed_in(viewer)
    page = client.get("/students/", {"search": "γεωργιου"})  # accents and case ignored, as on the list
    rows = exported(client, export_links(page)["csv"], "csv")
    assert [row["student_id"] for row in rows] == ["S-C"]


def test_an_unfiltered_students_list_exports_every_live_student(school, viewer):
    school["S-B"].soft_delete()
    client = signed_in(viewer)
    links = export_links(client.get("/students/"))
    assert links["csv"] == "/transfer/exports/students.csv"
    assert sorted(row["student_id"] for row in exported(client, links["csv"], "csv")) == ["S-A", "S-C", "S-D"]


def test_the_grade_sheet_links_export_that_courses_grades_only(school, reader):
    client = signed_in(reader)
    maths = school["maths"]
    links = export_links(client.get(f"/grades/course/{maths.pk}/"))
    assert links == {fmt: f"/transfer/exports/grades.{fmt}?course={maths.pk}" for fmt in ("csv", "xlsx")}
    for fmt, href in links.items():
        rows = exported(client, href, fmt)
        assert sorted((row["student_id"], row["course_code"]) for row in rows) == [
            ("S-A", "MATH-1"), ("S-B", "MATH-1")]


def test_the_absence_summary_links_export_that_courses_attendance_only(school, reader):
    client = signed_in(reader)
    physics = school["physics"]
    links = export_links(client.get(f"/attendance/course/{physics.pk}/summary/"))
    assert links == {fmt: f"/transfer/exports/attendance.{fmt}?course={physics.pk}" for fmt in ("csv", "xlsx")}
    for fmt, href in links.items():
        rows = exported(client, href, fmt)
        assert sorted((row["student_id"], row["course_code"], row["status"]) for row in rows) == [
            ("S-C", "PHYS-1", "Absent"), ("S-D", "PHYS-1", "Absent")]


def test_following_an_export_link_is_audited_with_the_filters_it_carried(school, viewer, monkeypatch):
    entries = []
    monkeypatch.setattr("sms.transfer.audit._log_action", lambda **entry: entries.append(entry))
    client = signed_in(viewer)
    client.get(export_links(client.get("/students/?study_year=3"))["xlsx"])
    assert entries[-1]["changes"] == {
        "kind": "students", "format": "xlsx", "rows": 1, "filters": {"study_year": "3"}}
