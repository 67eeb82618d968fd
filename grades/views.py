"""Staff pages for grades: the roster entry per course and assignment, the course's grade sheet,
and correcting or deleting a single grade."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.selectors import record_history
from courses.access import can_manage_course_records
from courses.models import Course, Enrollment
from grades import access, services
from grades.forms import GradeForm, RosterHeaderForm, RosterRowForm
from grades.models import Grade
from grades.selectors import course_enrollments, final_grades_for_course
from sms import roles, web
from sms.services import RowErrors

ROW_FIELDS = ("max_grade", "date_submitted", "notes")


def _roster_students(course):
    enrollments = Enrollment.objects.live().filter(course=course).select_related("student")
    return [e.student for e in enrollments.order_by("student__last_name", "student__first_name", "student_id")]


@web.reader_required
def grade_roster(request, course_pk):
    course = get_object_or_404(Course, pk=course_pk)
    web.require(can_manage_course_records(request.user, course))
    data = web.form_data(request)
    header = RosterHeaderForm(data, course=course)
    rows = [(student, RosterRowForm(data, prefix=f"row-{student.pk}")) for student in _roster_students(course)]
    if data is not None and _roster_valid(header, rows) and _record(request, course, header, rows):
        return redirect("grades:list", course.pk)
    return render(request, "grades/roster.html", {
        "course": course, "header": header, "rows": rows,
        "failed": any(form.errors for _student, form in rows) or bool(header.errors),
    })


def _roster_valid(header, rows):
    valid = header.is_valid()
    # A list, not a generator: every row is validated so every row shows its own error.
    rows_valid = all([form.is_valid() for _student, form in rows])  # noqa: C419
    # The header's maximum when it is valid itself, even if another header field is not: the rows'
    # range errors then show in this answer, not after the header is fixed.
    _check_rows(header.cleaned_data.get("max_grade"), rows)
    return valid and rows_valid and not any(form.errors for _student, form in rows)


def _check_rows(default_max, rows):
    """Grades out of range, and rows that would be dropped, are reported with any other row's errors.

    The service checks the range again when saving; this only spares the teacher a second round.
    """
    # "Copy down" puts the first row's maximum into every blank cell, rows without a grade included.
    copied_max = rows[0][1].cleaned_data.get("max_grade") if rows and not rows[0][1].errors else None
    for _student, form in rows:
        if form.errors:
            continue
        if form.cleaned_data.get("grade") is None:
            _check_blank_row(form, shared_maxima={default_max, copied_max} - {None})
            continue
        grade, maximum = form.cleaned_data["grade"], form.cleaned_data["max_grade"] or default_max
        if grade < 0:
            form.add_error("grade", _("A grade cannot be negative."))
        elif maximum is not None and grade > maximum:
            form.add_error("grade", _("Grade %(grade)s is above the maximum %(max)s for this assignment.")
                           % {"grade": _plain(grade), "max": _plain(maximum)})


def _check_blank_row(form, shared_maxima):
    """A row without a grade records nothing, so what was typed in it for this student would be lost
    without a word: refuse the row instead.

    Notes are always the student's own. A maximum is only when it differs from the header's and
    from the first row's (which "copy down" spreads into every row); a submission date alone is let
    through, since copy down spreads dates too and without a grade there is nothing it could date.
    """
    data = form.cleaned_data
    if data.get("notes"):  # CharField strips it already
        form.add_error("notes", _("No grade in this row, so its notes would not be saved: "
                                  "enter the grade or clear the notes."))
    if data.get("max_grade") is not None and data["max_grade"] not in shared_maxima:
        form.add_error("max_grade", _("No grade in this row, so its maximum would not be saved: "
                                      "enter the grade or clear the maximum."))


def _plain(number):
    """23.00 → 23, 18.50 → 18.5: as the model's own message writes it."""
    return f"{number.normalize():f}"


def _record(request, course, header, rows):
    """Save every filled row or none; on failure put each row's errors beside it."""
    shared = header.cleaned_data
    filled = [(student, form) for student, form in rows if form.cleaned_data["grade"] is not None]
    if not filled:
        header.add_error(None, _("Enter at least one grade. Rows left blank are not recorded."))
        return False
    if not _no_duplicates(course, shared["assignment_name"], filled):
        return False
    try:
        services.grades_record_bulk(rows=[_grade_data(course, shared, s, f.cleaned_data) for s, f in filled])
    except RowErrors as error:
        for index, errors in error.rows.items():
            _row_errors(header, filled[index][1], errors)
        return False
    messages.success(request, ngettext(
        "%(count)s grade recorded for “%(assignment)s”.", "%(count)s grades recorded for “%(assignment)s”.",
        len(filled),
    ) % {"count": len(filled), "assignment": shared["assignment_name"]})
    return True


