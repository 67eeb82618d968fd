"""The PDF report card of one student for one semester, in the reader's language.

Grades come from grades.selectors.final_grades_for_student (the single place grade maths runs);
this module only lays them out. DejaVu Sans is vendored in static/fonts so Greek renders on any
machine; reportlab embeds the glyphs used.
"""

import io
from collections import Counter
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from attendance.models import COUNTED_ABSENCES, Attendance, Status
from courses import semesters
from courses.models import Course
from grades.calculations import display
from grades.selectors import final_grades_for_student

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_DIR = settings.BASE_DIR / "static" / "fonts"


def semesters_of(student):
    """The semesters the student has live enrollments in, latest first."""
    names = Course.objects.filter(
        enrollments__student=student, enrollments__deleted_at__isnull=True
    ).values_list("semester", flat=True).distinct()
    return sorted(set(names), key=semesters.sort_key, reverse=True)


def pick_semester(student, requested=""):
    """The requested semester, or else the student's latest; ValidationError if they had no courses in it."""
    available = semesters_of(student)
    semester = requested or (available[0] if available else "")
    if semester in available:
        return semester
    if not semester:
        message = _("%(student)s is not enrolled in any course yet, so there is no report card.")
    else:
        message = _("%(student)s has no courses in the semester “%(semester)s”.")
    raise ValidationError(message % {"student": student.full_name, "semester": semester}, code="no_courses")


def filename(student, semester):
    return f"report-card-{student.student_id}-{semester.replace(' ', '-')}.pdf"


def attendance_summary(student, courses):
    """{course_id: Counter(status → count)} of the student's attendance in these courses; 1 query."""
    summary = {course.pk: Counter() for course in courses}
    rows = Attendance.objects.filter(student=student, course__in=courses).values("course_id", "status")
    for row in rows.annotate(count=Count("id")):
        summary[row["course_id"]][row["status"]] = row["count"]
    return summary


def render(student, semester, language):
    """PDF bytes of the report card."""
    with override(language):
        rows, gpa = final_grades_for_student(student, semester=semester)
        attendance = attendance_summary(student, [course for course, _result in rows])
        return _Layout(student, semester, rows, gpa, attendance).build()


def _register_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_DIR / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, FONT_DIR / "DejaVuSans-Bold.ttf"))


def _number(value, places=1):
    """One rounding, half up, as everywhere grades are shown (Decimal's own format rounds half even)."""
    return "—" if value is None else str(display(value, places))


class _Layout:
    def __init__(self, student, semester, rows, gpa, attendance):
        from reportlab.lib.styles import ParagraphStyle

        _register_fonts()
        self.student, self.semester, self.rows, self.gpa, self.attendance = (
            student, semester, rows, gpa, attendance)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=FONT_BOLD, fontSize=11,
                                      leading=15, spaceBefore=8, spaceAfter=4)
        self.title = ParagraphStyle("title", parent=self.body, fontName=FONT_BOLD, fontSize=16, leading=20)

    def build(self):
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
            bottomMargin=15 * mm, title=_("Report card"), author="SMS",
            subject=f"{self.student.full_name} — {self.semester}",
        )
        document.build(self.story())
        return buffer.getvalue()

    def story(self):
        from reportlab.platypus import Paragraph, Spacer

        story = [Paragraph(_("Report card"), self.title), Spacer(0, 6), self.identity()]
        story.append(Paragraph(_("Grades"), self.heading))
        if not self.rows:
            story.append(Paragraph(_("No courses in this semester."), self.body))
        for course, result in self.rows:
            story += self.course_block(course, result)
        story.append(Paragraph(_("Attendance"), self.heading))
        story.append(self.attendance_table())
        story += [Spacer(0, 10), Paragraph(self.footnote(), self.small)]
        return story

    def _p(self, text, style=None):
        from reportlab.platypus import Paragraph

        return Paragraph(self._escape(str(text)), style or self.body)

    def _table(self, data, widths, header=True):
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        table = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ]
        if header:
            style += [("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                      ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]
        table.setStyle(TableStyle(style))
        return table

    def identity(self):
        from reportlab.lib.units import mm

        student = self.student
        data = [
            [_("Student"), student.full_name, _("Student ID"), student.student_id],
            [_("Semester"), self.semester, _("Study year / class"),
             f"{student.study_year} {student.class_division}".strip()],
            [_("Date"), date_format(timezone.localdate(), "DATE_FORMAT"),
             _("GPA (4.0)"), _number(self.gpa, 2)],
        ]
        data = [[self._p(cell) for cell in row] for row in data]
        return self._table(data, [30 * mm, 60 * mm, 35 * mm, 55 * mm], header=False)

    def course_block(self, course, result):
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph

        credits = _("%(n)s credits") % {"n": course.credits}
        title = f"{course.course_code} — {course.course_name} ({credits})"
        block = [Paragraph(self._escape(title), self.heading), self._p(self.result_line(result))]
        if result.categories:
            data = [[_("Category"), _("Weight"), _("Grades"), _("Average %"), _("Average (0–20)")]]
            for category in result.categories:
                average = category.average
                data.append([category.category, _number(category.weight, 0), str(category.count),
                             _number(average), _number(None if average is None else average / 5)])
            data = [[self._p(cell) for cell in row] for row in data]
            block.append(self._table(data, [60 * mm, 25 * mm, 25 * mm, 30 * mm, 35 * mm]))
        return [KeepTogether(block)]

    @staticmethod
    def _escape(text):
        return escape(text)

    def result_line(self, result):
        if not result.has_grade:
            return result.message
        parts = [
            _("Final grade: %(value)s / 20") % {"value": _number(result.value20)},
            _("Letter: %(letter)s") % {"letter": result.letter},
            _("Greek label: %(label)s") % {"label": result.greek_label},
            _("Passed") if result.passed else _("Not passed"),
        ]
        if result.provisional:
            parts.append(_("Provisional: categories worth %(weight)s of 100 graded so far")
                         % {"weight": _number(result.weight_used, 0)})
        if result.unexcused_absences and result.penalty:
            parts.append(_("Absence penalty: −%(points)s points") % {"points": _number(result.penalty)})
        return " · ".join(parts)

    def attendance_table(self):
        from reportlab.lib.units import mm

        data = [[_("Course"), Status.PRESENT.label, Status.ABSENT.label, Status.LATE.label,
                 Status.EXCUSED.label, _("Absences / limit")]]
        for course, _result in self.rows:
            counts = self.attendance[course.pk]
            absences = sum(counts[status] for status in COUNTED_ABSENCES)
            limit = course.absence_limit
            flag = _("over the limit") if limit is not None and absences > limit else ""
            data.append([course.course_code, *(str(counts[status]) for status in Status.values),
                         f"{absences} / {'—' if limit is None else limit} {flag}".strip()])
        data = [[self._p(cell) for cell in row] for row in data]
        # Wide enough for the longest Greek heading ("Δικαιολογημένη") not to break mid-word.
        return self._table(data, [26 * mm, 22 * mm, 22 * mm, 28 * mm, 34 * mm, 48 * mm])

    def footnote(self):
        return self._escape(_(
            "Grades on the 0–20 scale, pass mark 10. A provisional grade is rescaled from the categories "
            "graded so far. Absences counted toward the limit: Absent and Excused."))
