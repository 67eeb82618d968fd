"""The attendance roster: one course, date and period; pre-filled Present, saved all at once."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from attendance import services
from attendance.forms import RosterDayForm, RosterRowForm
from attendance.models import COUNTED_ABSENCES, Attendance, Status
from courses.access import can_manage_course_records
from courses.models import Course, Enrollment
from grades.selectors import course_enrollments
from sms import web
from sms.services import RowErrors


@web.reader_required
def attendance_roster(request, course_pk):
    """GET ?date=&period= opens the roster (today, period 1 by default); POST saves it.

    7 queries to show it however many students: session, user, role, course, taught courses,
    students with their absence counts, and the day's records.
    """
    course = get_object_or_404(Course, pk=course_pk)
    web.require(can_manage_course_records(request.user, course))
    day = RosterDayForm({"date": timezone.localdate().isoformat(), "period": 1, **request.GET.dict()})
    if not day.is_valid():
        return render(request, "attendance/roster.html", {"course": course, "day": day, "rows": None})
    date, period = day.cleaned_data["date"], day.cleaned_data["period"]
    enrollments = course_enrollments(course)
    students = [enrollment.student for enrollment in enrollments]
    existing = {r.student_id: r for r in Attendance.objects.for_roster(course, date, period)}
    data = web.form_data(request)
    rows = [(student, RosterRowForm(data, prefix=f"row-{student.pk}", initial=_initial(existing.get(student.pk))))
            for student in students]
    # A list, not a generator: every row is validated so every row shows its own error.
    valid = data is not None and all([form.is_valid() for _student, form in rows])  # noqa: C419
    if valid and _save(request, course, date, period, rows):
        return redirect(f"{reverse('attendance:roster', args=[course.pk])}?date={date.isoformat()}&period={period}")
    return render(request, "attendance/roster.html", {
        "course": course, "day": day, "date": date, "period": period, "retaking": bool(existing),
        "rows": [(s, form, enrollment.absences) for (s, form), enrollment in zip(rows, enrollments)],
    })


def _enrolled_students(course):
    return [e.student for e in Enrollment.objects.live().filter(course=course).select_related("student")
            .order_by("student__last_name", "student__first_name", "student_id")]


def _initial(record):
    return {"status": record.status, "notes": record.notes} if record else {"status": Status.PRESENT}


def _save(request, course, date, period, rows):
    marks = [{"student": s, "status": f.cleaned_data["status"], "notes": f.cleaned_data["notes"]} for s, f in rows]
    try:
        services.attendance_take(course=course, date=date, period_number=period, marks=marks)
    except RowErrors as error:
        for index, errors in error.rows.items():
            form = rows[index][1]
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    counts = Counter(mark["status"] for mark in marks)
    messages.success(request, _(
        "Attendance saved for %(date)s, period %(period)s: %(present)s present, %(absent)s absent, "
        "%(late)s late, %(excused)s excused."
    ) % {"date": formats.date_format(date, "SHORT_DATE_FORMAT"), "period": period,
         "present": counts[Status.PRESENT], "absent": counts[Status.ABSENT],
         "late": counts[Status.LATE], "excused": counts[Status.EXCUSED]})
    return True


@web.reader_required
def course_summary(request, course_pk):
    """Absences per enrolled student with near/over-limit flags; every signed-in role may read it.

    5 queries for a viewer however many students (session, user, role, course, students and one
    aggregate of the course's records per student and status); a teacher adds their taught courses.
    """
    course = get_object_or_404(Course, pk=course_pk)
    counts = {
        row["student_id"]: row
        for row in Attendance.objects.filter(course=course).values("student_id").annotate(
            **{status.lower(): Count("id", filter=Q(status=status)) for status in Status.values},
            absences=Count("id", filter=Q(status__in=COUNTED_ABSENCES)),
        )
    }
    limit, warn_at = course.absence_limit, course.absence_warning_at
    empty = {status.lower(): 0 for status in Status.values} | {"absences": 0}
    rows = []
    for student in _enrolled_students(course):
        row = {"student": student, **counts.get(student.pk, empty)}
        row["over"] = limit is not None and row["absences"] > limit
        row["near"] = limit is not None and not row["over"] and 0 < warn_at <= row["absences"]
        row["left"] = None if limit is None else max(limit - row["absences"], 0)
        rows.append(row)
    return render(request, "attendance/summary.html", {
        "course": course, "rows": rows, "limit": limit, "warn_at": warn_at,
        "near_count": sum(row["near"] for row in rows), "over_count": sum(row["over"] for row in rows),
        "can_manage": can_manage_course_records(request.user, course),
        "export_query": f"course={course.pk}",  # the export links: this course's attendance records
    })
