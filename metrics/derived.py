"""The derived tables of metrics.models: how each row is computed, and how it is refreshed.

Every refresh follows one protocol, so concurrent writers cannot leave a stale row behind on
PostgreSQL (READ COMMITTED):

1. lock the rows of the keys (SELECT … FOR UPDATE, in key order, so two refreshes never lock in
   opposite orders); insert the keys that have no row yet (ON CONFLICT DO NOTHING) and lock those,
2. read the school records and compute,
3. write the rows.

A second refresh of the same key waits at step 1 until the first commits; its step 2 then sees the
first one's records, as each statement of a READ COMMITTED transaction sees what was committed
before it began. Without the lock, a refresh that had read the records could write its row after
a writer of a new grade committed, and leave a result without that grade (metrics/tests test it).
Rows are never deleted: a waiter on a deleted row would go on without a lock. A key with nothing
left keeps a row of zeros. SQLite lets one writer in at a time, so there the protocol simply runs.

Writers of school records also queue on the audit chain's head row from their first write
(audit/chain.py); the protocol does not rely on that, and covers refresh_results, which writes none.

Receivers call the refresh functions after every write (metrics/receivers.py), in the writer's
transaction; `refresh_everything()` (manage.py refresh_results) rebuilds all rows from the records.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.constants import OnConflict
from django.db.models.functions import Round
from django.utils import timezone

from attendance.models import COUNTED_ABSENCES, PENALISED_ABSENCES, Attendance, Status
from courses.models import Course, Enrollment
from grades import calculations
from grades.models import DailyPerformance, Grade
from metrics.models import AttendanceWeek, CourseSummary, GradeTally, StudentCourseResult
from sms.derived import refresh as schedule
from sms.history import cached_prep, rows_converted_once

# Keys per transaction, per lock query and per IN list. The lock query ORs one term per course (or
# per course and grade): SQLite refuses expressions nested more than 1,000 deep.
CHUNK = 500
STATUS_FIELDS = {Status.PRESENT.value: "present", Status.ABSENT.value: "absent",
                 Status.LATE.value: "late", Status.EXCUSED.value: "excused"}
LIVE_STUDENT = Q(student__deleted_at__isnull=True)
GRADE_FIELDS = ("course_id", "student_id", "category", "grade", "max_grade", "weight", "date_assigned",
                "date_submitted", "pk")
DAILY_FIELDS = ("course_id", "student_id", "category", "score", "max_score", "date", "pk")
CENT = Decimal("0.01")
SUMMED = ("enrolled", "graded", "passed", "tenths", "over_limit", *STATUS_FIELDS.values())


def week_of(day):
    """The Monday that starts the day's week, as TruncWeek has it."""
    return day - datetime.timedelta(days=day.weekday())


def grade_key(course_id, grade, max_grade):
    """A GradeTally key, with the two decimals the columns store (18 and 18.00 are one key)."""
    return course_id, Decimal(grade).quantize(CENT), Decimal(max_grade).quantize(CENT)


# --- refreshing ------------------------------------------------------------------------------------

def refresh_results(keys):
    """Recompute the StudentCourseResult of each (course_id, student_id), then their courses' sums."""
    _refresh(StudentCourseResult, ("course_id", "student_id"), keys, compute_results)
    schedule(refresh_summaries, {(course_id,) for course_id, _student_id in keys})


def refresh_summaries(keys):
    """Recompute the CourseSummary of each (course_id,) from its StudentCourseResult rows."""
    _refresh(CourseSummary, ("course_id",), keys, compute_summaries)


def refresh_tallies(keys):
    """Recompute the GradeTally of each (course_id, grade, max_grade)."""
    _refresh(GradeTally, ("course_id", "grade", "max_grade"), keys, compute_tallies)


def refresh_weeks(keys):
    """Recompute the AttendanceWeek of each (course_id, Monday)."""
    _refresh(AttendanceWeek, ("course_id", "week"), keys, compute_weeks)


def _refresh(model, names, keys, compute):
    for part in _chunks(sorted(keys), CHUNK):
        # In the writer's transaction when there is one (no savepoint: a failure here fails the write).
        with transaction.atomic(savepoint=False):
            _lock(model, names, part)
            values = compute(part)
            _write(model, names, [{**_key_fields(names, key), **values[key]} for key in part],
                   update_fields=list(values[part[0]]))


def _lock(model, names, keys):
    """Step 1 of the protocol: a row for every key, locked, in key order.

    The rows there already are locked first, so the usual case (every row exists) is one query; only
    the keys without a row are inserted, then locked.
    """
    missing = set(keys) - _locked(model, names, keys)
    if missing:
        _write(model, names, [_key_fields(names, key) for key in sorted(missing)])
        _locked(model, names, sorted(missing))


def _locked(model, names, keys):
    rows = model.objects.select_for_update().filter(_matching(names, keys)).order_by(*names)
    return set(rows.values_list(*names))


