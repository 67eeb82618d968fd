"""The metrics in the admin site, admins only: a dashboard with the headline of every report and
three charts, and a page per report (students, courses, grades, attendance) with all its numbers.

Each page shows what GET /api/v1/metrics/<report>/ returns for the same filters, from the same
cached report (metrics/reports.py), so the two never disagree by more than the cache's minute.
"""

from django.contrib import admin
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics import charts, reports, selectors
from metrics.access import admin_only
from metrics.forms import AdminMetricsFilterForm
from metrics.selectors import Scope

PASS_RATE_BARS = 40  # more courses than this are in the table below the chart
PAGES = {  # URL name suffix: title, in the order of the tabs
    "dashboard": gettext_lazy("Metrics dashboard"),
    "students": gettext_lazy("Students"),
    "courses": gettext_lazy("Courses"),
    "grades": gettext_lazy("Grades"),
    "attendance": gettext_lazy("Attendance"),
}


@admin_only
def dashboard_page(request):
    form, scope = _filters(request)
    data = reports.report("dashboard", scope)
    has_data = bool(data["grades"]["count"] or data["attendance"]["weekly_trend"])
    return _render(request, "dashboard", form, data, has_data=has_data, charts={
        "histogram": histogram_chart(data["grades"]["histogram"]),
        "trend": trend_chart(data["attendance"]["weekly_trend"]),
        "pass_rates": pass_rate_chart(data["courses"]["pass_rate_per_course"]),
    } if has_data else None)


@admin_only
def students_page(request):
    form, scope = _filters(request)
    data = reports.report("students", scope)
    return _render(request, "students", form, data, has_data=bool(data["total"] or data["enrolled_per_course"]),
                   at_risk=reports.flagged(scope, "at_risk", _page_number(request)))


@admin_only
def courses_page(request):
    form, scope = _filters(request)
    data = reports.report("courses", scope)
    rows = data["courses"]
    return _render(request, "courses", form, data, has_data=bool(rows), labels=reports.LABELS,
                   charts={"pass_rates": pass_rate_chart(rows)} if any(row["graded"] for row in rows) else None)


@admin_only
def grades_page(request):
    form, scope = _filters(request)
    data = reports.report("grades", scope)
    return _render(request, "grades", form, data, has_data=bool(data["count"]),
                   charts={"histogram": histogram_chart(data["histogram"])} if data["count"] else None)


@admin_only
def attendance_page(request):
    form, scope = _filters(request)
    data = reports.report("attendance", scope)
    return _render(request, "attendance", form, data, has_data=bool(data["records"]),
                   charts={"trend": trend_chart(data["weekly_trend"])} if data["records"] else None,
                   over_limit=reports.flagged(scope, "over_limit", _page_number(request)))


def _filters(request):
    """The filter form (one query: the courses to choose from) and the scope it selects; invalid
    filters show every semester, with the form's errors saying so."""
    form = AdminMetricsFilterForm(request.GET or None, courses=selectors.course_choices())
    return form, Scope(**form.cleaned_data) if form.is_valid() else Scope()


def _page_number(request):
    number = request.GET.get("page", "")
    return int(number) if number.isdigit() and 0 < len(number) < 7 else 1


def _render(request, page, form, data, **context):
    filters = {name: value for name, value in form.cleaned_data.items() if value} if form.is_bound and (
        form.is_valid()) else {}
    query = urlencode(filters)
    return render(request, f"metrics/{page}.html", {
        **admin.site.each_context(request), "title": PAGES[page], "page_name": page, "form": form,
        "data": data, "query": query,
        "tabs": [(name, title, f"admin-metrics-{name}") for name, title in PAGES.items()], **context,
    })


def histogram_chart(histogram):
    bands = [(f"{row['from']}–{row['to']}", row["count"]) for row in histogram]
    return charts.bar_chart(
        bands, chart_id="grade-histogram", title=_("Grade distribution on the 0–20 scale"),
        description=_("Number of grades per band: %(bands)s.") % {
            "bands": ", ".join(f"{label}: {count}" for label, count in bands)},
    )


def trend_chart(weekly_trend):
    weeks = [(row["week"][5:], row["rate"]) for row in weekly_trend]
    return charts.line_chart(
        weeks, chart_id="attendance-trend", title=_("Attendance rate per week"),
        description=_("Share of lessons attended (present or late) per week: %(weeks)s.") % {
            "weeks": ", ".join(f"{label}: {_percent(rate)}" for label, rate in weeks) or "—"},
    )


def pass_rate_chart(courses):
    rates = [(row["course_code"], row["pass_rate"]) for row in courses]
    return charts.horizontal_bar_chart(
        rates[:PASS_RATE_BARS], chart_id="pass-rate-per-course", title=_("Pass rate per course"),
        description=_("Share of graded students with a final grade of 10 or more: %(courses)s.") % {
            "courses": ", ".join(f"{code}: {_percent(rate)}" for code, rate in rates) or "—"},
    )


def _percent(rate):
    return "—" if rate is None else f"{rate}%"
