"""Staff pages for courses: list, detail, create/edit with the rules editor, delete, enrolment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.selectors import record_history
from courses import access, evaluation, services
from courses.filters import CourseFilter
from courses.forms import CourseForm, EnrolForm, rules_formset, rules_from
from courses.models import Course, Enrollment
from grades.selectors import course_enrollments, final_grades_for_course
from sms import roles, web

ENROL_CHOICES_SHOWN = 200


@web.reader_required
def course_list(request):
    courses = Course.objects.with_enrolled_count().prefetch_related("teachers").order_by("course_code", "id")
    filters = CourseFilter(request.GET, queryset=courses)
    page, query = web.paginate(request, filters.qs)
    return render(request, "courses/list.html", {
        "filters": filters, "page": page, "query": query, "can_edit": access.can_edit_course(request.user),
    })


@web.reader_required
def course_detail(request, pk):
    course = get_object_or_404(Course.objects.prefetch_related("teachers"), pk=pk)
    enrollments = course_enrollments(course)
    results = final_grades_for_course(course, enrollments=enrollments)
    rows = [
        {"enrollment": e, "student": e.student, "result": results.get(e.student_id), "absences": e.absences}
        for e in enrollments
    ]
    return render(request, "courses/detail.html", {
        "course": course, "rows": rows, "weight_total": course.rules_weight_total,
        "can_edit": access.can_edit_course(request.user),
        "can_manage": access.can_manage_course_records(request.user, course),
        "history_entries": record_history(course) if roles.is_admin(request.user) else None,
    })


@web.role_required(access.can_edit_course)
def course_create(request):
    return _course_form(request, None)


@web.role_required(access.can_edit_course)
def course_edit(request, pk):
    return _course_form(request, get_object_or_404(Course, pk=pk))


def _course_form(request, course):
    posted = request.method == "POST"
    form = CourseForm(web.form_data(request), instance=course)
    rules = rules_formset(request.POST if posted else None, rules=course.evaluation_rules if course else ())
    rules_errors = []
    # `&`, not `and`: validate both so every error shows at once.
    if posted and form.is_valid() & rules.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        data["evaluation_rules"] = rules_from(rules)
        try:
            course = _save_course(course, data, form.cleaned_data["teachers"])
        except ValidationError as error:
            rules_errors = _pop_rules_errors(error)
            web.apply_errors(form, error)
        else:
            messages.success(request, _("Course %(code)s was saved.") % {"code": course.course_code})
            return redirect(course)
    return render(request, "courses/form.html", {
        "form": form, "rules": rules, "rules_errors": rules_errors, "course": course,
        "weight_total": _posted_total(rules) if posted else evaluation.total_weight(
            course.evaluation_rules if course else []
        ),
    })


def _save_course(course, data, teachers):
    if course is None:
        return services.course_create(teachers=teachers, **data)
    return services.course_update(course=course, data=data, teachers=teachers)


def _pop_rules_errors(error):
    if hasattr(error, "error_dict"):
        return [message for item in error.error_dict.pop("evaluation_rules", []) for message in item.messages]
    return []


def _posted_total(rules):
    weights = [form.cleaned_data.get("weight") for form in rules.forms if hasattr(form, "cleaned_data")]
    return sum((weight for weight in weights if weight is not None), 0)


@web.role_required(access.can_edit_course)
def course_delete(request, pk):
    course = get_object_or_404(Course, pk=pk)
    if request.method == "POST":
        services.course_delete(course=course)
        messages.success(request, _("Course %(code)s was deleted with its enrollments, grades and attendance.")
                         % {"code": course.course_code})
        return redirect("courses:list")
    return render(request, "includes/confirm_delete.html", {
        "object": course, "cancel_url": course.get_absolute_url(),
        "consequence": _("Its enrollments, grades and attendance are deleted with it. "
                         "An administrator can restore it with them from “Deleted courses” on the courses page."),
    })


@web.reader_required
def course_enrol(request, pk):
    course = get_object_or_404(Course, pk=pk)
    web.require(access.can_manage_course_records(request.user, course))
    form = EnrolForm(web.form_data(request), course=course)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.enrollments_bulk_create(course=course, students=form.cleaned_data["students"])
        except ValidationError as error:
            web.apply_errors(form, error)
        else:
            messages.success(request, ngettext(
                "%(count)s student enrolled in %(code)s.", "%(count)s students enrolled in %(code)s.", len(created),
            ) % {"count": len(created), "code": course.course_code})
            return redirect(course)
    search = request.GET.get("search", "")
    candidates = form.fields["students"].queryset.search(search).order_by("last_name", "first_name", "id")
    return render(request, "courses/enrol.html", {
        "course": course, "form": form, "search": search,
        "candidates": candidates[:ENROL_CHOICES_SHOWN], "limit": ENROL_CHOICES_SHOWN,
        "chosen": {str(value) for value in request.POST.getlist("students")},
    })


@require_POST
@web.reader_required
def course_unenrol(request, pk, enrollment_pk):
    course = get_object_or_404(Course, pk=pk)
    web.require(access.can_manage_course_records(request.user, course))
    enrollment = get_object_or_404(Enrollment.objects.select_related("student"), pk=enrollment_pk, course=course)
    services.enrollment_delete(enrollment=enrollment)
    messages.success(request, _("%(name)s was unenrolled from %(code)s. Their grades and attendance are kept.")
                     % {"name": enrollment.student.full_name, "code": course.course_code})
    return redirect(course)


@web.role_required(access.can_edit_course)
def course_deleted_list(request):
    deleted = Course.all_objects.filter(deleted_at__isnull=False).order_by("-deleted_at", "id")
    page, query = web.paginate(request, deleted)
    return render(request, "courses/deleted.html", {"page": page, "query": query})


@require_POST
@web.role_required(access.can_edit_course)
def course_restore(request, pk):
    course = get_object_or_404(Course.all_objects.filter(deleted_at__isnull=False), pk=pk)
    try:
        services.course_restore(course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("courses:deleted")
    messages.success(request, _("Course %(code)s was restored with its records.") % {"code": course.course_code})
    return redirect(course)