def _grade_data(course, shared, student, row):
    return {
        "student": student, "course": course, "assignment_name": shared["assignment_name"],
        "category": shared["category"], "grade": row["grade"], "max_grade": row["max_grade"] or shared["max_grade"],
        "weight": shared["weight"], "date_assigned": shared["date_assigned"],
        "date_submitted": row["date_submitted"], "notes": row["notes"],
    }


def _row_errors(header, form, errors):
    for field, messages_ in errors.items():
        if field in ROW_FIELDS or field == "grade":
            form.add_error(field, messages_)
        elif field in header.fields:  # the same header error would repeat on every row
            if field not in header.errors:
                header.add_error(field, messages_)
        else:
            form.add_error(None, messages_)


def _no_duplicates(course, assignment_name, filled):
    """A second roster for the same assignment must not record the grades twice."""
    graded = set(Grade.objects.filter(
        course=course, assignment_name__iexact=assignment_name, student__in=[s for s, _f in filled]
    ).values_list("student_id", flat=True))
    for student, form in filled:
        if student.pk in graded:
            form.add_error("grade", _("%(name)s already has a grade for “%(assignment)s”; edit that grade instead.")
                           % {"name": student.full_name, "assignment": assignment_name})
    return not graded


@web.reader_required
def grade_sheet(request, course_pk):
    """Every enrolled student's grades per assignment and final grade.

    3 queries however many students: the course, its enrollments with students and absence
    counts, its grades (a 4th for daily performance when the course counts it).
    """
    course = get_object_or_404(Course, pk=course_pk)
    enrollments = course_enrollments(course)
    grades = list(Grade.objects.for_course(course).order_by("date_assigned", "assignment_name", "id"))
    assignments = list(dict.fromkeys(grade.assignment_name for grade in grades))
    cells = {(grade.student_id, grade.assignment_name): grade for grade in grades}
    results = final_grades_for_course(course, enrollments=enrollments, grades=grades)
    sheet = [
        {"student": s, "result": results.get(s.pk), "grades": [cells.get((s.pk, name)) for name in assignments]}
        for s in (enrollment.student for enrollment in enrollments)
    ]
    return render(request, "grades/sheet.html", {
        "course": course, "assignments": assignments, "sheet": sheet,
        "can_manage": can_manage_course_records(request.user, course),
        "export_query": f"course={course.pk}",  # the export links: this course's grades
    })


def _editable_grade(request, pk):
    grade = get_object_or_404(Grade.objects.select_related("student", "course"), pk=pk)
    web.require(access.can_edit_grade(request.user, grade))
    return grade


@web.reader_required
def grade_edit(request, pk):
    grade = _editable_grade(request, pk)
    form = GradeForm(web.form_data(request), instance=grade)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.grade_update(grade=grade, data=data, reason=form.cleaned_data["reason"] or None)
        except ValidationError as error:
            web.apply_errors(form, error)
        else:
            messages.success(request, _("The grade of %(name)s for “%(assignment)s” was saved.")
                             % {"name": grade.student.full_name, "assignment": grade.assignment_name})
            return redirect("grades:list", grade.course_id)
    return render(request, "grades/form.html", {
        "form": form, "grade": grade,
        "history_entries": record_history(grade) if roles.is_admin(request.user) else None,
    })


@web.reader_required
def grade_delete(request, pk):
    grade = _editable_grade(request, pk)
    if request.method == "POST":
        services.grade_delete(grade=grade)
        messages.success(request, _("The grade of %(name)s for “%(assignment)s” was deleted.")
                         % {"name": grade.student.full_name, "assignment": grade.assignment_name})
        return redirect("grades:list", grade.course_id)
    return render(request, "includes/confirm_delete.html", {
        "object": grade, "cancel_url": reverse("grades:list", args=[grade.course_id]),
        "consequence": _("The grade stops counting toward the final grade. It stays in the history, "
                         "and an administrator can restore it."),
    })
