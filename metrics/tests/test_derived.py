"""The derived tables stay what the records say after every write, whatever the entry point."""

import datetime
import inspect
import re
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import Attendance
from conftest import enroll, make_course, make_student
from courses import services as course_services
from courses.models import Course, Enrollment
from grades import calculations
from grades import services as grade_services
from grades.models import DailyPerformance, Grade
from grades.selectors import final_grades_for_course, final_grades_for_student
from metrics import derived
from metrics.models import AttendanceWeek, CourseSummary, GradeTally, StudentCourseResult
from students import services as student_services
from students.models import Student

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


# --- what is stored, and what the records say --------------------------------------------------------

RESULT_FIELDS = ("enrolled", "status", "percentage", "value20", "passed", "greek_label", "letter", "provisional",
                 "present", "absent", "late", "excused", "over_limit", "at_risk")
STATUSES = ("present", "absent", "late", "excused")


def _nothing(values):
    return not any(values.values())


def stored():
    """The derived tables as dicts, rows of zeros left out (a key with nothing left keeps one)."""
    results = {(row.pop("course_id"), row.pop("student_id")): row for row in StudentCourseResult.objects.values(
        "course_id", "student_id", *RESULT_FIELDS)}
    summaries = {row.pop("course_id"): row for row in CourseSummary.objects.values()}
    tallies = {derived.grade_key(row["course_id"], row["grade"], row["max_grade"]): row["count"]
               for row in GradeTally.objects.values()}
    weeks = {(row.pop("course_id"), row.pop("week")): row for row in AttendanceWeek.objects.values(
        "course_id", "week", *STATUSES)}
    return _without_zeros(results, summaries, tallies, weeks)


def fresh():
    """The same, computed now from the records by metrics.derived, without reading what is stored
    (the course sums are added up here from the fresh results)."""
    courses = set(Course.all_objects.values_list("pk", flat=True))
    pairs = set(Enrollment.all_objects.values_list("course_id", "student_id")) | set(
        Attendance.all_objects.values_list("course_id", "student_id"))
    results = derived.compute_results(pairs) if pairs else {}
    for values in results.values():
        del values["updated_at"]
    grade_keys = {derived.grade_key(*key) for key in Grade.all_objects.values_list("course_id", "grade", "max_grade")}
    tallies = {key: values["count"] for key, values in derived.compute_tallies(grade_keys).items()} if grade_keys else {}
    week_keys = {(course, derived.week_of(day)) for course, day in Attendance.all_objects.values_list("course_id", "date")}
    weeks = derived.compute_weeks(week_keys) if week_keys else {}
    return _without_zeros(results, _sums(courses, results), tallies, weeks)


def _sums(courses, results):
    sums = {course: {"enrolled": 0, "graded": 0, "passed": 0, "tenths": 0, "over_limit": 0, "labels": Counter(),
                     **dict.fromkeys(STATUSES, 0)} for course in courses}
    for (course, _student), row in results.items():
        total = sums[course]
        for status in STATUSES:
            total[status] += row[status]
        total["enrolled"] += row["enrolled"]
        total["over_limit"] += row["over_limit"]
        if row["enrolled"] and row["value20"] is not None:
            total["graded"] += 1
            total["passed"] += row["passed"]
            total["tenths"] += int(row["value20"] * 10)
            total["labels"][row["greek_label"]] += 1
    for total in sums.values():
        total["labels"] = dict(total["labels"])
    return sums


def _without_zeros(results, summaries, tallies, weeks):
    return {
        "results": {key: row for key, row in results.items() if not _nothing(row)},
        "summaries": {key: row for key, row in summaries.items() if not _nothing(row)},
        "tallies": {key: count for key, count in tallies.items() if count},
        "weeks": {key: row for key, row in weeks.items() if not _nothing(row)},
    }


def assert_current():
    assert stored() == fresh()


# --- a varied school -------------------------------------------------------------------------------------

