from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sms.admin import SoftDeleteAdmin, range_filter
from sms.transfer.admin import TransferAdminMixin
from students.models import Student


@admin.register(Student)
class StudentAdmin(TransferAdminMixin, SoftDeleteAdmin):
    transfer_kind = "students"
    list_display = ("student_id", "last_name", "first_name", "email", "study_year", "class_division", "is_active")
    # No date hierarchy (two queries over the table a page); enrollment dates filter by period instead.
    list_filter = ("is_active", range_filter("study_year", _("study year"), range(1, 7)), "class_division",
                   "enrollment_date")
    search_fields = ("student_id", "first_name", "last_name", "email")

    def get_search_results(self, request, queryset, search_term):
        # The staff list's search (every word, case and Greek accents ignored, on every database);
        # the admin's icontains folds only ASCII case on SQLite, and accents nowhere.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, "")
        return queryset.search(search_term), may_have_duplicates
