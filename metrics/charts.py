"""Charts as server-side SVG: no JavaScript, no network, readable by screen readers.

Each chart is an <svg role="img"> with a <title> and a <desc> that states the numbers in words;
the page also shows the same numbers in a table.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

COLOUR = "#1f3a5f"
PASS_COLOUR = "#17612b"
GRID = "#cccccc"


def _svg(chart_id, width, height, title, description, body):
    return format_html(
        '<svg class="chart" id="{}" role="img" aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        chart_id, chart_id, chart_id, width, height, chart_id, title, chart_id, description, mark_safe(body),
    )


def bar_chart(items, *, chart_id, title, description, unit="", width=640, height=260):
    """Vertical bars for [(label, value)]; a value of None draws no bar and prints "—"."""
    top, bottom, left = 20, 40, 40
    plot_height = height - top - bottom
    highest = max([value for _label, value in items if value is not None] + [1])
    step = (width - left - 10) / max(len(items), 1)
    parts = [_axis(left, top, width, plot_height, highest, unit)]
    for index, (label, value) in enumerate(items):
        x = left + index * step + step * 0.15
        bar = 0 if value is None else float(value) / float(highest) * plot_height
        y = top + plot_height - bar
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar:.1f}" fill="{COLOUR}">'
                     f"<title>{escape(label)}: {_text(value, unit)}</title></rect>")
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
                     f"{_text(value, unit)}</text>")
        parts.append(f'<text x="{x + step * 0.35:.1f}" y="{height - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(label)}</text>')
    return _svg(chart_id, width, height, title, description, "".join(parts))


def horizontal_bar_chart(items, *, chart_id, title, description, unit="%", maximum=100, width=640):
    """Horizontal bars for [(label, value)], e.g. pass rate per course (0–100 %)."""
    row, left, top = 22, 150, 10
    height = top * 2 + row * max(len(items), 1)
    plot_width = width - left - 60
    parts = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        bar = 0 if value is None else float(value) / float(maximum) * plot_width
        parts.append(f'<text x="{left - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}" fill="{PASS_COLOUR}">'
                     f"<title>{escape(label)}: {_text(value, unit)}</title></rect>")
        parts.append(f'<text x="{left + bar + 4:.1f}" y="{y + 15}" font-size="12">{_text(value, unit)}</text>')
    return _svg(chart_id, width, height, title, description, "".join(parts))


def line_chart(points, *, chart_id, title, description, unit="%", maximum=100, width=640, height=240):
    """A line over [(label, value)] on a 0–maximum scale, e.g. the weekly attendance rate."""
    top, bottom, left = 20, 40, 40
    plot_height, plot_width = height - top - bottom, width - left - 20
    step = plot_width / max(len(points) - 1, 1)
    coordinates = [
        (left + index * step, top + plot_height - float(value or 0) / float(maximum) * plot_height, label, value)
        for index, (label, value) in enumerate(points)
    ]
    parts = [_axis(left, top, width, plot_height, maximum, unit)]
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _value in coordinates)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOUR}" stroke-width="2"/>')
    labels_every = max(len(coordinates) // 8, 1)
    for index, (x, y, label, value) in enumerate(coordinates):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOUR}"><title>{escape(label)}: '
                     f"{_text(value, unit)}</title></circle>")
        if index % labels_every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle">'
                         f"{escape(label)}</text>")
    return _svg(chart_id, width, height, title, description, "".join(parts))


def _axis(left, top, width, plot_height, highest, unit):
    lines = []
    for fraction in (0, 0.5, 1):
        y = top + plot_height - fraction * plot_height
        value = highest * fraction
        shown = f"{value:.0f}" if float(value).is_integer() or value > 10 else f"{value:.1f}"
        lines.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{shown}{escape(unit)}</text>')
    return "".join(lines)


def _text(value, unit):
    return "—" if value is None else f"{value}{escape(unit)}"