def _write(model, names, rows, update_fields=()):
    """INSERT rows ({attname: value}, the others take their defaults); a row whose key (names) is
    there already gets update_fields, or is left as it is without them.

    The statement bulk_create(update_conflicts=…) or (ignore_conflicts=True) writes, one row at a
    time through executemany: bulk_create builds a model instance per row and prepares every value
    through its field, which took two thirds of a full refresh (seed_demo --students 10000: ≈ 26 s
    of 39 s CPU). Here each distinct value of a column is prepared once.
    """
    opts, quote = model._meta, connection.ops.quote_name
    fields = [field for field in opts.concrete_fields if field is not opts.auto_field]
    on_conflict = OnConflict.UPDATE if update_fields else OnConflict.IGNORE
    suffix = connection.ops.on_conflict_suffix_sql(
        fields, on_conflict, [opts.get_field(name).column for name in update_fields],
        [opts.get_field(name).column for name in names])
    sql = (f"{connection.ops.insert_statement(on_conflict=on_conflict)} {quote(opts.db_table)} "
           f"({', '.join(quote(field.column) for field in fields)}) VALUES ({', '.join(['%s'] * len(fields))}) "
           f"{suffix}")
    columns = [(field.attname, field.get_default(), cached_prep(field)) for field in fields]
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[prep(row.get(name, default)) for name, default, prep in columns] for row in rows])


def _key_fields(names, key):
    return dict(zip(names, key))


def _matching(names, keys):
    """Exactly these keys: one term per prefix, e.g. course=1 AND student IN (…) OR course=2 AND …"""
    groups = defaultdict(list)
    for key in keys:
        groups[key[:-1]].append(key[-1])
    condition = Q()
    for prefix, lasts in groups.items():
        condition |= Q(**_key_fields(names[:-1], prefix), **{f"{names[-1]}__in": lasts})
    return condition


def _chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


# --- computing ---------------------------------------------------------------------------------------
# Each reads the records of a superset of its keys (course IN … AND student IN …: the keys of a
# write, a cascade or a refresh of whole courses fill it), then keeps the keys asked for.

def compute_results(keys):
    """{(course_id, student_id): StudentCourseResult values} from the records, by calculations.py."""
    courses = {row["id"]: row for row in Course.all_objects.filter(pk__in={c for c, _s in keys}).values(
        "id", "evaluation_rules", "absence_penalty", "periods_per_week")}
    for course in courses.values():  # once per course, not per student (a model instance each)
        course["absence_limit"] = Course(periods_per_week=course["periods_per_week"]).absence_limit

    def records(model):
        return model.objects.filter(LIVE_STUDENT, course_id__in=courses, student_id__in={s for _c, s in keys})

    enrolled = set(records(Enrollment).values_list("course_id", "student_id"))
    marks = defaultdict(list)
    for row in rows_converted_once(records(Grade).values_list(*GRADE_FIELDS)):
        grade = SimpleNamespace(**dict(zip(GRADE_FIELDS, row)))
        marks[grade.course_id, grade.student_id].append(calculations.mark_from_grade(grade))
    if any(calculations.counts_daily(course["evaluation_rules"]) for course in courses.values()):
        for row in records(DailyPerformance).values(*DAILY_FIELDS):
            marks[row["course_id"], row["student_id"]].append(calculations.mark_from_daily(SimpleNamespace(**row)))
    statuses = defaultdict(Counter)
    for row in records(Attendance).filter(status__in=Status.values).order_by().values(
            "course_id", "student_id", "status").annotate(n=Count("pk")):
        statuses[row["course_id"], row["student_id"]][row["status"]] = row["n"]
    now = timezone.now()
    return {
        key: _result_values(courses.get(key[0]), key in enrolled, marks[key], statuses[key], now)
        for key in keys
    }


def _result_values(course, enrolled, marks, statuses, now):
    values = {
        "enrolled": enrolled and course is not None, "status": "", "percentage": None, "value20": None,
        "passed": None, "greek_label": "", "letter": "", "provisional": False, "over_limit": False,
        "at_risk": False, "updated_at": now,
        **{field: statuses[status] for status, field in STATUS_FIELDS.items()},
    }
    if not values["enrolled"]:
        return values
    result = calculations.course_result(
        course["evaluation_rules"], marks, sum(statuses[status] for status in PENALISED_ABSENCES),
        course["absence_penalty"])
    limit = course["absence_limit"]
    over = limit is not None and sum(statuses[status] for status in COUNTED_ABSENCES) > limit
    values.update(
        status=result.status, percentage=calculations.display(result.percentage, 4), value20=result.value20,
        passed=result.passed, greek_label=result.greek_label or "", letter=result.letter or "",
        provisional=result.provisional, over_limit=over,
        at_risk=bool((result.has_grade and not result.passed) or over),
    )
    return values


