"""Staff pages for students: list, detail, create, edit, soft delete, and admin restore."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.selectors import record_history
from sms import roles, web
from students import access, services
from students.filters import StudentFilter
from students.forms import StudentForm
from students.models import Student
from students.selectors import student_record


@web.reader_required
def student_list(request):
    filters = StudentFilter(request.GET, queryset=Student.objects.all())
    page, query = web.paginate(request, filters.qs)
    return render(request, "students/list.html", {
        "filters": filters, "page": page, "query": query,
        "can_edit": access.can_edit_students(request.user),
        "can_restore": access.can_restore_students(request.user),
    })


@web.reader_required
def student_detail(request, pk):
    student = get_object_or_404(Student, pk=pk)
    return render(request, "students/detail.html", {
        "student": student, **student_record(student),
        "can_edit": access.can_edit_students(request.user),
        "history_entries": record_history(student) if roles.is_admin(request.user) else None,
    })


@web.role_required(access.can_edit_students)
def student_create(request):
    form = StudentForm(web.form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_create(**form.cleaned_data)
        except ValidationError as error:
            web.apply_errors(form, error)
        else:
            messages.success(request, _("Student %(name)s was added.") % {"name": student.full_name})
            return redirect("students:detail", student.pk)
    return render(request, "students/form.html", {"form": form, "student": None})


@web.role_required(access.can_edit_students)
def student_edit(request, pk):
    student = get_object_or_404(Student, pk=pk)
    form = StudentForm(web.form_data(request), instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, data=form.cleaned_data)
        except ValidationError as error:
            web.apply_errors(form, error)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": student.full_name})
            return redirect("students:detail", student.pk)
    return render(request, "students/form.html", {"form": form, "student": student})


@web.role_required(access.can_edit_students)
def student_delete(request, pk):
    student = get_object_or_404(Student, pk=pk)
    if request.method == "POST":
        services.student_delete(student=student)
        messages.success(request, _(
            "Student %(name)s was deleted with their enrollments, grades and attendance. "
            "An administrator can restore them from “Deleted students”."
        ) % {"name": student.full_name})
        return redirect("students:list")
    return render(request, "includes/confirm_delete.html", {
        "object": student, "cancel_url": student.get_absolute_url(),
        "consequence": _("Their enrollments, grades and attendance are deleted with them. "
                         "An administrator can restore everything later."),
    })


@web.role_required(access.can_restore_students)
def student_deleted_list(request):
    deleted = Student.all_objects.filter(deleted_at__isnull=False).search(request.GET.get("search"))
    page, query = web.paginate(request, deleted.order_by("-deleted_at", "id"))
    return render(request, "students/deleted.html", {
        "page": page, "query": query, "search": request.GET.get("search", ""),
    })


@require_POST
@web.role_required(access.can_restore_students)
def student_restore(request, pk):
    student = get_object_or_404(Student.all_objects.filter(deleted_at__isnull=False), pk=pk)
    try:
        services.student_restore(student=student)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("students:deleted")
    messages.success(request, _("Student %(name)s was restored with their records.") % {"name": student.full_name})
    return redirect("students:detail", student.pk)
