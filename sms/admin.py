"""The admin base for soft-deleted domain models: a "deleted" filter, soft delete and restore."""

from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import quote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sms import services


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", _("Not deleted")), ("yes", _("Deleted")), ("all", _("All"))]

    def value(self):
        return super().value() or "no"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(deleted_at__isnull=True)


class ValuesFilter(admin.SimpleListFilter):
    """A sidebar filter whose choices are known without reading the listed rows.

    Django's filter for a plain field (AllValuesFieldListFilter) runs SELECT DISTINCT over the whole
    table on every page: 200,000 grades or 500,000 attendance rows at district scale, a query each.
    These take their choices from a fixed range or from the courses (courses/admin.py), so a change
    list runs its count, its page and at most one query more.
    """

    lookup = None  # what the chosen value filters, e.g. "study_year"

    def choices_for(self, request):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return self.choices_for(request)

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        try:
            return queryset.filter(**{self.lookup: self.value()})
        except (ValueError, ValidationError) as error:  # ?study_year=abc: the admin's "invalid filter" answer
            raise IncorrectLookupParameters(error) from error


def range_filter(lookup, title, values):
    """A ValuesFilter over fixed values: study years 1–6, credits 1–12."""
    choices = [(str(value), str(value)) for value in values]
    return type(f"{lookup.title().replace('_', '')}Filter", (ValuesFilter,), {
        "title": title, "parameter_name": lookup, "lookup": lookup,
        "choices_for": lambda self, request: choices,
    })


class SoftDeleteAdmin(SimpleHistoryAdmin):
    actions = ["soft_delete_selected", "restore_selected"]
    # The "deleted" filter is always on, so Django would add "(N total)" to every page: a COUNT of
    # the whole table (500,000 attendance rows at district scale) that also counts deleted rows.
    show_full_result_count = False
    readonly_fields = ("deleted_at",)
    change_form_template = "admin/sms_change_form.html"
    delete_confirmation_template = "admin/sms_delete_confirmation.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Each change with who, when and old → new, under the form (audit.selectors, one query).
        from audit.selectors import record_history

        obj = self._stored_object(object_id)
        if obj is not None and obj.is_deleted and request.method == "POST":
            return self._refuse_deleted(request, obj)
        extra_context = {
            **(extra_context or {}),
            "history_entries": record_history(obj) if obj else None,
            "deleted_notice": self._deleted_notice(obj) if obj is not None and obj.is_deleted else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's revert page saves on POST without asking has_change_permission.
        if request.method == "POST":
            obj = self._stored_object(object_id)
            if obj is not None and obj.is_deleted:
                return self._refuse_deleted(request, obj)
            if obj is not None and not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and hasattr(obj, "_history"):
            # The revert page edits a past version. Reverting brings back its values, never its
            # deleted state: deleting and restoring go through the services (cascade, collisions).
            obj.deleted_at = self.model.all_objects.filter(pk=obj.pk).values_list("deleted_at", flat=True).first()
        return super().get_form(request, obj, change=change, **kwargs)

    def has_change_permission(self, request, obj=None):
        # A deleted row is read-only here, as in the services (refuse_deleted): restore it first.
        if obj is not None and self._is_deleted_now(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._is_deleted_now(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self._stored_object(object_id)
        if obj is not None and obj.is_deleted:
            self.message_user(request, gettext("This %(thing)s is already deleted.")
                              % {"thing": obj._meta.verbose_name}, messages.WARNING)
            return redirect(self._change_url(obj))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # The delete is soft (delete_model → services.soft_delete): nothing is removed, so the
        # PROTECT foreign keys Django's collector reports, and the delete permissions it asks for
        # on related models, do not apply. List what soft_delete takes with it instead.
        counts, tree = Counter(), []
        for obj in objs:
            tree.extend(self._deletion_tree(request, obj, counts))
        return tree, dict(counts), set(), []

    def _deletion_tree(self, request, obj, counts):
        counts[str(obj._meta.verbose_name_plural)] += 1
        children = []
        for child in obj.soft_delete_dependants():
            children.extend(self._deletion_tree(request, child, counts))
        return [self._deletion_label(request, obj), children] if children else [self._deletion_label(request, obj)]

    def _deletion_label(self, request, obj):
        opts = obj._meta
        if self.admin_site.is_registered(type(obj)) and request.user.has_perm(
                f"{opts.app_label}.{get_permission_codename('change', opts)}"):
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), self._change_url(obj), obj)
        return f"{capfirst(opts.verbose_name)}: {obj}"

    def _change_url(self, obj):
        opts = obj._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])

    def _stored_object(self, object_id):
        return self.model.all_objects.filter(pk=object_id).first() if str(object_id).isdigit() else None

    def _is_deleted_now(self, obj):
        if hasattr(obj, "_history"):  # a past version (the revert page): the row as stored decides
            return self.model.all_objects.filter(pk=obj.pk, deleted_at__isnull=False).exists()
        return obj.is_deleted

    def _refuse_deleted(self, request, obj):
        try:
            services.refuse_deleted(obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return redirect(self._change_url(obj))

    def _deleted_notice(self, obj):
        return gettext(
            "This %(thing)s was deleted on %(date)s and is read-only. To change it, restore it from "
            "the list: filter “Deleted”, then the action “Restore selected”."
        ) % {"thing": obj._meta.verbose_name, "date": date_format(localtime(obj.deleted_at), "DATETIME_FORMAT")}

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history ends with select_related(*tracked foreign keys); for a model without any
        # (Student, Course) that is a bare select_related(), which follows only non-null keys and
        # drops the nullable history_user: one user query per history row. Name them all.
        foreign_keys = [field.name for field in history_manager.model.tracked_fields
                        if isinstance(field, models.ForeignKey)]
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user", *foreign_keys)

    def get_queryset(self, request):
        # all_objects so the "deleted" filter can show deleted rows; the filter hides them by default.
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            # Autocomplete feeds foreign-key pickers: a deleted student is not a choice.
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset, may_have_duplicates

    def get_list_filter(self, request):
        return (DeletedFilter, *super().get_list_filter(request))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would delete rows for good
        return actions

    def delete_model(self, request, obj):
        services.soft_delete(obj, reason="admin delete")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.soft_delete(obj, reason="admin delete")

    @admin.action(description=_("Delete selected (can be restored)"), permissions=["delete"])
    def soft_delete_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(deleted_at__isnull=True):
            services.soft_delete(obj, reason="admin delete")
            count += 1
        self.message_user(request, ngettext("%d record deleted.", "%d records deleted.", count) % count)

    @admin.action(description=_("Restore selected"), permissions=["delete"])
    def restore_selected(self, request, queryset):
        restored = 0
        for obj in queryset.filter(deleted_at__isnull=False):
            try:
                services.restore(obj, reason="admin restore")
                restored += 1
            except ValidationError as error:
                self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, ngettext("%d record restored.", "%d records restored.", restored) % restored)