@pytest.fixture
def school():
    """Three courses (daily performance counted with a penalty and a limit of 2 absences; Greek rules and
    no limit; no rules), four students, grades out of 20, 50 and 7, daily performance, every attendance
    status, a student unenrolled with attendance left, a deleted grade and a deleted daily record."""
    a = make_course(semester="2026 Fall", periods_per_week=1, absence_penalty=Decimal("1.5"), evaluation_rules=[
        {"category": "Homework", "weight": 40}, {"category": "Final", "weight": 40},
        {"category": "Participation", "weight": 20, "daily_multiplier": 1}])
    b = make_course(semester="2026 Spring", periods_per_week=0, evaluation_rules=[{"category": "Εργασία", "weight": 90}])
    c = make_course(semester="2026 Fall", evaluation_rules=[])
    s1, s2, s3, s4 = (make_student() for _ in range(4))
    for student, course in ((s1, a), (s2, a), (s3, a), (s4, a), (s1, b), (s2, b), (s3, c)):
        enroll(student, course)

    def grade(student, course, category, value, maximum=20, **extra):
        return Grade.objects.create(student=student, course=course, assignment_name=category, category=category,
                                    grade=Decimal(value), max_grade=Decimal(maximum), date_assigned=days_ago(30),
                                    **extra)

    grade(s1, a, "Homework", "17.5"), grade(s1, a, "Final", "39.75", 50), grade(s2, a, "Homework", "6.5", 7)
    grade(s2, a, "Final", "9.95"), grade(s3, a, "Homework", 20), grade(s1, b, "homework", 14)
    gone = grade(s2, b, "Εργασία", 3)
    gone.soft_delete()
    DailyPerformance.objects.create(student=s1, course=a, category="Participation", score=Decimal(7), date=days_ago(9))
    daily_gone = DailyPerformance.objects.create(student=s2, course=a, category="Participation", score=Decimal(2),
                                                 date=days_ago(9))
    daily_gone.soft_delete()
    for student, day, status in ((s1, 14, "Present"), (s1, 7, "Late"), (s2, 14, "Absent"), (s2, 7, "Absent"),
                                 (s2, 1, "Absent"), (s3, 7, "Excused"), (s4, 14, "Absent")):
        Attendance.objects.create(student=student, course=a, date=days_ago(day), status=status)
    Enrollment.objects.get(student=s4, course=a).soft_delete()
    return {"a": a, "b": b, "c": c, "s1": s1, "s2": s2, "s3": s3, "s4": s4, "gone": gone, "daily_gone": daily_gone}


def test_the_fixture_is_current_and_varied(school):
    state = stored()
    assert state == fresh()
    results = state["results"]
    a, s2, s4 = school["a"].pk, school["s2"].pk, school["s4"].pk
    assert results[a, s2]["over_limit"] and results[a, s2]["at_risk"]
    assert not results[a, s4]["enrolled"] and results[a, s4]["absent"] == 1  # unenrolled, attendance kept
    assert results[school["c"].pk, school["s3"].pk]["status"] == calculations.STATUS_NO_RULES
    assert results[school["b"].pk, school["s2"].pk]["status"] == calculations.STATUS_NO_GRADES
    assert {max_grade for _course, _grade, max_grade in state["tallies"]} == {Decimal(20), Decimal(50), Decimal(7)}


# --- every write service -----------------------------------------------------------------------------------

def _grade(s, **filters):
    return Grade.objects.filter(course=s["a"], **filters).order_by("pk").first()


def _attendance(s):
    return Attendance.objects.filter(course=s["a"], student=s["s1"]).order_by("pk").first()


def _daily(s):
    return DailyPerformance.objects.get(student=s["s1"], course=s["a"])


def _deleted(model_objects, **filters):
    return model_objects.filter(deleted_at__isnull=False, **filters).order_by("-deleted_at", "-pk").first()


class Case(NamedTuple):
    service: object
    write: object  # write(school): one call of the service
    changes: bool = True  # whether the derived tables change
    setup: object = None  # setup(school): what must be deleted before a restore


