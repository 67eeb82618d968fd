"""The admin base for soft-deleted domain models: a "deleted" filter, soft delete and restore."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
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


def _with_dependants(obj, model_count):
    """[description of obj, [its dependants, nested likewise]], counting each model in model_count."""
    name = obj._meta.verbose_name_plural
    model_count[name] = model_count.get(name, 0) + 1
    dependants = []
    for relation in obj._cascade_relations():
        for child in relation.related_model.objects.filter(**{relation.field.name: obj}):
            dependants += _with_dependants(child, model_count)
    return [f"{capfirst(obj._meta.verbose_name)}: {obj}", dependants]


class SoftDeleteAdmin(SimpleHistoryAdmin):
    actions = ["soft_delete_selected", "restore_selected"]
    # The "deleted" filter is always on, so Django would add "(N total)" to every page: a COUNT of
    # the whole table (500,000 attendance rows at district scale) that also counts deleted rows.
    show_full_result_count = False
    readonly_fields = ("deleted_at",)
    change_form_template = "admin/sms_change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Each change with who, when and old → new, under the form (audit.selectors, one query).
        from audit.selectors import record_history

        obj = self.model.all_objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra_context = {**(extra_context or {}), "history_entries": record_history(obj) if obj else None}
        return super().change_view(request, object_id, form_url, extra_context)

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

    def get_deleted_objects(self, objs, request):
        # Django's collector is built for hard deletes: it calls a student's enrollments, grades and
        # attendance "protected" and refuses. Here the delete is soft and takes them along
        # (SoftDeleteModel.soft_delete), so the confirmation page lists them as deleted with it.
        to_delete, model_count = [], {}
        for obj in objs:
            to_delete += _with_dependants(obj, model_count)
        return to_delete, model_count, set(), []

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
