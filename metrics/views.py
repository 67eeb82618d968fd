"""The metrics dashboard in the admin site: headline numbers and three charts, admins only."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from metrics import charts, reports
from metrics.forms import MetricsFilterForm
from metrics.selectors import Scope
from sms import roles

PASS_RATE_BARS = 40  # more courses than this are in the table below the chart


def dashboard_page(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="admin:login")
    if not roles.is_admin(request.user):
        raise PermissionDenied
    form = MetricsFilterForm(request.GET or None)
    scope = Scope(**form.cleaned_data) if form.is_valid() else Scope()
    data = reports.report("dashboard", scope)
    return render(request, "metrics/dashboard.html", {
        **admin.site.each_context(request), "title": _("Metrics dashboard"), "form": form, "data": data,
        "charts": _charts(data) if data["grades"]["count"] or data["attendance"]["weekly_trend"] else None,
        "pass_rates": data["courses"]["pass_rate_per_course"],
    })


def _charts(data):
    histogram = [(f"{row['from']}–{row['to']}", row["count"]) for row in data["grades"]["histogram"]]
    trend = [(row["week"][5:], row["rate"]) for row in data["attendance"]["weekly_trend"]]
    rates = [(row["course_code"], row["pass_rate"]) for row in data["courses"]["pass_rate_per_course"]]
    return {
        "histogram": charts.bar_chart(
            histogram, chart_id="grade-histogram", title=_("Grade distribution on the 0–20 scale"),
            description=_("Number of grades per band: %(bands)s.") % {
                "bands": ", ".join(f"{label}: {count}" for label, count in histogram)},
        ),
        "trend": charts.line_chart(
            trend, chart_id="attendance-trend", title=_("Attendance rate per week"),
            description=_("Share of lessons attended (present or late) per week: %(weeks)s.") % {
                "weeks": ", ".join(f"{label}: {'—' if rate is None else rate}%" for label, rate in trend) or "—"},
        ),
        "pass_rates": charts.horizontal_bar_chart(
            rates[:PASS_RATE_BARS], chart_id="pass-rate-per-course", title=_("Pass rate per course"),
            description=_("Share of graded students with a final grade of 10 or more: %(courses)s.") % {
                "courses": ", ".join(f"{code}: {'—' if rate is None else rate}%" for code, rate in rates) or "—"},
        ),
    }