# Every public function of the write services is here: test_every_write_service_is_in_the_table.
WRITES = [
    Case(grade_services.grade_record, lambda s: grade_services.grade_record(
        student=s["s3"], course=s["a"], assignment_name="Final", category="Final", grade=Decimal("12.25"),
        date_assigned=days_ago(2))),
    Case(grade_services.grades_record_bulk, lambda s: grade_services.grades_record_bulk(rows=[
        {"student": s["s1"], "course": s["b"], "assignment_name": "Essay", "category": "Εργασία",
         "grade": Decimal(19), "max_grade": Decimal(20)},
        {"student": s["s2"], "course": s["b"], "assignment_name": "Essay", "category": "Εργασία",
         "grade": Decimal(4), "max_grade": Decimal(5)}])),
    # another grade and another maximum: the tallies of the old key and of the new one
    Case(grade_services.grade_update, lambda s: grade_services.grade_update(
        grade=_grade(s, student=s["s1"], category="Homework"), data={"grade": Decimal(30), "max_grade": Decimal(40)})),
    Case(grade_services.grade_delete, lambda s: grade_services.grade_delete(grade=_grade(s, student=s["s2"]))),
    Case(grade_services.grade_restore, lambda s: grade_services.grade_restore(grade=s["gone"])),
    Case(grade_services.daily_performance_record, lambda s: grade_services.daily_performance_record(
        student=s["s3"], course=s["a"], category="Participation", score=Decimal(2), date=days_ago(3))),
    Case(grade_services.daily_performance_update, lambda s: grade_services.daily_performance_update(
        record=_daily(s), data={"score": Decimal(1)})),
    Case(grade_services.daily_performance_delete, lambda s: grade_services.daily_performance_delete(record=_daily(s))),
    Case(grade_services.daily_performance_restore, lambda s: grade_services.daily_performance_restore(
        record=s["daily_gone"])),
    Case(attendance_services.attendance_record, lambda s: attendance_services.attendance_record(
        student=s["s1"], course=s["a"], date=days_ago(21), status="Absent")),
    Case(attendance_services.attendance_record_bulk, lambda s: attendance_services.attendance_record_bulk(rows=[
        {"student": s["s3"], "course": s["a"], "date": days_ago(21), "status": "Excused"},
        {"student": s["s3"], "course": s["a"], "date": days_ago(28), "status": "Excused"}])),
    # another status on another date: the week it left and the week it joined
    Case(attendance_services.attendance_update, lambda s: attendance_services.attendance_update(
        record=_attendance(s), data={"status": "Absent", "date": days_ago(40)})),
    Case(attendance_services.attendance_delete, lambda s: attendance_services.attendance_delete(record=_attendance(s))),
    Case(attendance_services.attendance_restore, lambda s: attendance_services.attendance_restore(
        record=_deleted(Attendance.all_objects, student=s["s1"], course=s["a"])),
         setup=lambda s: attendance_services.attendance_delete(record=_attendance(s))),
    Case(attendance_services.attendance_take, lambda s: attendance_services.attendance_take(
        course=s["a"], date=days_ago(14), period_number=1, marks=[
            {"student": s["s1"], "status": "Absent"}, {"student": s["s3"], "status": "Late"}])),
    Case(course_services.course_create, lambda s: course_services.course_create(
        course_code="NEW-1", course_name="New", semester="2026 Fall"), changes=False),
    Case(course_services.course_update, lambda s: course_services.course_update(course=s["a"], data={
        "absence_penalty": Decimal(3), "periods_per_week": 3,
        "evaluation_rules": [{"category": "Homework", "weight": 70}, {"category": "Final", "weight": 30}]})),
    Case(course_services.course_delete, lambda s: course_services.course_delete(course=s["a"])),
    Case(course_services.course_restore, lambda s: course_services.course_restore(course=s["a"]),
         setup=lambda s: course_services.course_delete(course=s["a"])),
    Case(course_services.enrollment_create, lambda s: course_services.enrollment_create(student=s["s3"], course=s["b"])),
    Case(course_services.enrollments_bulk_create, lambda s: course_services.enrollments_bulk_create(
        course=s["c"], students=[s["s1"], s["s2"], s["s3"]])),
    Case(course_services.enrollment_delete, lambda s: course_services.enrollment_delete(
        enrollment=Enrollment.objects.get(student=s["s1"], course=s["a"]))),
    Case(course_services.enrollment_restore, lambda s: course_services.enrollment_restore(
        enrollment=_deleted(Enrollment.all_objects, student=s["s4"], course=s["a"]))),
    Case(student_services.student_create, lambda s: student_services.student_create(
        student_id="NEW-1", first_name="Νέα", last_name="Μαθήτρια", email="new@school.example"), changes=False),
    Case(student_services.student_update, lambda s: student_services.student_update(
        student=s["s2"], data={"first_name": "Ελένη"}), changes=False),
    Case(student_services.student_delete, lambda s: student_services.student_delete(student=s["s2"])),
    Case(student_services.student_restore, lambda s: student_services.student_restore(student=s["s2"]),
         setup=lambda s: student_services.student_delete(student=s["s2"])),
]


@pytest.mark.parametrize("case", WRITES, ids=[case.service.__name__ for case in WRITES])
def test_each_write_service_leaves_the_derived_tables_as_the_records_say(school, case):
    if case.setup:
        case.setup(school)
    before = stored()
    case.write(school)
    assert_current()
    assert (stored() != before) == case.changes


def test_every_write_service_is_in_the_table():
    modules = (grade_services, attendance_services, course_services, student_services)
    public = {function for module in modules for name, function in inspect.getmembers(module, inspect.isfunction)
              if function.__module__ == module.__name__ and not name.startswith("_")}
    assert public == {case.service for case in WRITES}