def compute_summaries(keys):
    """{(course_id,): CourseSummary values}: the course's results added up, by Greek label."""
    summaries = {key: {**dict.fromkeys(SUMMED, 0), "labels": {}} for key in keys}
    graded = Q(enrolled=True, value20__isnull=False)
    rows = StudentCourseResult.objects.filter(course_id__in=[course for (course,) in keys]).order_by().values(
        "course_id", "greek_label").annotate(
        enrolled_n=Count("pk", filter=Q(enrolled=True)),
        graded_n=Count("pk", filter=graded),
        passed_n=Count("pk", filter=graded & Q(passed=True)),
        # Whole tenths, so the sum is exact on SQLite too (it adds decimals as floating point).
        tenths_n=Sum(Round(F("value20") * 10), filter=graded),
        over_limit_n=Count("pk", filter=Q(over_limit=True)),
        **{f"{field}_n": Sum(field) for field in STATUS_FIELDS.values()},
    )
    for row in rows:
        summary = summaries[(row["course_id"],)]
        for field in SUMMED:
            summary[field] += round(row[f"{field}_n"] or 0)
        if row["greek_label"] and row["graded_n"]:
            summary["labels"][row["greek_label"]] = row["graded_n"]
    return summaries


def compute_tallies(keys):
    """{(course_id, grade, max_grade): {"count": live grades of live students at that grade}}."""
    counts = dict.fromkeys(keys, 0)
    rows = Grade.objects.filter(
        LIVE_STUDENT, course_id__in={key[0] for key in keys}, grade__in={key[1] for key in keys},
        max_grade__in={key[2] for key in keys},
    ).order_by().values("course_id", "grade", "max_grade").annotate(n=Count("pk"))
    for row in rows:
        key = grade_key(row["course_id"], row["grade"], row["max_grade"])
        if key in counts:
            counts[key] = row["n"]
    return {key: {"count": count} for key, count in counts.items()}


def compute_weeks(keys):
    """{(course_id, Monday): {status field: live records of live students that week}}."""
    weeks = {key: dict.fromkeys(STATUS_FIELDS.values(), 0) for key in keys}
    mondays = [monday for _course, monday in keys]
    rows = Attendance.objects.filter(
        LIVE_STUDENT, course_id__in={course for course, _monday in keys}, status__in=Status.values,
        date__range=(min(mondays), max(mondays) + datetime.timedelta(days=6)),
    ).order_by().values("course_id", "date", "status").annotate(n=Count("pk"))
    for row in rows:
        key = (row["course_id"], week_of(row["date"]))
        if key in weeks:
            weeks[key][STATUS_FIELDS[row["status"]]] += row["n"]
    return weeks


# --- everything ----------------------------------------------------------------------------------------

COURSES_PER_ROUND = 10


def refresh_everything():
    """Recompute every derived row from the records, a few courses at a time; returns the counts.

    Finds the keys from the records, all of them, deleted ones included (a deleted grade must leave
    its tally at zero), and from the rows already there.
    """
    done = Counter()
    course_ids = list(Course.all_objects.order_by("pk").values_list("pk", flat=True))
    for courses in _chunks(course_ids, COURSES_PER_ROUND):
        pairs = _keys(Enrollment, courses, "course_id", "student_id") | _keys(
            Attendance, courses, "course_id", "student_id") | _keys(StudentCourseResult, courses, "course_id", "student_id")
        tallies = {grade_key(*key) for key in _keys(Grade, courses, "course_id", "grade", "max_grade")} | {
            grade_key(*key) for key in _keys(GradeTally, courses, "course_id", "grade", "max_grade")}
        weeks = {(course, week_of(day)) for course, day in _keys(Attendance, courses, "course_id", "date")} | _keys(
            AttendanceWeek, courses, "course_id", "week")
        # refresh_results adds up the courses' summaries too; a course without students has none,
        # which reads as zeros.
        for function, keys, name in ((refresh_results, pairs, "results"), (refresh_tallies, tallies, "tallies"),
                                     (refresh_weeks, weeks, "weeks")):
            if keys:
                function(keys)
            done[name] += len(keys)
        done["courses"] += len(courses)
    return done


def _keys(model, courses, *fields):
    manager = getattr(model, "all_objects", model.objects)
    return set(manager.filter(course_id__in=courses).order_by().values_list(*fields).distinct())


def keys_of_student(student_id):
    """Every derived key that depends on whether this student is deleted."""
    def of(model, *fields):
        manager = getattr(model, "all_objects", model.objects)
        return set(manager.filter(student_id=student_id).order_by().values_list(*fields).distinct())

    pairs = of(Enrollment, "course_id", "student_id") | of(Attendance, "course_id", "student_id") | of(
        StudentCourseResult, "course_id", "student_id")
    tallies = {grade_key(*key) for key in of(Grade, "course_id", "grade", "max_grade")}
    weeks = {(course, week_of(day)) for course, day in of(Attendance, "course_id", "date")}
    return {refresh_results: pairs, refresh_tallies: tallies, refresh_weeks: weeks}


def keys_of_course(course_id):
    """Every result that depends on the course's rules, absence penalty or periods."""
    return {refresh_results: set(Enrollment.all_objects.filter(course_id=course_id).values_list(
        "course_id", "student_id")) | set(StudentCourseResult.objects.filter(course_id=course_id).values_list(
            "course_id", "student_id"))}
