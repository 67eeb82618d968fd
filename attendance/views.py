"""The attendance roster: one course, date and period; pre-filled Present, saved all at once."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from attendance import services
from attendance.forms import RosterDayForm, RosterRowForm
from attendance.models import Attendance, Status
from courses.access import can_manage_course_records
from courses.models import Course, Enrollment
from sms import web
from sms.services import RowErrors


@web.reader_required
def attendance_roster(request, course_pk):
    """GET ?date=&period= opens the roster (today, period 1 by default); POST saves it.

    8 queries to show it however many students: session, user, role, course, taught courses,
    students, the day's records and the course's absence counts.
    """
    course = get_object_or_404(Course, pk=course_pk)
    web.require(can_manage_course_records(request.user, course))
    day = RosterDayForm(request.GET or {"date": timezone.localdate(), "period": 1})
    if not day.is_valid():
        return render(request, "attendance/roster.html", {"course": course, "day": day, "rows": None})
    date, period = day.cleaned_data["date"], day.cleaned_data["period"]
    students = [e.student for e in Enrollment.objects.live().filter(course=course).select_related("student")
                .order_by("student__last_name", "student__first_name", "student_id")]
    existing = {r.student_id: r for r in Attendance.objects.for_roster(course, date, period)}
    data = web.form_data(request)
    rows = [(student, RosterRowForm(data, prefix=f"row-{student.pk}", initial=_initial(existing.get(student.pk))))
            for student in students]
    # A list, not a generator: every row is validated so every row shows its own error.
    valid = data is not None and all([form.is_valid() for _student, form in rows])  # noqa: C419
    if valid and _save(request, course, date, period, rows):
        return redirect(f"{reverse('attendance:roster', args=[course.pk])}?date={date.isoformat()}&period={period}")
    absences = {row["student_id"]: row["absences"] for row in Attendance.objects.filter(course=course).absence_counts()}
    return render(request, "attendance/roster.html", {
        "course": course, "day": day, "date": date, "period": period, "retaking": bool(existing),
        "rows": [(s, form, absences.get(s.pk, 0)) for s, form in rows],
    })


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