def test_a_sequence_of_writes_keeps_them_current_and_in_agreement_with_the_student_and_course_pages(school):
    for case in WRITES:
        for step in (case.setup, case.write):
            try:
                step and step(school)
            except (ValidationError, ObjectDoesNotExist, AttributeError):
                pass  # refused or impossible in this state (deleted already, nothing to restore): no change
            assert_current()
    # The pages compute their final grades themselves (grades/selectors.py): the same, for everyone.
    kept = {(row.course_id, row.student_id): (row.status, row.value20, row.passed, row.greek_label or None,
                                              row.letter or None, row.provisional)
            for row in StudentCourseResult.objects.filter(enrolled=True, course__deleted_at__isnull=True)}
    course_pages = {(course.pk, student_id): _shown(result) for course in Course.objects.all()
                    for student_id, result in final_grades_for_course(course).items()}
    student_pages = {(course.pk, student.pk): _shown(result) for student in Student.objects.all()
                     for course, result in final_grades_for_student(student)[0]}
    assert kept == course_pages == student_pages
    assert {values[0] for values in kept.values()} == {
        calculations.STATUS_OK, calculations.STATUS_NO_RULES, calculations.STATUS_NO_GRADES}


def _shown(result):
    return result.status, result.value20, result.passed, result.greek_label, result.letter, result.provisional


# --- every entry point ---------------------------------------------------------------------------------------

def test_an_admin_form_edit_updates_the_results(school, admin_client):
    grade = _grade(school, student=school["s1"], category="Homework")
    response = admin_client.post(f"/admin/grades/grade/{grade.pk}/change/", {
        "student": grade.student_id, "course": grade.course_id, "assignment_name": "Homework", "category": "Homework",
        "grade": "3", "max_grade": "20", "weight": "1", "date_assigned": days_ago(30).isoformat(), "notes": ""})
    assert response.status_code == 302
    # Homework 15 %, Final 79.5 %, Participation 70 %: (15 × 40 + 79.5 × 40 + 70 × 20) / 100 = 51.8 % → 10.4
    assert StudentCourseResult.objects.get(course=school["a"], student=school["s1"]).value20 == Decimal("10.4")
    assert_current()


def test_admin_delete_and_restore_actions_update_the_results(school, admin_client):
    record = _attendance(school)
    admin_client.post("/admin/attendance/attendance/", {"action": "soft_delete_selected", "_selected_action": [record.pk]})
    assert not Attendance.objects.filter(pk=record.pk).exists()
    assert_current()
    admin_client.post("/admin/attendance/attendance/?deleted=yes",
                      {"action": "restore_selected", "_selected_action": [record.pk]})
    assert Attendance.objects.filter(pk=record.pk).exists()
    assert_current()


def test_api_writes_update_the_results(school, admin_user):
    from sms.api.testing import data_of, token_client

    client = token_client(admin_user)
    data_of(client.post("/api/v1/grades/", {
        "student": school["s3"].pk, "course": school["a"].pk, "assignment_name": "Final", "category": "Final",
        "grade": "4", "max_grade": "20", "date_assigned": days_ago(1).isoformat()}, format="json"), 201)
    assert StudentCourseResult.objects.get(course=school["a"], student=school["s3"]).passed is True
    assert_current()
    enrollment = Enrollment.objects.get(student=school["s3"], course=school["a"])
    assert client.delete(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 204
    assert_current()
    data_of(client.post(f"/api/v1/enrollments/{enrollment.pk}/restore/"))
    assert_current()


def test_an_import_updates_the_results(school, admin_user):
    from sms.transfer import importer, kinds, readers, writers

    a, s1 = school["a"], school["s1"]
    rows = [[s1.student_id, a.course_code, "Homework 2", "Homework", "2", "20"]]
    table = readers.read_table(writers.write("csv", [
        "student_id", "course_code", "assignment_name", "category", "grade", "max_grade"], rows), "grades.csv")
    assert importer.apply(kinds.get("grades"), table, admin_user, filename="grades.csv").applied
    assert_current()


def test_a_hard_delete_updates_the_results(school):
    _grade(school, student=school["s3"]).delete()
    Attendance.objects.filter(student=school["s2"]).first().delete()
    assert_current()


# --- batches, the command, migrate, the seeders ------------------------------------------------------------------

def test_a_cascade_recomputes_each_table_once(school, monkeypatch):
    calls = Counter()
    for name in ("refresh_results", "refresh_summaries", "refresh_tallies", "refresh_weeks"):
        original = getattr(derived, name)
        monkeypatch.setattr(derived, name, _counting(original, calls, name))
    course_services.course_delete(course=school["a"])
    assert calls == {"refresh_results": 1, "refresh_summaries": 1, "refresh_tallies": 1, "refresh_weeks": 1}
    assert_current()


def _counting(function, calls, name):
    def counted(keys):
        calls[name] += 1
        return function(keys)

    counted.__qualname__ = function.__qualname__
    return counted


def test_a_refresh_writes_only_the_derived_tables(school):
    with CaptureQueriesContext(connection) as queries:
        derived.refresh_everything()
    written = {match.group(1) for query in queries.captured_queries
               for match in [re.match(r'(?:\d+ times: )?\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?',
                                               query["sql"])] if match}
    assert written == {"metrics_studentcourseresult", "metrics_coursesummary", "metrics_gradetally",
                       "metrics_attendanceweek"}


def test_refresh_results_rebuilds_tables_changed_or_emptied_by_hand(school):
    StudentCourseResult.objects.filter(course=school["a"]).update(value20=Decimal(1), present=99)
    GradeTally.objects.all().delete()
    AttendanceWeek.objects.filter(course=school["a"]).delete()
    assert stored() != fresh()
    call_command("refresh_results", verbosity=0)
    assert_current()


def test_migrate_fills_empty_derived_tables_of_a_school_with_records(school):
    from metrics.apps import fill_derived_tables

    expected = stored()
    for model in (StudentCourseResult, CourseSummary, GradeTally, AttendanceWeek):
        model.objects.all().delete()
    fill_derived_tables(sender=None, using="default", verbosity=0)
    assert stored() == expected


def test_the_demo_seeders_leave_the_derived_tables_current():
    call_command("seed_demo", students=12, verbosity=0)
    assert StudentCourseResult.objects.count() == Enrollment.objects.count()
    assert_current()
    call_command("seed_e2e_data", verbosity=0)
    assert_current()


def test_a_student_deleted_around_the_cascade_is_left_out_of_every_table(school):
    # A grade restored while its student stays deleted is a live grade of a deleted student: the
    # metrics never counted those, and the derived rows do not either.
    student_services.student_delete(student=school["s1"])
    grade_services.grade_restore(grade=Grade.all_objects.filter(student=school["s1"]).first())
    assert_current()
    assert not StudentCourseResult.objects.filter(student=school["s1"]).exclude(
        enrolled=False, present=0, absent=0, late=0, excused=0).exists()


# --- concurrent writers (PostgreSQL) ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_a_refresh_of_the_same_result_and_then_counts_its_grade(monkeypatch):
    """A refresh (refresh_results, or another writer's) that has read the records but not yet written
    its row holds the row's lock, so a writer of the same result waits for it and then reads again.
    Without the lock the writer would finish first and the refresh would overwrite its result with
    one computed before its grade existed."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    course = make_course(evaluation_rules=[{"category": "Homework", "weight": 100}])
    student = make_student()
    enroll(student, course)
    grade_services.grade_record(student=student, course=course, assignment_name="1", category="Homework",
                                grade=Decimal(10))
    read, written, errors = threading.Event(), threading.Event(), []
    compute = derived.compute_results

    def compute_then_pause(keys):
        values = compute(keys)
        if threading.current_thread().name == "refresh":
            read.set()  # the records are read: now the writer writes
            _until(lambda: _someone_waits_for_a_lock() or written.is_set())
        return values

    monkeypatch.setattr(derived, "compute_results", compute_then_pause)

    def refresh():
        derived.refresh_results({(course.pk, student.pk)})

    def write():
        read.wait(10)
        grade_services.grade_record(student=student, course=course, assignment_name="2", category="Homework",
                                    grade=Decimal(20))
        written.set()

    threads = [threading.Thread(target=_reporting(function, errors), name=function.__name__)
               for function in (refresh, write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert StudentCourseResult.objects.get(course=course, student=student).value20 == Decimal("15.0")
    assert_current()


def _reporting(function, errors):
    def run():
        try:
            function()
        except Exception as error:  # noqa: BLE001 — reported by the test's own thread
            errors.append(error)
        finally:
            connection.close()

    return run


def _someone_waits_for_a_lock():
    with connection.cursor() as cursor:
        # pg_locks, not pg_stat_activity: that one is a snapshot taken once per transaction.
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return bool(cursor.fetchone()[0])


def _until(condition, seconds=10):
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
